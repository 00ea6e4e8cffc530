import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { tellUser } from '../../ephemeral';
import { formValuesOf } from '../../../core/operations/form-values-of';
import { noticeModal, previewModal, previewPendingModal } from '../../ui/operation-modal';
import { infoMessage, problemMessage } from '../../ui/replies';
import { isUpstreamError } from '../../../core/errors';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/**
 * Revert: the change that restores the previous state, shown as a preview to confirm like any other
 * (the confirmation re-reads the current state, so a revert never silently overwrites a later change).
 */
export function revertRun(deps: SlackDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const channelId = body.channel?.id;
    const runId = action.value;
    if (!channelId || !runId) return;
    const revert = await deps.launcher.revertInput(runId, { id: body.user.id, name: body.user.name });
    const values = revert ? formValuesOf(revert.input) : undefined;
    if (!revert || !values || !revert.operation.preview) {
      await tellUser(
        client,
        deps.log,
        channelId,
        body.user.id,
        infoMessage('This run cannot be reverted from Slack.'),
      );
      return;
    }
    const { operation } = revert;
    const opened = await client.views.open({
      trigger_id: body.trigger_id,
      view: previewPendingModal(operation),
    });
    const viewId = opened.view?.id;
    if (!viewId) return;
    deps.afterAck.run('revert preview', async () => {
      try {
        const preview = await operation.preview?.(revert.input);
        if (!preview) return;
        await client.views.update({
          view_id: viewId,
          view: previewModal(operation, preview, {
            operationId: operation.id,
            channelId,
            values,
            fingerprint: preview.fingerprint,
          }),
        });
      } catch (err) {
        if (!isUpstreamError(err)) throw err;
        const problem = err.toProblem(deps.registry.systemName(operation.system));
        await client.views.update({
          view_id: viewId,
          view: noticeModal('Could not review', problemMessage(problem).blocks),
        });
      }
    });
  };
}
