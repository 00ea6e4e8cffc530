import { z } from 'zod';
import { approverPhrase } from '../policy/policy';
import { channel, type Text, time, txt, joinText, user } from '../kit/text';
import { textSchema } from '../kit/text-schema';
import type { HumanStep, StepDecision, StepField } from '../operations/contract';

/**
 * What an approval transition says, as data (stored as JSON with the transition): each surface words it
 * from this, so nothing pre-rendered is ever stored beside the upstream's free text.
 */
export type TransitionPayload =
  /** The run waits for approval: by whom, how many, until when, and where the request is. */
  | {
      kind: 'approval_requested';
      approvers: { users: string[]; groups: string[] };
      approvals: number;
      expiresAt: Date;
      /** The approval channel, when the request is not in the run's own channel. */
      requestChannelId: string | null;
    }
  /** An approval counted: how many of how many; `approvedBy` once the last one needed is in. */
  | { kind: 'approvals'; approvals: number; required: number; approvedBy: string[] }
  /**
   * The run waits for a person upstream: the step, offered with its decisions in the thread; `others` wait at
   * the same time (parallel approvals, several manual tasks), and `more` beyond those are not offered.
   */
  | { kind: 'human_step'; step: HumanStep; others?: HumanStep[]; more?: number }
  /** Someone decided a human step from Flightdeck (the transition's actor); its problem says if the upstream refused. */
  | { kind: 'step_decision'; stepId: string; title: string; decision: StepDecision };

const decisionSchema = z.enum(['approve', 'reject']);

const fieldBase = {
  id: z.string(),
  label: z.string(),
  optional: z.boolean().optional(),
  hint: z.string().optional(),
  placeholder: z.string().optional(),
  secret: z.boolean().optional(),
};

const stepFieldSchema: z.ZodType<StepField> = z.discriminatedUnion('kind', [
  z.object({
    ...fieldBase,
    kind: z.enum(['text', 'multiline']),
    initial: z.string().optional(),
    maxLength: z.number().optional(),
  }),
  z.object({
    ...fieldBase,
    kind: z.literal('select'),
    choices: z.array(z.object({ value: z.string(), label: z.string(), description: z.string().optional() })),
    initial: z.string().optional(),
  }),
]);

/** A step as stored; one recorded before steps had forms says `form: boolean` instead, and is offered without one. */
const humanStepSchema: z.ZodType<HumanStep, unknown> = z
  .object({
    id: z.string(),
    title: z.string(),
    message: textSchema.optional(),
    decisions: z.array(decisionSchema),
    fields: z.array(stepFieldSchema).optional(),
  })
  .transform(({ fields, message, ...step }) => ({
    ...step,
    ...(message ? { message } : {}),
    fields: fields ?? [],
  }));

/** The stored JSON, read back; what does not parse is treated as no payload. */
export const transitionPayloadSchema: z.ZodType<TransitionPayload> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('approval_requested'),
    approvers: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }),
    approvals: z.number().int().positive(),
    expiresAt: z.iso.datetime().transform((at) => new Date(at)),
    requestChannelId: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('approvals'),
    approvals: z.number().int().nonnegative(),
    required: z.number().int().positive(),
    approvedBy: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('human_step'),
    step: humanStepSchema,
    others: z.array(humanStepSchema).optional(),
    more: z.number().int().nonnegative().optional(),
  }),
  z.object({
    kind: z.literal('step_decision'),
    stepId: z.string(),
    title: z.string(),
    decision: decisionSchema,
  }),
]);

/** Every step a `human_step` payload offers, the first one first, and how many more wait unoffered. */
export function offeredSteps(payload: TransitionPayload | null | undefined): {
  steps: HumanStep[];
  more: number;
} {
  if (payload?.kind !== 'human_step') return { steps: [], more: 0 };
  return { steps: [payload.step, ...(payload.others ?? [])], more: payload.more ?? 0 };
}

/**
 * The payload's sentence: "It needs approval by @S1 (not @U1) before <time>. The request is in #C2." /
 * "2 of 2: @U2, @U3". Empty when there is nothing to add (one approval of one).
 */
export function payloadText(payload: TransitionPayload, requesterId: string): Text {
  if (payload.kind === 'human_step' || payload.kind === 'step_decision') return [];
  if (payload.kind === 'approval_requested') {
    const where = payload.requestChannelId
      ? txt` The request is in ${channel(payload.requestChannelId)}.`
      : [];
    return txt`It needs ${approverPhrase(payload)} (not ${user(requesterId)}) before ${time(payload.expiresAt)}.${where}`;
  }
  if (payload.required <= 1) return [];
  const by = payload.approvedBy.length > 0 ? txt`: ${joinText(payload.approvedBy.map(user), ', ')}` : [];
  return txt`${payload.approvals} of ${payload.required}${by}`;
}
