import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { readFormValues } from '../../form-values';
import { readLauncherMetadata } from '../../modal-metadata';
import { operationView } from '../../operation-view';
import { noticeModal } from '../../ui/operation-modal';
import { deniedMessage } from '../../ui/replies';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/** The launcher's pick replaces it with the operation's own modal (or says why not). */
export function launcherSubmission(deps: SlackDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const meta = readLauncherMetadata(view.private_metadata);
    const picked = readFormValues(view.state.values).operation;
    const op = typeof picked === 'string' ? deps.registry.operation(picked) : undefined;
    if (!meta || !op) {
      await ack({ response_action: 'errors', errors: { operation: 'Pick one of the listed operations.' } });
      return;
    }
    const decision = await deps.forms.mayOpen({ userId: body.user.id, channelId: meta.channelId }, op.id);
    if (!decision.allowed) {
      await ack({
        response_action: 'update',
        view: noticeModal('Not allowed', deniedMessage(`run ${op.title}`, decision).blocks),
      });
      return;
    }
    await ack({ response_action: 'update', view: operationView(deps.registry, op, meta.channelId, {}) });
  };
}
