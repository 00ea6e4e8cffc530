import { txt } from '../kit/text';
import type { Registry } from '../operations/registry';
import type { Outlook, Policy, Subject } from './policy';

/** What one person may do with one operation, titled for people. */
export interface OperationOutlook {
  operationId: string;
  /** "Itential: Start a job". */
  title: string;
  outlook: Outlook;
}

/** What `subject` may do with each configured operation, in registry order (`whoami`, help on every surface). */
export async function operationOutlooks(
  deps: { registry: Registry; policy: Policy },
  subject: Subject,
): Promise<OperationOutlook[]> {
  const operations = deps.registry.runnable();
  const outlooks: Outlook[] = await Promise.all(operations.map((op) => deps.policy.outlook(subject, op.id)));
  return operations.map((op, i) => ({
    operationId: op.id,
    title: `${deps.registry.systemName(op.system)}: ${op.title}`,
    outlook: outlooks[i] ?? { verdict: 'no', summary: txt`No.`, contacts: [] },
  }));
}
