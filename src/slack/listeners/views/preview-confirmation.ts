import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { parseForm } from '../../../core/operations/forms';
import type { SlackDeps } from '../../deps';
import { launchAndReport } from '../../launch';
import { readPreviewMetadata } from '../../modal-metadata';
import { noticeModal, previewModal, previewPendingModal } from '../../ui/operation-modal';
import { problemText } from '../../ui/problem';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/**
 * The requester confirmed a preview. The operation re-reads the current state; when it changed since the
 * preview, the modal shows the new change and asks again instead of overwriting someone else's edit.
 */
export function previewConfirmation(deps: SlackDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const meta = readPreviewMetadata(view.private_metadata);
    const op = meta ? deps.registry.operation(meta.operationId) : undefined;
    if (!meta || !op) {
      await ack({
        response_action: 'update',
        view: noticeModal('Flightdeck', 'This confirmation is no longer valid. Start again.'),
      });
      return;
    }
    const parsed = parseForm(op, meta.values);
    if (!parsed.ok) {
      await ack({
        response_action: 'update',
        view: noticeModal('Flightdeck', 'This confirmation is no longer valid. Start again.'),
      });
      return;
    }
    await ack({ response_action: 'update', view: previewPendingModal(op) });
    deps.afterAck.run('confirm', async () => {
      const report = await launchAndReport(deps, {
        operationId: op.id,
        input: parsed.input,
        idempotencyKey: `${view.id}:${view.hash}`,
        channelId: meta.channelId,
        requester: { id: body.user.id, name: body.user.name },
        confirmedFingerprint: meta.fingerprint,
        ...(meta.rerunOf ? { rerunOf: meta.rerunOf } : {}),
      });
      const update = (next: Parameters<typeof client.views.update>[0]) => client.views.update(next);
      if (report.kind === 'notice') {
        await update({ view_id: view.id, view: noticeModal('Not started', report.content.blocks) });
        return;
      }
      if (report.kind === 'duplicate') return;
      const outcome = report.outcome;
      if (outcome.kind === 'outdated') {
        await update({
          view_id: view.id,
          view: previewModal(
            op,
            outcome.preview,
            { ...meta, fingerprint: outcome.preview.fingerprint },
            true,
          ),
        });
      } else if (outcome.kind === 'failed') {
        await update({ view_id: view.id, view: noticeModal('Failed', problemText(outcome.problem)) });
      } else {
        await update({
          view_id: view.id,
          view: noticeModal('Done', `Done. The record is in <#${meta.channelId}>.`),
        });
      }
    });
  };
}
