import { waitFor, type FakeMessage } from '../fakes/slack';
import { blocksText, type Harness } from './flightdeck-harness';

export const STEP_APPROVE = 'fd.step.approve';
export const STEP_REJECT = 'fd.step.reject';
/** How long a wait on the bot may take before it counts as a hang: generous, for a loaded machine. */
export const HANG_MS = 20_000;

/** The thread reply that offers a human step's buttons, once the bot has posted it. */
export function stepReply(h: Harness, channel: string, parentTs: string): Promise<FakeMessage> {
  return waitFor(
    () =>
      h.slack.thread(channel, parentTs).find((m) => JSON.stringify(m.blocks ?? []).includes(STEP_APPROVE)),
    HANG_MS,
    () =>
      `a step reply in ${channel}/${parentTs}: ${JSON.stringify(h.slack.thread(channel, parentTs).map((m) => m.text))}`,
  );
}

/** `user` clicks Approve or Reject on the step reply, as Slack sends it (signed, with the button's value). */
export function clickStep(h: Harness, user: string, actionId: string, reply: FakeMessage, channel: string) {
  return h.driver.blockAction({ user, actionId, channelId: channel, messageTs: reply.ts });
}

/** Waits for an ephemeral message to `user` in `channel` containing `text`. */
export function toldPrivately(h: Harness, channel: string, user: string, text: string) {
  return waitFor(
    () => h.slack.ephemerals(channel, user).find((e) => blocksText(e).includes(text)),
    HANG_MS,
    () =>
      `an ephemeral to ${user} with "${text}": ${JSON.stringify(h.slack.ephemerals(channel, user).map((e) => blocksText(e)))}`,
  );
}

/** Every text the bot put anywhere in Slack: messages, edits' latest copies and ephemerals. */
export function everythingPosted(h: Harness, channel: string): string {
  const messages = h.slack.messages(channel).flatMap((m) => [m, ...h.slack.thread(channel, m.ts)]);
  return JSON.stringify([messages, h.slack.ephemerals()]);
}

const DECIDED = /(Approved|Rejected) by/;

/**
 * Bob double-clicks Approve while Carol clicks Reject, all at once on `reply`. Resolves, once the thread shows
 * a decision and the two others have been answered, with the thread's decision lines and what the others heard.
 */
export async function raceForStep(h: Harness, channel: string, parentTs: string, reply: FakeMessage) {
  await Promise.all([
    clickStep(h, 'U0BOB', STEP_APPROVE, reply, channel),
    clickStep(h, 'U0BOB', STEP_APPROVE, reply, channel),
    clickStep(h, 'U0CAROL', STEP_REJECT, reply, channel),
  ]);
  const texts = await h.threadTexts(channel, parentTs, (t) => t.some((x) => DECIDED.test(x)), HANG_MS);
  await waitFor(() => (h.slack.ephemerals(channel).length >= 2 ? true : undefined), HANG_MS);
  return {
    decisions: texts.filter((x) => DECIDED.test(x)),
    heard: h.slack.ephemerals(channel).map((e) => blocksText(e)),
  };
}
