import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Vote } from '../../../core/approvals/decisions';
import type { SlackDeps } from '../../deps';
import { tellUser } from '../../ephemeral';
import { voteReply } from '../../ui/approval';
import { infoMessage } from '../../ui/replies';
import { RunBusyError } from '../../../core/errors';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/**
 * Approve and Reject, on the run's message, on a request in an approval channel, in an approver's direct
 * message or on their Home tab. Every click is answered: the thread shows decisions, the clicker hears
 * anything else (counted, refused, already decided) where they clicked, or in their DM from the Home tab.
 */
export function approvalVote(deps: SlackDeps, vote: Vote) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    // The Home tab is no channel: Slack takes a user id as the channel of their direct message with the app.
    const channelId = body.channel?.id ?? body.user.id;
    const runId = action.value;
    if (!runId) return;
    const tell = (text: string) => tellUser(client, deps.log, channelId, body.user.id, infoMessage(text));
    deps.afterAck.run(vote, async () => {
      try {
        const result = await deps.approvals.vote(runId, body.user.id, vote);
        const reply = voteReply(result);
        if (reply) await tell(reply);
        if (result.kind === 'approved') await result.started;
      } catch (err) {
        if (!(err instanceof RunBusyError)) throw err;
        await tell('Flightdeck is busy with this run right now; try again in a moment.');
      }
    });
  };
}
