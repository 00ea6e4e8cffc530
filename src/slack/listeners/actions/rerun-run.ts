import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { tellUser } from '../../ephemeral';
import type { FormValues } from '../../../core/operations/contract';
import { operationView } from '../../operation-view';
import { openThenRebuild } from '../../open-form';
import { deniedMessage, infoMessage } from '../../ui/replies';
import { mrkdwnText } from '../../ui/text';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/**
 * Re-run: the run's form, filled in with its inputs (secrets blank), for a new run in the same channel.
 * Submitted like any form, so it is validated, decided by policy and approved like any start.
 */
export function rerunRun(deps: SlackDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const channelId = body.channel?.id;
    const runId = action.value;
    if (!channelId || !runId) return;
    const user = { id: body.user.id, name: body.user.name };
    const form = await deps.reruns.form(runId, user);
    switch (form.kind) {
      case 'denied':
        await tellUser(
          client,
          deps.log,
          channelId,
          user.id,
          deniedMessage(`run ${form.title}`, form.decision),
        );
        return;
      case 'unavailable':
        await tellUser(client, deps.log, channelId, user.id, infoMessage(mrkdwnText(form.reason)));
        return;
      case 'already_opening':
        deps.log.debug(
          { runId, user: user.id },
          'Re-run clicked again while its form opens: nothing more opens',
        );
        return;
      case 'form': {
        const view = (values: FormValues) =>
          operationView(
            deps.registry,
            form.operation,
            form.run.channelId,
            { values },
            { rerunOf: form.run.id, secretsBlanked: form.secretsBlanked },
          );
        // Rebuilt when inputs shown in the JSON box (their schema no longer cached) get their fields back.
        await openThenRebuild(
          client,
          deps.log,
          body.trigger_id,
          view(form.values),
          form.operation.prepare &&
            (async () => view(await deps.reruns.preparedValues(form, deps.timing.searchDeadlineMs))),
        );
      }
    }
  };
}
