import { z } from 'zod';
import type { HumanStep, StepDecision } from '../../core/operations/contract';
import type { StepResult } from '../../core/runs/human-steps';
import type { TransitionRecord } from '../../core/runs/run-store';
import { ACTIONS } from '../ids';
import {
  context,
  escapeMrkdwn,
  type KnownBlock,
  LIMITS,
  mrkdwn,
  plain,
  section,
  slackDate,
  truncate,
} from './blocks';
import { mrkdwnText } from './text';

/** What a step button carries back: the run and the upstream step it decides. */
const stepButtonValue = z.object({ run: z.string().min(1), step: z.string().min(1) });
export type StepButtonValue = z.infer<typeof stepButtonValue>;

/** Slack's limit for a button value. */
const BUTTON_VALUE_MAX = 2000;

/** The button's value, parsed; undefined for anything Flightdeck did not write. */
export function parseStepButton(value: string | undefined): StepButtonValue | undefined {
  if (!value || value.length > BUTTON_VALUE_MAX) return undefined;
  try {
    const parsed = stepButtonValue.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const LABEL: Record<StepDecision, string> = { approve: 'Approve', reject: 'Reject' };

/**
 * The step a run waits for, in its thread: what the upstream asks, and a button per decision it offers.
 * Reject asks for confirmation; with a form upstream, the note says that only the decision is sent.
 */
export function humanStepBlocks(runId: string, systemName: string, step: HumanStep): KnownBlock[] {
  const blocks: KnownBlock[] = [section(`:raising_hand: *${escapeMrkdwn(step.title)}*`)];
  if (step.message && step.message.length > 0) blocks.push(section(`>${mrkdwnText(step.message)}`));
  const value = JSON.stringify({ run: runId, step: step.id } satisfies StepButtonValue);
  if (value.length <= BUTTON_VALUE_MAX && step.decisions.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: truncate(`step:${runId}:${step.id}`, 255),
      elements: step.decisions.map((decision) => ({
        type: 'button' as const,
        action_id: decision === 'approve' ? ACTIONS.stepApprove : ACTIONS.stepReject,
        text: plain(LABEL[decision], LIMITS.buttonText),
        style: decision === 'approve' ? ('primary' as const) : ('danger' as const),
        value,
        ...(decision === 'reject'
          ? {
              confirm: {
                title: plain('Reject this step?', 100),
                text: mrkdwn(truncate(`${systemName} will be told that it is rejected.`, 300)),
                confirm: plain('Reject', 30),
                deny: plain('Keep waiting', 30),
              },
            }
          : {}),
      })),
    });
  }
  const note = step.form
    ? `Flightdeck sends the decision as ${escapeMrkdwn(systemName)}'s bot account; this step also asks for values, which only ${escapeMrkdwn(systemName)}'s own page collects.`
    : `Flightdeck sends the decision as ${escapeMrkdwn(systemName)}'s bot account; ${escapeMrkdwn(systemName)}'s own approvers rule still applies.`;
  blocks.push(context(note));
  return blocks;
}

/** The reply for a step decided from the thread: "Approved by @x 10:02 — an approval in stage Approve". */
export function stepDecisionLine(transition: TransitionRecord, systemName: string): string {
  const payload = transition.payload?.kind === 'step_decision' ? transition.payload : undefined;
  const decision = payload?.decision ?? 'approve';
  const what = payload ? ` — ${escapeMrkdwn(payload.title)}` : '';
  const who = transition.actorId ? `<@${transition.actorId}>` : 'someone';
  if (transition.problem) {
    return `:warning: ${who} tried to ${decision} from Slack${what}, but ${escapeMrkdwn(systemName)} refused; the step still waits.`;
  }
  const verb = decision === 'approve' ? ':white_check_mark: Approved' : ':no_entry: Rejected';
  return `${verb} by ${who} ${slackDate(transition.at)}${what}`;
}

/** What the clicker alone hears; undefined when the thread already says it. */
export function stepClickReply(result: StepResult): string | undefined {
  switch (result.kind) {
    case 'decided':
    case 'refused_upstream':
      return undefined;
    case 'denied':
      return undefined;
    case 'already_decided':
      return `<@${result.holder.actorId}> already ${result.holder.decision === 'approve' ? 'approved' : 'rejected'} this step ${slackDate(result.holder.at)}; it is decided once.`;
    case 'not_waiting':
      return 'This run no longer waits for that step: it has moved on.';
    case 'unsupported':
      return 'This step cannot be decided from Slack (its system is not configured, or cannot take decisions).';
    case 'not_found':
      return 'Flightdeck has no record of this run.';
  }
}
