import { z } from 'zod';
import type { HumanStep, StepDecision } from '../../core/operations/contract';
import type { StepResult } from '../../core/runs/human-steps';
import type { RunRecord, TransitionRecord } from '../../core/runs/run-store';
import { ACTIONS, VIEWS } from '../ids';
import { parseJson } from '../modal-metadata';
import {
  context,
  escapeMrkdwn,
  type KnownBlock,
  LIMITS,
  type ModalView,
  mrkdwn,
  plain,
  section,
  slackDate,
  truncate,
} from './blocks';
import { inputBlock } from './operation-modal';
import { mrkdwnText } from './text';

/**
 * What a step button carries back: the run, the upstream step it decides, and the thread reply it was
 * offered in (whose step has the form Approve opens); buttons posted before forms existed have no `seq`.
 */
const stepButtonValue = z.object({
  run: z.string().min(1),
  step: z.string().min(1),
  seq: z.number().int().positive().optional(),
});
export type StepButtonValue = z.infer<typeof stepButtonValue>;

/** Slack's limit for a button value. */
const BUTTON_VALUE_MAX = 2000;

/** The button's value, parsed; undefined for anything Flightdeck did not write. */
export const parseStepButton = (value: string | undefined): StepButtonValue | undefined =>
  parseJson(stepButtonValue, value, BUTTON_VALUE_MAX);

/**
 * What a step's form carries to its submission: the run, the step, the channel its thread is in, and the
 * thread reply that offered the step (forms opened before it was carried have none).
 */
export interface StepFormMetadata {
  run: string;
  step: string;
  channel: string;
  seq?: number;
}

const LABEL: Record<StepDecision, string> = { approve: 'Approve', reject: 'Reject' };

/** Where the steps of one thread reply were offered, and how many more wait than it shows. */
export interface OfferedSteps {
  runId: string;
  /** The thread reply's transition. */
  seq: number;
  steps: HumanStep[];
  /** Steps waiting beyond `steps`. */
  more: number;
  /** The run in the upstream's UI, where the ones not shown can be decided. */
  upstreamUrl?: string | null;
}

/** What `transition` offers on `run`: its thread reply and the DMs about it show the same steps. */
export function offeredOn(
  run: Pick<RunRecord, 'id' | 'upstreamUrl'>,
  transition: Pick<TransitionRecord, 'seq'>,
  { steps, more }: Pick<OfferedSteps, 'steps' | 'more'>,
): OfferedSteps {
  return { runId: run.id, seq: transition.seq, steps, more, upstreamUrl: run.upstreamUrl };
}

function stepBlocks(
  runId: string,
  seq: number,
  systemName: string,
  step: HumanStep,
  decidedLine: string | undefined,
): KnownBlock[] {
  const blocks: KnownBlock[] = [section(`:raising_hand: *${escapeMrkdwn(step.title)}*`)];
  if (step.message && step.message.length > 0) blocks.push(section(`>${mrkdwnText(step.message)}`));
  if (decidedLine !== undefined) return [...blocks, context(decidedLine)];
  const value = JSON.stringify({ run: runId, step: step.id, seq } satisfies StepButtonValue);
  if (value.length > BUTTON_VALUE_MAX || step.decisions.length === 0) return blocks;
  blocks.push({
    type: 'actions',
    block_id: truncate(`step:${runId}:${step.id}`, 255),
    elements: step.decisions.map((decision) => ({
      type: 'button' as const,
      action_id: decision === 'approve' ? ACTIONS.stepApprove : ACTIONS.stepReject,
      text: plain(
        decision === 'approve' && step.fields.length > 0 ? 'Approve…' : LABEL[decision],
        LIMITS.buttonText,
      ),
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
  return blocks;
}

/**
 * The steps a run waits for, in its thread: for each, what the upstream asks and a button per decision it
 * offers (Approve opens the step's form when it has one; Reject asks for confirmation), or, once decided
 * from Flightdeck, the line saying who decided it (`decided`, by step id); then how many more wait, with the
 * upstream's link, and whose account the decisions are sent as.
 */
export function humanStepBlocks(
  systemName: string,
  offered: OfferedSteps,
  decided: ReadonlyMap<string, string> = new Map(),
): KnownBlock[] {
  const { runId, seq, steps, more, upstreamUrl } = offered;
  const blocks = steps.flatMap((step) => stepBlocks(runId, seq, systemName, step, decided.get(step.id)));
  const system = escapeMrkdwn(systemName);
  if (more > 0) {
    const where = upstreamUrl ? `<${upstreamUrl}|${system}>` : system;
    blocks.push(
      section(
        `…and ${more} more ${more === 1 ? 'step waits' : 'steps wait'}: decide ${more === 1 ? 'it' : 'them'} in ${where}.`,
      ),
    );
  }
  const form = steps.some((s) => s.fields.length > 0)
    ? ' Approve… asks for the values it sends with the decision.'
    : '';
  blocks.push(
    context(
      `Flightdeck sends the decision as ${system}'s bot account; ${system}'s own approvers rule still applies.${form}`,
    ),
  );
  return blocks;
}

/** The form of a step, opened by its Approve button: its fields pre-filled; submitting approves it. */
export function stepFormModal(systemName: string, step: HumanStep, metadata: StepFormMetadata): ModalView {
  const blocks: KnownBlock[] = [context(`${escapeMrkdwn(systemName)} · ${escapeMrkdwn(step.title)}`)];
  if (step.message && step.message.length > 0) blocks.push(section(`>${mrkdwnText(step.message)}`));
  blocks.push(...step.fields.slice(0, LIMITS.viewBlocks - blocks.length).map(inputBlock));
  return {
    type: 'modal',
    callback_id: VIEWS.stepForm,
    title: plain(truncate(step.title, LIMITS.modalTitle), LIMITS.modalTitle),
    submit: plain('Approve', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
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
