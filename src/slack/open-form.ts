import type { webApi } from '@slack/bolt';
import type { Log } from '../core/kit/log';
import type { ModalView } from './ui/blocks';

/**
 * Opens `view` at once, since the trigger id lasts 3 s, then rebuilds it from `prepared` (the operation has
 * fetched what its fields need: a named workflow's inputs, a module's variables) when that changed it. A
 * hash conflict means the user is already typing: the form stays as they have it.
 */
export async function openThenRebuild(
  client: webApi.WebClient,
  log: Log,
  triggerId: string,
  view: ModalView,
  prepared: (() => Promise<ModalView>) | undefined,
): Promise<void> {
  const opened = await client.views.open({ trigger_id: triggerId, view });
  if (!prepared || !opened.view?.id) return;
  const rebuilt = await prepared();
  if (JSON.stringify(rebuilt.blocks) === JSON.stringify(view.blocks)) return;
  await client.views
    .update({ view_id: opened.view.id, hash: opened.view.hash, view: rebuilt })
    .catch((err: unknown) =>
      log.debug({ err: err instanceof Error ? err.message : String(err) }, 'form not rebuilt'),
    );
}
