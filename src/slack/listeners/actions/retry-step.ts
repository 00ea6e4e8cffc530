import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { tellUser } from '../../ephemeral';
import type { MessageContent } from '../../ui/blocks';
import { deniedMessage, infoMessage, problemMessage } from '../../ui/replies';
import { readRetryValue } from '../../ui/run-actions';
import { RunBusyError } from '../../../core/errors';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/** Retry on a failed step: the first click has the upstream retry it; the thread says who, then follows the run. */
export function retryStep(deps: SlackDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const channelId = body.channel?.id;
    const target = readRetryValue(action.value);
    if (!channelId || !target) return;
    const tell = (content: MessageContent) => tellUser(client, deps.log, channelId, body.user.id, content);
    deps.afterAck.run('retry', async () => {
      try {
        const result = await deps.retries.retry(
          target.runId,
          target.stepId,
          { id: body.user.id, name: body.user.name },
          channelId,
        );
        switch (result.kind) {
          case 'retried':
            deps.tracker.nudge();
            return;
          case 'refused':
            await tell(problemMessage(result.problem));
            return;
          case 'denied':
            await tell(deniedMessage('retry this task', result.decision));
            return;
          case 'not_pending':
            await tell(
              infoMessage('This task is no longer waiting to be retried (someone may have retried it).'),
            );
            return;
          case 'unsupported':
            await tell(infoMessage('This run cannot be retried from Slack.'));
            return;
          case 'not_found':
            await tell(infoMessage('Flightdeck has no record of this run.'));
            return;
        }
      } catch (err) {
        if (!(err instanceof RunBusyError)) throw err;
        await tell(infoMessage('Flightdeck is busy with this run right now; try again in a moment.'));
      }
    });
  };
}
