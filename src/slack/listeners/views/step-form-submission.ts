import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { readFormValues, readSubmittedBlocks } from '../../form-values';
import { readStepFormMetadata } from '../../modal-metadata';
import { decideStep } from '../../step-decide';
import { fieldErrorsFor, noticeModal } from '../../ui/operation-modal';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/**
 * A submitted step form: its values are checked as the step's system reads them (mistakes stay in the
 * modal, under their field), then the modal closes and the step is approved with them, like a click.
 */
export function stepFormSubmission(deps: SlackDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const meta = readStepFormMetadata(view.private_metadata);
    if (!meta) {
      await ack({
        response_action: 'update',
        view: noticeModal('Flightdeck', 'This form is no longer valid. Click Approve in the thread again.'),
      });
      return;
    }
    const values = readFormValues(view.state.values);
    const checked = await deps.humanSteps.checkForm(meta.run, values);
    if (!checked.ok) {
      await ack({
        response_action: 'errors',
        errors: fieldErrorsFor(readSubmittedBlocks(view.blocks), [], checked.errors),
      });
      return;
    }
    await ack();
    decideStep(deps, client, {
      runId: meta.run,
      stepId: meta.step,
      decision: 'approve',
      actor: { id: body.user.id, name: body.user.name },
      channelId: meta.channel,
      values,
      seq: meta.seq,
    });
  };
}
