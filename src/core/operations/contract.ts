import type { z } from 'zod';
import type { Problem } from './problem';
import type { ObservedState } from '../runs/lifecycle';
import type { Text } from '../kit/text';

/**
 * The most characters a picker carries of a choice's `value` (and shows of its `label`): Slack's limit,
 * the tightest of the surfaces. Longer values travel as a short reference (integrations/shared/choice-value.ts).
 */
export const CHOICE_MAX_LENGTH = 75;

/** A value offered by a picker; `value` and `label` hold at most CHOICE_MAX_LENGTH characters. */
export interface Choice {
  value: string;
  label: string;
  description?: string;
}

interface FieldBase {
  /** Key of the value in the operation's input. */
  id: string;
  label: string;
  optional?: boolean;
  hint?: string;
  placeholder?: string;
  /** When the value changes the form is rebuilt from `fields(values)` (dependent fields). */
  refreshOnChange?: boolean;
  /** Its value is a secret: never pre-filled or shown back, masked in facts. */
  secret?: boolean;
}

export type FormField =
  | (FieldBase & { kind: 'text' | 'multiline'; initial?: string; maxLength?: number })
  | (FieldBase & { kind: 'select'; choices: Choice[]; initial?: string })
  /** Options come from `Operation.search` as the user types. */
  | (FieldBase & { kind: 'search'; initial?: Choice; minQueryLength?: number })
  | (FieldBase & { kind: 'multi_search'; initial?: Choice[]; minQueryLength?: number; maxSelected?: number });

/** Raw values from a form, keyed by field id: text for inputs, selected values for pickers. */
export type FormValues = Record<string, string | string[] | undefined>;

/** Field id → message; shown under the field. */
export type FieldErrors = Record<string, string>;

export interface FormContext {
  /** Words typed after the command (`/ops itential start <prefill>`). */
  prefill?: string;
  /** Values already in the form, when it is rebuilt after a dependent field changed. */
  values?: FormValues;
}

/** A labelled value shown on the run's parent message. Secrets never go here. */
export interface Fact {
  label: string;
  value: string;
}

export interface Requester {
  id: string;
  name?: string;
}

export interface StartContext {
  runId: string;
  requester: Requester;
  /** A marker unique to this run, for operations that can tag what they create (to find it again). */
  tag: string;
}

/** A failed step of an upstream run that can be run again: its upstream id and the name people know it by. */
export interface RetryStep {
  id: string;
  label: string;
}

/** What is known about an upstream run at one moment. */
export interface Observation {
  state: ObservedState;
  /** The upstream's own status word, shown verbatim. */
  upstreamStatus: string;
  /** Where it is: "task backUpDevice", "stage plan". */
  detail?: string;
  /** 0..1 when the upstream reports it. */
  progress?: number;
  /** Set when a human must act: "manual task 'Approve change'". */
  waitingFor?: string;
  /**
   * The steps a person can decide from Flightdeck (approvals of parallel stages, several manual tasks), in the
   * upstream's order, when the operation has `steps`.
   */
  steps?: HumanStep[];
  problem?: Problem;
  /** A failed run that an operator may still retry upstream: keep watching it. */
  mayRecover?: boolean;
  /** The failed step the upstream can run again, when it says which (Itential: the task a job in error is parked on). */
  retryStep?: RetryStep;
  /** Where the user can see it upstream. */
  url?: string;
}

export type StepDecision = 'approve' | 'reject';

/** A step of an upstream run that waits for a person, offered in the run's thread. System-neutral. */
export interface HumanStep {
  /** The upstream's id for it (a Harness approval instance, an Itential job task); handed back to `decide`. */
  id: string;
  /** "Harness approval in stage Approve", "Manual task 'Approve change'". */
  title: string;
  /** What the upstream asks the person (an approval message), when it says. */
  message?: Text;
  decisions: StepDecision[];
  /** What the person fills in to approve it (Harness approver inputs), pre-filled; none: Approve is one click. */
  fields: StepField[];
}

/** A field of a step's form: the operation forms' model, without pickers that ask the upstream as one types. */
export type StepField = Extract<FormField, { kind: 'text' | 'multiline' | 'select' }>;

export interface StepDecisionRequest {
  stepId: string;
  decision: StepDecision;
  /** Who clicked: the upstream sees the bot's account, so the operation passes this on where it can (a comment). */
  actor: Requester;
  /** Flightdeck's run id, for the upstream's own record. */
  runId: string;
  /** What was typed into the step's form (an approval of a step with `fields`), as `checkForm` accepted it. */
  values?: FormValues;
}

/** Acting on a run's human steps: policy operation `operationId` (`iacm.approve`) governs who may. */
export interface StepActions<Input = unknown> {
  operationId: string;
  /** Checks what was typed into a step's form beyond what its fields say (a JSON box); field id → message. */
  checkForm?(values: FormValues): FieldErrors | undefined;
  /** Sends the decision upstream; throws UpstreamError when the upstream refuses. Never retried. */
  decide(ref: UpstreamRef<Input>, request: StepDecisionRequest): Promise<void>;
}

export interface StartResult {
  upstreamId: string;
  url?: string;
  facts?: Fact[];
  observation: Observation;
  /** Anything the operation needs later (poll, cancel, revert); stored with the run. */
  memo?: Record<string, unknown>;
}

/** What poll and cancel get to find the upstream run again. */
export interface UpstreamRef<Input = unknown> {
  upstreamId: string;
  input: Input;
  memo?: Record<string, unknown>;
}

export type CancelOutcome = 'requested' | 'already_finished';

/**
 * What kind of line a preview row is, so a surface can mark it: the state before and after has none;
 * `unchanged`, `cleared`, `added`, `removed`, `moved` say what the change does; `included` is something it
 * brings in from elsewhere; `warning` is what will go wrong.
 */
export type PreviewMark = 'unchanged' | 'cleared' | 'added' | 'removed' | 'moved' | 'included' | 'warning';

/** One line of a preview: "Now: 1. audit-log → 2. geo-block"; without a label, a sentence of its own. */
export interface PreviewRow {
  label?: string;
  value: Text;
  mark?: PreviewMark;
}

/** A change shown to the requester before it is made, and confirmed. */
export interface Preview {
  /** The change, one row per line; none means no change. */
  rows: PreviewRow[];
  /** Identifies the state the preview was computed from; start refuses when it has changed. */
  fingerprint: string;
}

export interface OperationInfo {
  /** `system.verb`, e.g. `itential.start`. */
  id: string;
  system: string;
  /** The command word: `/ops itential <verb>`. */
  verb: string;
  title: string;
  /** Arguments after the verb, for help: `[workflow]`. */
  usage: string;
}

export interface Operation<Input = unknown> extends OperationInfo {
  fields(ctx: FormContext): FormField[];
  /**
   * Fetches what `fields(ctx)` needs from the upstream (a picked workflow's input schema), so that the form
   * rebuilt after it shows the right fields. Must answer within `deadlineMs`; `fields` copes without it.
   */
  prepare?(ctx: FormContext, deadlineMs: number): Promise<void>;
  /** Parses the form values; zod issue paths name field ids. */
  input: z.ZodType<Input>;
  /** Checks that need the upstream (an input schema, an id that must exist). Must answer within `deadlineMs`. */
  validate?(input: Input, deadlineMs: number): Promise<FieldErrors | undefined>;
  /** Options for a `search` field. Throws UpstreamError when the upstream cannot answer. */
  search?(fieldId: string, query: string, values: FormValues): Promise<Choice[]>;
  describe(input: Input): Fact[];
  preview?(input: Input): Promise<Preview>;
  start(input: Input, ctx: StartContext, confirmedFingerprint?: string): Promise<StartResult>;
  /** After a start whose outcome is unknown (timeout, crash): find what it created, if anything. */
  recover?(input: Input, ctx: StartContext): Promise<StartResult | undefined>;
  poll?(ref: UpstreamRef<Input>): Promise<Observation>;
  cancel?(ref: UpstreamRef<Input>): Promise<CancelOutcome>;
  /** The input that undoes a finished run (Zitadel: the previous target list), when the operation can revert. */
  revertInput?(ref: UpstreamRef<Input>): Input | undefined;
  /**
   * The form values that give `input` again (a re-run's pre-filled form), for an input that is not already
   * flat form values; undefined when it cannot be put back into the form. The registry blanks secrets in it.
   */
  formValues?(input: Input): FormValues | undefined;
  /** Runs the failed step `stepId` (an Observation's `retryStep`) again upstream; what the run is then. */
  retryStep?(ref: UpstreamRef<Input>, stepId: string): Promise<Observation>;
  /** Approving or rejecting what the run waits for (Observation.steps), when the upstream lets the bot do it. */
  steps?: StepActions<Input>;
}

/** A read-only command that answers with a list (`/ops iacm executions <module>`). */
export interface QueryInfo {
  id: string;
  system: string;
  verb: string;
  title: string;
  usage: string;
}

export interface Report {
  title: string;
  /** One entry per line of the answer. */
  lines: Text[];
  /** Said when `lines` is empty. */
  empty: string;
}

export interface Query extends QueryInfo {
  run(args: string): Promise<Report>;
}

export interface SystemDefinition {
  id: string;
  name: string;
  operations: OperationInfo[];
  queries: QueryInfo[];
}

/** A configured system: the same commands, with their implementations. */
export interface SystemRuntime {
  operations: Operation[];
  queries: Query[];
}
