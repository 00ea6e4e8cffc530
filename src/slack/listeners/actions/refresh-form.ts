import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { prepareForm } from '../../../core/operations/forms';
import type { SlackDeps } from '../../deps';
import { readFormValues } from '../../form-values';
import { readModalMetadata } from '../../modal-metadata';
import { operationView } from '../../operation-view';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/** A field that shapes the rest of the form changed: rebuild the form from the values so far. */
export function refreshForm(deps: SlackDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const view = body.view;
    const meta = readModalMetadata(view?.private_metadata);
    const op = meta ? deps.registry.operation(meta.operationId) : undefined;
    if (!view || !meta || !op) return;
    // The changed field's new value comes with the action; the view state may not have it yet.
    const values = {
      ...readFormValues(view.state?.values),
      ...readFormValues({ [action.block_id]: { [action.action_id]: action } }),
    };
    await prepareForm(op, { values }, deps.timing.searchDeadlineMs);
    await client.views.update({
      view_id: view.id,
      hash: view.hash,
      view: operationView(
        deps.registry,
        op,
        meta.channelId,
        { values },
        // Blanked secrets were said when the form opened; a rebuilt form still says what it re-runs.
        meta.rerunOf ? { rerunOf: meta.rerunOf, secretsBlanked: false } : undefined,
      ),
    });
  };
}
