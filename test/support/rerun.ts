import { type FakeMessage, type FakeView, waitFor } from '../fakes/slack';
import { blocksText, type Harness } from './flightdeck-harness';

/** `user` clicks Re-run on the run message `parentTs`; resolves with the form the bot opened for them. */
export async function openRerunForm(
  h: Harness,
  user: string,
  channelId: string,
  parentTs: string,
): Promise<FakeView> {
  const opened = h.slack.openedViews().length;
  await h.driver.blockAction({ user, actionId: 'fd.run.rerun', channelId, messageTs: parentTs });
  return h.openedView(user, 'fd.operation', opened);
}

/** One input block of a view as JSON, to read what the form was filled in with. */
export function inputBlockJson(view: FakeView, blockId: string): string {
  return JSON.stringify((view.blocks as { block_id?: string }[]).find((b) => b.block_id === blockId));
}

/** The run id a run message shows ("Run `…`"). */
export function runIdOf(message: { text?: string; blocks?: unknown }): string {
  return /Run `([0-9a-f-]{36})`/.exec(blocksText(message))?.[1] ?? '';
}

/** Long enough for a loaded machine: every wait ends on an event, this only bounds a failure. */
export const WAIT_MS = 10_000;

/** Message `ts` once it shows `text` (a status line edited in place, paced by Slack's edit budget). */
export function messageShowing(h: Harness, channel: string, ts: string, text: string): Promise<FakeMessage> {
  return waitFor(
    () => {
      const m = h.slack.message(channel, ts);
      return m && blocksText(m).includes(text) ? m : undefined;
    },
    WAIT_MS,
    () => `message ${ts} in ${channel} showing "${text}"`,
  );
}
