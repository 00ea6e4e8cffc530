import type { RunRecord } from '../store/port';
import type { EngineDeps } from './engine-deps';
import type { RunView } from './notifier';

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
  };
}

/**
 * Posts a run's unposted transitions in order, parent first. Each reply is marked as posted as soon as
 * Slack accepts it, so a crash or error resumes after the last one that landed.
 * The caller holds the run's mutex and lease.
 */
export async function deliver(deps: EngineDeps, run: RunRecord): Promise<RunRecord> {
  const pending = await deps.store.pendingTransitions(run.id);
  if (pending.length === 0) return run;
  let current = run;
  let parentJustPosted = false;
  if (!current.parentTs) {
    const ts = await deps.notifier.postParent(runView(deps, current));
    current = { ...current, parentTs: await deps.store.setParentTs(current.id, ts) };
    parentJustPosted = true;
  }
  for (const transition of pending) {
    const ts = await deps.notifier.postTransition(runView(deps, current), transition);
    await deps.store.markNotified(current.id, transition.seq, ts);
    current = { ...current, notifiedSeq: transition.seq };
  }
  if (!parentJustPosted) await deps.notifier.updateParent(runView(deps, current));
  return current;
}
