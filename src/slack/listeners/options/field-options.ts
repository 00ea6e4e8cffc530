import type { AllMiddlewareArgs, BlockSuggestion, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { Choice } from '../../../core/operations/contract';
import type { SlackDeps } from '../../deps';
import { readFormValues } from '../../form-values';
import { readModalMetadata } from '../../modal-metadata';
import { option } from '../../ui/blocks';
import { isUpstreamError } from '../../../core/errors';

/** The value of the one option offered when the upstream cannot list choices; never a valid pick. */
export const UNAVAILABLE_CHOICE = '__flightdeck_unavailable__';

type Args = AllMiddlewareArgs & SlackOptionsMiddlewareArgs<'block_suggestion'>;

const MAX_QUERY = 200;

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('deadline')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Picker searches (`external_select`): answered inside Slack's 3 s, with a clear option when the upstream is down. */
export function fieldOptions(deps: SlackDeps) {
  return async ({ ack, body, payload }: Args): Promise<void> => {
    const suggestion = body as BlockSuggestion;
    const meta = readModalMetadata(suggestion.view?.private_metadata);
    const op = meta ? deps.registry.operation(meta.operationId) : undefined;
    if (!op?.search) {
      await ack({ options: [] });
      return;
    }
    const systemName = deps.registry.systemName(op.system);
    const query = (payload.value ?? '').slice(0, MAX_QUERY);
    const values = readFormValues(suggestion.view?.state?.values);
    let choices: Choice[];
    try {
      choices = await withDeadline(op.search(payload.block_id, query, values), deps.timing.searchDeadlineMs);
    } catch (err) {
      const why = isUpstreamError(err) ? err.message : 'did not answer in time';
      deps.log.warn({ op: op.id, field: payload.block_id, err: why }, 'picker search failed');
      await ack({
        options: [option(UNAVAILABLE_CHOICE, `⚠ ${systemName} is unavailable — try again shortly`)],
      });
      return;
    }
    if (choices.length === 0) {
      await ack({ options: [] });
      return;
    }
    await ack({ options: choices.slice(0, 100).map((c) => option(c.value, c.label, c.description)) });
  };
}
