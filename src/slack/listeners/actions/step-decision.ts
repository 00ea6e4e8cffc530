import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { StepDecision } from '../../../core/operations/contract';
import { RunBusyError } from '../../../core/runs/lease';
import type { SlackDeps } from '../../deps';
import { tellUser } from '../../ephemeral';
import { parseStepButton, stepClickReply } from '../../ui/human-step';
import { deniedMessage, infoMessage } from '../../ui/replies';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/**
 * Approve or Reject on an upstream human step in a run's thread. The thread shows decisions and upstream
 * refusals; the clicker alone hears a policy refusal or that someone decided first.
 */
export function stepDecision(deps: SlackDeps, decision: StepDecision) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const channelId = body.channel?.id;
    const target = parseStepButton(action.value);
    if (!channelId || !target) return;
    const tell = (text: string) => tellUser(client, deps.log, channelId, body.user.id, infoMessage(text));
    deps.afterAck.run(`step ${decision}`, async () => {
      try {
        const result = await deps.humanSteps.decide({
          runId: target.run,
          stepId: target.step,
          decision,
          actor: { id: body.user.id, name: body.user.name },
          channelId,
        });
        if (result.kind === 'denied') {
          await tellUser(
            client,
            deps.log,
            channelId,
            body.user.id,
            deniedMessage(`${decision} this step (${result.operationId})`, result.decision),
          );
          return;
        }
        if (result.kind === 'decided' || result.kind === 'refused_upstream') deps.tracker.nudge();
        const reply = stepClickReply(result);
        if (reply) await tell(reply);
      } catch (err) {
        if (!(err instanceof RunBusyError)) throw err;
        await tell('Flightdeck is busy with this run right now; try again in a moment.');
      }
    });
  };
}
