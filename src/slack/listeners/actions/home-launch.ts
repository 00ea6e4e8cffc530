import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { channelPickModal } from '../../ui/home';
import { noticeModal } from '../../ui/operation-modal';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/** A launch button on the Home tab: first ask where the run should report. */
export function homeLaunch(deps: SlackDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const op = deps.registry.operation(action.value ?? '');
    const view = op
      ? channelPickModal({ id: op.id, title: op.title, systemName: deps.registry.systemName(op.system) })
      : noticeModal(
          'Flightdeck',
          'That operation is no longer configured. Reopen the Home tab for the current list.',
        );
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
}
