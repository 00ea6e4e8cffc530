import { operationOutlooks } from '../../../core/policy/outlooks';
import type { Subject } from '../../../core/policy/policy';
import type { SlackDeps } from '../../deps';
import { whoamiMessage } from '../../ui/access';
import type { MessageContent } from '../../ui/blocks';

/** `/ops whoami`. */
export async function whoami(deps: SlackDeps, subject: Subject): Promise<MessageContent> {
  const [groups, operations] = await Promise.all([
    deps.policy.groupsOf(subject.userId),
    operationOutlooks(deps, subject),
  ]);
  return whoamiMessage(subject.userId, subject.channelId, groups, operations, deps.policy.configured);
}
