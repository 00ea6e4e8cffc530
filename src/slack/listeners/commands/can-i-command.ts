import type { Subject } from '../../../core/policy/policy';
import type { SlackDeps } from '../../deps';
import { canIMessage } from '../../ui/access';
import type { MessageContent } from '../../ui/blocks';
import { notConfiguredMessage } from '../../ui/help';

/** `/ops can-i <operation> [key=value …]`: the policy's answer; nothing runs and nothing is called upstream. */
export async function canI(
  deps: SlackDeps,
  subject: Subject,
  operationId: string,
  args: Record<string, string>,
): Promise<MessageContent> {
  const info = deps.registry.operationInfo(operationId);
  if (!info || !deps.registry.operation(operationId))
    return notConfiguredMessage(deps.registry.systemName(info?.system ?? operationId));
  const outlook = await deps.policy.outlook(
    subject,
    operationId,
    Object.keys(args).length > 0 ? args : undefined,
  );
  return canIMessage(
    { operationId, title: `${deps.registry.systemName(info.system)}: ${info.title}`, outlook },
    args,
  );
}
