import type { Outlook, Subject } from '../../../core/policy/policy';
import { txt } from '../../../core/kit/text';
import type { SlackDeps } from '../../deps';
import { whoamiMessage, type OperationOutlook } from '../../ui/access';
import type { MessageContent } from '../../ui/blocks';

/** What `subject` may do with each configured operation, in registry order. */
export async function operationOutlooks(deps: SlackDeps, subject: Subject): Promise<OperationOutlook[]> {
  const operations = deps.registry.runnable();
  const outlooks: Outlook[] = await Promise.all(operations.map((op) => deps.policy.outlook(subject, op.id)));
  return operations.map((op, i) => ({
    operationId: op.id,
    title: `${deps.registry.systemName(op.system)}: ${op.title}`,
    outlook: outlooks[i] ?? { verdict: 'no', summary: txt`No.`, contacts: [] },
  }));
}

/** `/ops whoami`. */
export async function whoami(deps: SlackDeps, subject: Subject): Promise<MessageContent> {
  const [groups, operations] = await Promise.all([
    deps.policy.groupsOf(subject.userId),
    operationOutlooks(deps, subject),
  ]);
  return whoamiMessage(subject.userId, subject.channelId, groups, operations, deps.policy.configured);
}
