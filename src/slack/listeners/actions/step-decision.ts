import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { StepDecision } from '../../../core/operations/contract';
import type { SlackDeps } from '../../deps';
import { decideStep, tellStepOutcome } from '../../step-decide';
import { parseStepButton, stepFormModal } from '../../ui/human-step';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/**
 * Approve or Reject on an upstream human step in a run's thread. Approve on a step that asks for values
 * opens its form (decided when submitted); any other click is decided at once. The thread shows decisions
 * and upstream refusals; the clicker alone hears a policy refusal or that someone decided first.
 */
export function stepDecision(deps: SlackDeps, decision: StepDecision) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const channelId = body.channel?.id;
    const target = parseStepButton(action.value);
    if (!channelId || !target) return;
    const actor = { id: body.user.id, name: body.user.name };
    const click = { runId: target.run, stepId: target.step, decision, actor, channelId, seq: target.seq };
    if (decision === 'approve' && target.seq !== undefined) {
      // The trigger id lasts 3 s: the form is looked up and opened before anything else.
      const opened = await deps.humanSteps.form({ ...click, seq: target.seq });
      if (opened.kind === 'form') {
        const metadata = { run: target.run, step: target.step, channel: channelId, seq: target.seq };
        await client.views.open({
          trigger_id: body.trigger_id,
          view: stepFormModal(opened.systemName, opened.step, metadata),
        });
        return;
      }
      if (opened.kind !== 'no_form') {
        await tellStepOutcome(deps, client, click, opened);
        return;
      }
    }
    decideStep(deps, client, click);
  };
}
