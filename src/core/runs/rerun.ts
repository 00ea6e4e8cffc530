import type { FormValues, Operation, Requester } from '../operations/contract';
import type { Decision } from '../policy/policy';
import { FormGate } from '../policy/form-gate';
import { prepareForm } from '../operations/forms';
import { type Text, txt } from '../kit/text';
import { deliver, deliveryDueAt, earliest } from './delivery';
import type { EngineDeps } from './engine-deps';
import { leaseOf, withRun } from './lease';
import { isFinal } from './lifecycle';
import type { RunRecord } from './run-store';

/** A second click on the same Re-run button within this long is the same click (Slack sends both). */
const SAME_CLICK_MS = 3_000;
/** How long linking a re-run waits for whoever holds the earlier run (the tracker, a delivery). */
const LINK_WAIT_MS = 10_000;

export type RerunForm =
  /** The operation's form, filled in with the run's inputs, for a new run in the run's channel. */
  | { kind: 'form'; operation: Operation; values: FormValues; run: RunRecord; secretsBlanked: boolean }
  | { kind: 'denied'; decision: Decision; title: string }
  /** The same person clicked again while the first click's form was opening. */
  | { kind: 'already_opening' }
  | { kind: 'unavailable'; reason: Text };

/**
 * Re-run: a finished run's form again, filled in with its inputs, that goes through validation, policy and
 * approvals like any start; the new run names the one it re-runs, and the earlier thread says so.
 */
export class Reruns {
  /** A re-run's form opens under the same rule as any other form. */
  private readonly gate: FormGate;

  constructor(private readonly deps: EngineDeps) {
    this.gate = new FormGate(deps);
  }

  /** The form for re-running `runId`, when `requester` may open it (a refusal is audited). */
  async form(runId: string, requester: Requester): Promise<RerunForm> {
    const { store, registry } = this.deps;
    const run = await store.getRun(runId);
    if (!run) return { kind: 'unavailable', reason: txt`Flightdeck has no record of this run.` };
    const operation = registry.operation(run.operationId);
    if (!operation)
      return {
        kind: 'unavailable',
        reason: txt`This run cannot be re-run: ${registry.systemName(run.system)} is not configured.`,
      };
    if (!isFinal(run.state))
      return {
        kind: 'unavailable',
        reason: txt`This run is still under way; re-run it once it has finished.`,
      };
    const values = operation.formValues?.(run.input);
    if (!values)
      return { kind: 'unavailable', reason: txt`This run's inputs cannot be put back into its form.` };
    const decision = await this.gate.mayOpen(
      { userId: requester.id, channelId: run.channelId },
      operation.id,
    );
    if (!decision.allowed) return { kind: 'denied', decision, title: operation.title };
    // Claimed in the store, so that the two clicks open one form even when two replicas each get one.
    const now = this.deps.clock.now();
    const click = `rerun:${run.id}:${requester.id}`;
    if (!(await store.claimOnce(click, new Date(now.getTime() + SAME_CLICK_MS), now)))
      return { kind: 'already_opening' };
    const secretsBlanked =
      JSON.stringify(registry.scrubber.blanked(run.input)) !== JSON.stringify(run.input ?? null);
    return { kind: 'form', operation, values, run, secretsBlanked };
  }

  /**
   * The form's values once the operation has fetched what its fields need (a workflow's inputs, a module's
   * variables, no longer cached): inputs the JSON box held then go back to their own fields.
   */
  async preparedValues(form: Extract<RerunForm, { kind: 'form' }>, deadlineMs: number): Promise<FormValues> {
    await prepareForm(form.operation, { values: form.values }, deadlineMs);
    return form.operation.formValues?.(form.run.input) ?? form.values;
  }
}

/** The earlier run a launch re-runs, when it is one of the same operation; any other id links nothing. */
export async function rerunSource(
  deps: Pick<EngineDeps, 'store'>,
  runId: string | undefined,
  operationId: string,
): Promise<string | null> {
  if (!runId) return null;
  const earlier = await deps.store.getRun(runId);
  return earlier?.operationId === operationId ? earlier.id : null;
}

/**
 * Says in the earlier run's thread that `rerun` re-runs it, and by whom. A link that cannot be posted now
 * is posted by the tracker later; one that cannot be recorded at all is logged and does not stop the run.
 */
export async function linkRerun(deps: EngineDeps, rerun: RunRecord): Promise<void> {
  const earlierId = rerun.rerunOf;
  if (!earlierId) return;
  try {
    await withRun(
      deps,
      earlierId,
      async (earlier) => {
        const { run } = await deps.store.appendTransition(
          earlier.id,
          leaseOf(deps, earlier),
          {},
          {
            kind: 'rerun',
            state: earlier.state,
            upstreamStatus: earlier.upstreamStatus,
            detail: rerun.id,
            progress: earlier.progress,
            waitingFor: earlier.waitingFor,
            problem: null,
            actorId: rerun.requesterId,
            at: deps.clock.now(),
          },
        );
        const delivered = await deliver(deps, run).catch(() => run);
        return {
          result: undefined,
          release: { nextPollAt: earliest(earlier.nextPollAt, deliveryDueAt(deps, delivered) ?? null) },
        };
      },
      LINK_WAIT_MS,
    );
  } catch (err) {
    deps.log.warn(
      { runId: rerun.id, rerunOf: earlierId, err: err instanceof Error ? err.message : String(err) },
      'could not link the re-run in the earlier thread',
    );
  }
}
