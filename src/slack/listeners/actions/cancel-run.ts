import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { tellUser } from '../../ephemeral';
import { deniedMessage, infoMessage } from '../../ui/replies';
import { RunBusyError } from '../../../core/errors';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/** The Cancel button: the first click cancels; later clicks are told who already did. */
export function cancelRun(deps: SlackDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const channelId = body.channel?.id;
    const runId = action.value;
    if (!channelId || !runId) return;
    const tell = (text: string) => tellUser(client, deps.log, channelId, body.user.id, infoMessage(text));
    deps.afterAck.run('cancel', async () => {
      try {
        const result = await deps.launcher.cancel(
          runId,
          { id: body.user.id, name: body.user.name },
          channelId,
        );
        switch (result.kind) {
          case 'requested':
            deps.tracker.nudge();
            return;
          case 'already_requested':
            await tell(`<@${result.by}> already asked to cancel this run.`);
            return;
          case 'finished':
            await tell('This run has already finished; there is nothing to cancel.');
            return;
          case 'denied':
            await tellUser(
              client,
              deps.log,
              channelId,
              body.user.id,
              deniedMessage('cancel this run', result.decision),
            );
            return;
          case 'unsupported':
            await tell(
              'This run cannot be canceled from Slack (its system is not configured, or has no cancel).',
            );
            return;
          case 'not_found':
            await tell('Flightdeck has no record of this run.');
            return;
        }
      } catch (err) {
        if (!(err instanceof RunBusyError)) throw err;
        await tell('Flightdeck is busy with this run right now; try again in a moment.');
      }
    });
  };
}
