import type { RetryStep } from '../operations/contract';
import type { Registry } from '../operations/registry';
import { isFinal } from './lifecycle';
import type { RunRecord } from './run-store';

/**
 * What people can do with a finished run, as data: each surface renders it its own way (Slack: buttons on
 * the parent and the final reply; the console: numbered choices).
 */
export type FinishedRunAction =
  /** Open the operation's form again, filled in with this run's inputs (secrets blank). */
  | { kind: 'rerun' }
  /** Have the upstream run the failed step again; offered while the run may still recover. */
  | { kind: 'retry'; step: RetryStep };

/** The actions a run offers now; none while it is under way. */
export function finishedRunActions(
  registry: Pick<Registry, 'operation'>,
  run: RunRecord,
): FinishedRunAction[] {
  const op = registry.operation(run.operationId);
  if (!op || !isFinal(run.state)) return [];
  const actions: FinishedRunAction[] = [];
  if (run.state === 'failed' && run.mayRecover && run.retryStep && op.retryStep)
    actions.push({ kind: 'retry', step: run.retryStep });
  if (op.formValues?.(run.input) !== undefined) actions.push({ kind: 'rerun' });
  return actions;
}
