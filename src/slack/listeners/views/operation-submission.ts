import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { parseForm, validateUpstream } from '../../../core/operations/forms';
import type { FieldErrors, FormValues } from '../../../core/operations/contract';
import type { SlackDeps } from '../../deps';
import { tellUser } from '../../ephemeral';
import { readFormValues, readSubmittedBlocks } from '../../form-values';
import { readModalMetadata } from '../../modal-metadata';
import { UNAVAILABLE_CHOICE } from '../options/field-options';
import { launchAndReport } from '../../launch';
import { fieldErrorsFor, noticeModal, previewModal, previewPendingModal } from '../../ui/operation-modal';
import { problemMessage } from '../../ui/replies';
import { isUpstreamError } from '../../../core/errors';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/** A picker answered "unavailable" when the upstream was down: that is not a value. */
function unavailablePicks(values: FormValues, systemName: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const [id, value] of Object.entries(values)) {
    const picked = Array.isArray(value) ? value : [value];
    if (picked.includes(UNAVAILABLE_CHOICE)) {
      errors[id] = `${systemName} could not be reached to list the choices. Pick again once it answers.`;
    }
  }
  return errors;
}

/**
 * A submitted operation form: validate (inline errors keep the modal open), then either show the preview
 * to confirm, or close the modal and launch. The idempotency key is the view's id and hash, so a retried or
 * doubled submission of the same view launches once.
 */
export function operationSubmission(deps: SlackDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const meta = readModalMetadata(view.private_metadata);
    const op = meta ? deps.registry.operation(meta.operationId) : undefined;
    if (!meta || !op) {
      await ack({
        response_action: 'update',
        view: noticeModal(
          'Flightdeck',
          'This form is no longer valid (its system may have been turned off). Run the command again.',
        ),
      });
      return;
    }
    const systemName = deps.registry.systemName(op.system);
    const values = readFormValues(view.state.values);
    // The submitted view shows the fields of the submitted values (dependent fields included), not the empty form's.
    const reject = (errors: FieldErrors) =>
      ack({
        response_action: 'errors',
        errors: fieldErrorsFor(readSubmittedBlocks(view.blocks), op.fields({ values }), errors),
      });
    const unavailable = unavailablePicks(values, systemName);
    if (Object.keys(unavailable).length > 0) {
      await reject(unavailable);
      return;
    }
    const parsed = parseForm(op, values);
    if (!parsed.ok) {
      await reject(parsed.errors);
      return;
    }
    const upstreamErrors = await validateUpstream(op, parsed.input, deps.timing.validateDeadlineMs);
    if (upstreamErrors && Object.keys(upstreamErrors).length > 0) {
      await reject(upstreamErrors);
      return;
    }
    const requester = { id: body.user.id, name: body.user.name };

    if (op.preview) {
      await ack({ response_action: 'update', view: previewPendingModal(op) });
      const preview = op.preview.bind(op);
      deps.afterAck.run('preview', async () => {
        try {
          const result = await preview(parsed.input);
          await client.views.update({
            view_id: view.id,
            view: previewModal(op, result, { ...meta, values, fingerprint: result.fingerprint }),
          });
        } catch (err) {
          if (!isUpstreamError(err)) throw err;
          await client.views.update({
            view_id: view.id,
            view: noticeModal('Could not review', problemMessage(err.toProblem(systemName)).blocks),
          });
        }
      });
      return;
    }

    await ack();
    deps.afterAck.run('launch', () =>
      launchAndReport(deps, {
        operationId: op.id,
        input: parsed.input,
        idempotencyKey: `${view.id}:${view.hash}`,
        channelId: meta.channelId,
        requester,
        ...(meta.rerunOf ? { rerunOf: meta.rerunOf } : {}),
      }).then(async (result) => {
        if (result.kind === 'notice')
          await tellUser(client, deps.log, meta.channelId, requester.id, result.content);
      }),
    );
  };
}
