import type { Subject } from '../../../core/policy/policy';
import type { SlackDeps } from '../../deps';
import type { MessageContent } from '../../ui/blocks';
import { helpMessage } from '../../ui/help';
import { operationOutlooks } from '../../../core/policy/outlooks';

/** Help is the ack itself; when the policy cannot be read this fast, it lists everything. */
const HELP_DEADLINE_MS = 1_500;

/** `/ops help`: the operations the caller may run here (and a line saying that more exist). */
export async function helpFor(deps: SlackDeps, subject: Subject): Promise<MessageContent> {
  const systems = deps.registry.systems.map((s) => ({ definition: s.definition, configured: !!s.runtime }));
  if (!deps.policy.configured) return helpMessage(systems);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), HELP_DEADLINE_MS)),
  );
  try {
    const outlooks = await Promise.race([operationOutlooks(deps, subject), late]);
    if (!outlooks) return helpMessage(systems);
    const refused = new Set(outlooks.filter((o) => o.outlook.verdict === 'no').map((o) => o.operationId));
    return helpMessage(systems, (id) => !refused.has(id));
  } finally {
    clearTimeout(timer);
  }
}
