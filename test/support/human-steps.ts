import type { ElementInput, FakeMessage } from '../fakes/slack';
import { waitFor } from '../fakes/slack';
import { blocksText, type Harness } from './flightdeck-harness';

export const STEP_APPROVE = 'fd.step.approve';
export const STEP_REJECT = 'fd.step.reject';
export const STEP_FORM = 'fd.step.form';
/** How long a wait on the bot may take before it counts as a hang: generous, for a loaded machine. */
export const HANG_MS = 20_000;

/** The thread reply that offers a human step's buttons (the first one `where` accepts), once the bot has posted it. */
export function stepReply(
  h: Harness,
  channel: string,
  parentTs: string,
  where: (m: FakeMessage) => boolean = () => true,
): Promise<FakeMessage> {
  return waitFor(
    () =>
      h.slack
        .thread(channel, parentTs)
        .find((m) => JSON.stringify(m.blocks ?? []).includes(STEP_APPROVE) && where(m)),
    HANG_MS,
    () =>
      `a step reply in ${channel}/${parentTs}: ${JSON.stringify(h.slack.thread(channel, parentTs).map((m) => m.text))}`,
  );
}

interface StepButton {
  action_id: string;
  text: { text: string };
  value: string;
}

/** The buttons of each step a reply offers, by the step's id (first step first). */
export function offeredSteps(
  reply: FakeMessage,
): { stepId: string; blockId: string; buttons: StepButton[] }[] {
  const blocks = (reply.blocks ?? []) as { type: string; block_id?: string; elements?: StepButton[] }[];
  return blocks
    .filter((b) => b.type === 'actions' && b.block_id?.startsWith('step:'))
    .map((b) => {
      const buttons = b.elements ?? [];
      const value = JSON.parse(buttons[0]?.value ?? '{}') as { step?: string };
      return { stepId: value.step ?? '', blockId: b.block_id ?? '', buttons };
    });
}

function stepBlock(reply: FakeMessage, stepId: string | undefined) {
  const steps = offeredSteps(reply);
  const step = stepId === undefined ? steps[0] : steps.find((s) => s.stepId === stepId);
  if (!step) throw new Error(`the reply offers no step ${stepId ?? ''}: ${JSON.stringify(steps)}`);
  return step;
}

/** `user` clicks Approve or Reject on a step of the reply (the first, or `stepId`), as Slack sends it. */
export function clickStep(
  h: Harness,
  user: string,
  actionId: string,
  reply: FakeMessage,
  channel: string,
  stepId?: string,
) {
  const { blockId } = stepBlock(reply, stepId);
  return h.driver.blockAction({ user, actionId, blockId, channelId: channel, messageTs: reply.ts });
}

export interface ApprovalOptions {
  stepId?: string;
  /** What `user` types into the step's form; fields left out keep what the bot pre-filled. */
  values?: Record<string, ElementInput>;
}

/**
 * Gets `user`'s approval of a step ready: for a step with a form, Approve is clicked and its form awaited.
 * Resolves with what sends the approval: the form's submission, or (a one-click step) the click.
 */
export async function readyApproval(
  h: Harness,
  user: string,
  reply: FakeMessage,
  channel: string,
  options: ApprovalOptions = {},
): Promise<() => Promise<unknown>> {
  const approve = stepBlock(reply, options.stepId).buttons.find((b) => b.action_id === STEP_APPROVE);
  if (approve?.text.text !== 'Approve…') {
    return () => clickStep(h, user, STEP_APPROVE, reply, channel, options.stepId);
  }
  const before = h.slack.openedViews().length;
  await clickStep(h, user, STEP_APPROVE, reply, channel, options.stepId);
  const view = await waitFor(
    () =>
      h.slack
        .openedViews()
        .slice(before)
        .find((v) => h.slack.viewOwner(v.id) === user && v.callback_id === STEP_FORM),
    HANG_MS,
    () => `the step form for ${user}`,
  );
  return () => h.driver.viewSubmission(view, options.values ?? {}, user);
}

/** `user` approves a step of the reply, through its form when it has one. */
export async function approveStep(
  h: Harness,
  user: string,
  reply: FakeMessage,
  channel: string,
  options: ApprovalOptions = {},
) {
  const send = await readyApproval(h, user, reply, channel, options);
  return send();
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
 * Bob sends his approval twice (a double click, or a form submitted twice) while Carol clicks Reject, all at
 * once on `reply`. Resolves, once the thread shows a decision and the two others have been answered, with
 * the thread's decision lines and what the others heard.
 */
export async function raceForStep(h: Harness, channel: string, parentTs: string, reply: FakeMessage) {
  const approve = await readyApproval(h, 'U0BOB', reply, channel);
  await Promise.all([approve(), approve(), clickStep(h, 'U0CAROL', STEP_REJECT, reply, channel)]);
  const texts = await h.threadTexts(channel, parentTs, (t) => t.some((x) => DECIDED.test(x)), HANG_MS);
  await waitFor(() => (h.slack.ephemerals(channel).length >= 2 ? true : undefined), HANG_MS);
  return {
    decisions: texts.filter((x) => DECIDED.test(x)),
    heard: h.slack.ephemerals(channel).map((e) => blocksText(e)),
  };
}
