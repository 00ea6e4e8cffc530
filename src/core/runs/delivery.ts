import type { NotifyProblem, RunPatch, RunRecord } from './run-store';
import type { EngineDeps } from './engine-deps';
import { NotifyError, PACED, urgency, type RunView } from './notifier';
import { isFinal } from './lifecycle';
import { deliverDirect, directOutstanding } from '../direct/delivery';
import { finishedRunActions } from './run-actions';
import { leaseOf } from './lease';

/** Builds what the notifier needs to render a run. */
export function runView(deps: Pick<EngineDeps, 'registry'>, run: RunRecord): RunView {
  const info = deps.registry.operationInfo(run.operationId);
  return {
    run,
    operation: info ?? {
      id: run.operationId,
      system: run.system,
      verb: '',
      title: run.operationId,
      usage: '',
    },
    systemName: deps.registry.systemName(run.system),
    cancellable: deps.registry.operation(run.operationId)?.cancel !== undefined,
    revertible:
      run.state === 'succeeded' && deps.registry.operation(run.operationId)?.revertInput !== undefined,
    finishedActions: finishedRunActions(deps.registry, run),
  };
}

export type DeliveryDeps = Pick<
  EngineDeps,
  'store' | 'registry' | 'notifier' | 'clock' | 'log' | 'owner' | 'settings'
> &
  Partial<Pick<EngineDeps, 'policy' | 'directMessenger' | 'homeRefresher'>>;
type Deps = DeliveryDeps;

/** Replies not posted yet, a parent whose status line is behind, or direct messages not yet sent. */
function outstanding(run: RunRecord): boolean {
  return (
    run.notifiedSeq < run.seq || (run.parentTs !== null && run.parentSeq < run.seq) || directOutstanding(run)
  );
}

const after = (date: Date | null, ms: number) => new Date((date?.getTime() ?? 0) + ms);

/** The earlier of two times; null means "never". */
export function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

/**
 * When the run should be delivered again, or null when nothing waits: now for unposted replies, once the
 * coalescing interval has passed for a status-line edit, `notifyAfter` after Slack refused. A finished
 * run stops retrying a refusing Slack `notifyGiveUpAfterMs` after the problem began.
 */
export function deliveryDueAt(deps: Deps, run: RunRecord): Date | null {
  if (!outstanding(run)) return null;
  if (run.notifyAfter) {
    const since = run.notifyProblem?.since;
    const givenUp =
      since !== undefined &&
      isFinal(run.state) &&
      deps.clock.now().getTime() - since.getTime() >= deps.settings.notifyGiveUpAfterMs;
    return givenUp ? null : run.notifyAfter;
  }
  if (run.notifiedSeq < run.seq || directOutstanding(run)) return deps.clock.now();
  return after(run.parentEditedAt, deps.settings.parentEditIntervalMs);
}

/**
 * Posts a run's unposted transitions in order, parent first, then brings its status line up to date (at
 * most one edit per `parentEditIntervalMs`; a later delivery makes the deferred edit, showing the state
 * as it is then). Every post is recorded as attempted before it goes out, so after a crash the notifier
 * looks for it instead of posting it twice; each reply is marked posted as soon as Slack accepts it.
 *
 * When Slack refuses or rate-limits, the run keeps its state: the problem is recorded on it and delivery
 * resumes after `notifyAfter` (see deliveryDueAt). The caller holds the run's mutex and lease.
 */
export async function deliver(deps: Deps, run: RunRecord): Promise<RunRecord> {
  if (!outstanding(run) || (run.notifyAfter !== null && run.notifyAfter > deps.clock.now())) return run;
  let current: RunRecord;
  try {
    current = await postOutstanding(deps, run);
  } catch (err) {
    if (err instanceof NotifyError) return recordFailure(deps, run, err);
    throw err;
  }
  if (current.notifyAfter !== null || current.notifyProblem !== null) {
    if (current.notifyProblem)
      deps.log.info({ runId: run.id, code: current.notifyProblem.code }, 'Slack takes run updates again');
    current = await deps.store.updateRun(run.id, leaseOf(deps, run), {
      notifyAfter: null,
      notifyProblem: null,
    });
  }
  // Direct messages follow the thread: a problem with them waits and retries like the thread's.
  try {
    return await deliverDirect(deps, current);
  } catch (err) {
    if (err instanceof NotifyError) return recordFailure(deps, current, err);
    throw err;
  }
}

async function postOutstanding(deps: Deps, run: RunRecord): Promise<RunRecord> {
  let current = run;
  if (current.notifiedSeq < current.seq) {
    const pending = await deps.store.pendingTransitions(current.id);
    if (pending.length > 0 && !current.parentTs)
      current = await postParent(deps, await holdForPost(deps, current));
    for (const transition of pending) {
      current = await holdForPost(deps, current);
      const ts = await attempt(
        (at) => deps.store.markAttempted(run.id, leaseOf(deps, run), transition.seq, at),
        transition.attemptedAt !== null,
        () => deps.notifier.postTransition(runView(deps, current), transition),
        deps.clock.now(),
      );
      await deps.store.markNotified(current.id, transition.seq, ts);
      current = { ...current, notifiedSeq: transition.seq };
    }
  }
  const now = deps.clock.now();
  const interval = deps.settings.parentEditIntervalMs;
  // A reply that made the run urgent (final, waiting for a person, in trouble) brings its edit forward
  // past a wait its earlier, routine edit was given.
  const becameUrgent = current.notifiedSeq > run.notifiedSeq && urgency(current) === 'urgent';
  if (
    current.parentTs !== null &&
    current.parentSeq < current.seq &&
    (after(current.parentEditedAt, interval) <= now || becameUrgent)
  ) {
    try {
      await deps.notifier.updateParent(runView(deps, current));
    } catch (err) {
      if (!(err instanceof NotifyError) || err.code !== PACED || err.retryAfterMs === undefined) throw err;
      // No turn in the edit budget yet. The edit is put off without holding up the thread's replies: it is
      // due when its turn comes (deliveryDueAt), and it will show the run as it is by then, so the edits
      // for states in between are never made.
      return deps.store.updateRun(current.id, leaseOf(deps, current), {
        parentEditedAt: new Date(now.getTime() + err.retryAfterMs - interval),
      });
    }
    current = await deps.store.updateRun(current.id, leaseOf(deps, current), {
      parentSeq: current.seq,
      parentEditedAt: now,
    });
  }
  return current;
}

/**
 * Keeps the run leased until a post that starts now has landed or failed for certain. A lease that ran out
 * mid-post would let another process take the run over, look for the post before it lands, find nothing
 * and post it again. Throws LeaseLostError when the run is no longer ours: then this process must not post.
 */
export async function holdForPost(deps: Deps, run: RunRecord): Promise<RunRecord> {
  const until = new Date(deps.clock.now().getTime() + deps.settings.postHoldMs);
  if (run.leaseOwner === deps.owner && run.leaseUntil !== null && run.leaseUntil >= until) return run;
  return deps.store.updateRun(run.id, leaseOf(deps, run), { leaseUntil: until });
}

/**
 * Posts the parent. A new one shows the run as it is now; one adopted from an earlier attempt shows the run
 * as it was then, so its status line is marked stale for an edit right away.
 */
async function postParent(deps: Deps, run: RunRecord): Promise<RunRecord> {
  const earlier = run.parentAttemptedAt;
  const ts = await attempt(
    (at) => deps.store.updateRun(run.id, leaseOf(deps, run), { parentAttemptedAt: at }),
    earlier !== null,
    () => deps.notifier.postParent(runView(deps, run)),
    deps.clock.now(),
  );
  await deps.store.setParentTs(run.id, ts);
  return deps.store.updateRun(
    run.id,
    leaseOf(deps, run),
    earlier === null ? { parentSeq: run.seq, parentEditedAt: deps.clock.now() } : { parentSeq: 0 },
  );
}

/**
 * One post, recorded as attempted before it goes out (unless an earlier attempt already is: then the
 * notifier looks for that one first). A post that certainly did not go out is forgotten again, so the
 * next try need not look.
 */
export async function attempt<T>(
  mark: (at: Date | null) => Promise<unknown>,
  markedBefore: boolean,
  post: () => Promise<T>,
  now: Date,
): Promise<T> {
  if (!markedBefore) await mark(now);
  try {
    return await post();
  } catch (err) {
    if (!markedBefore && err instanceof NotifyError && err.unsent) await mark(null);
    throw err;
  }
}

/**
 * Slack did not take an update. Rate limits (a 429, or our own pacing) just wait their turn; anything
 * else is recorded on the run for people to see and retried with backoff, slowly when it is permanent.
 */
async function recordFailure(deps: Deps, run: RunRecord, err: NotifyError): Promise<RunRecord> {
  const now = deps.clock.now();
  let patch: RunPatch;
  if (err.retryAfterMs !== undefined && !err.permanent) {
    deps.log.debug({ runId: run.id, code: err.code, retryInMs: err.retryAfterMs }, 'Slack update waits');
    patch = { notifyAfter: after(now, err.retryAfterMs) };
  } else {
    const previous = run.notifyProblem;
    const failures = (previous?.failures ?? 0) + 1;
    const problem: NotifyProblem = {
      code: err.code,
      message: err.message,
      permanent: err.permanent,
      failures,
      since: previous?.since ?? now,
      lastAt: now,
    };
    const { notifyRetryMs, poll } = deps.settings;
    const retryInMs = err.permanent
      ? notifyRetryMs
      : Math.min(notifyRetryMs, poll.minMs * 2 ** (failures - 1));
    deps.log.warn(
      { runId: run.id, channel: run.channelId, code: err.code, failures, retryInMs },
      'Slack did not take a run update; the run keeps its state and posting is retried later',
    );
    patch = { notifyProblem: problem, notifyAfter: after(now, retryInMs) };
  }
  return deps.store.updateRun(run.id, leaseOf(deps, run), patch);
}
