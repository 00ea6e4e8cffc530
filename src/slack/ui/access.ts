import type { OperationOutlook } from '../../core/policy/outlooks';
import type { Outlook } from '../../core/policy/policy';
import { context, escapeMrkdwn, header, type KnownBlock, type MessageContent, section } from './blocks';
import { mrkdwnText } from './text';

const VERDICT: Record<Outlook['verdict'], string> = {
  yes: ':white_check_mark:',
  approval: ':raised_hand:',
  conditional: ':small_orange_diamond:',
  no: ':no_entry:',
};

function outlookLine({ operationId, title, outlook }: OperationOutlook): string {
  return `${VERDICT[outlook.verdict]} *${escapeMrkdwn(title)}* (\`${operationId}\`) — ${mrkdwnText(outlook.summary)}`;
}

function contactsLine(contacts: string[]): string | undefined {
  return contacts.length > 0 ? `Who can help: ${contacts.map(escapeMrkdwn).join(', ')}.` : undefined;
}

/** `/ops whoami`: the caller's groups (those the policy names) and what they may run here. */
export function whoamiMessage(
  userId: string,
  channelId: string,
  groups: string[],
  operations: OperationOutlook[],
  policyConfigured: boolean,
): MessageContent {
  const groupText =
    groups.length > 0
      ? `Your groups the policy names: ${groups.map((g) => `<!subteam^${g}>`).join(', ')}.`
      : policyConfigured
        ? 'You are in none of the user groups the policy names.'
        : 'No policy is configured: everyone may run everything.';
  const blocks: KnownBlock[] = [
    header('Who you are to Flightdeck'),
    section(`<@${userId}> in <#${channelId}>. ${groupText}`),
  ];
  const lines = operations.map(outlookLine);
  blocks.push(
    section(lines.length > 0 ? lines.join('\n') : 'No system is configured, so there is nothing to run.'),
  );
  blocks.push(context('`/ops can-i <operation> key=value …` checks one case without running anything.'));
  return { text: `Who you are to Flightdeck in this channel`, blocks };
}

/** `/ops can-i`: the answer for one operation and arguments; nothing runs. */
export function canIMessage(item: OperationOutlook, args: Record<string, string>): MessageContent {
  const given = Object.entries(args).map(([k, v]) => `\`${k}\`=\`${escapeMrkdwn(v)}\``);
  const question = `Can you run *${escapeMrkdwn(item.title)}* (\`${item.operationId}\`)${given.length > 0 ? ` with ${given.join(', ')}` : ''} here?`;
  const blocks: KnownBlock[] = [
    section(`${question}\n${VERDICT[item.outlook.verdict]} ${mrkdwnText(item.outlook.summary)}`),
  ];
  const help = contactsLine(item.outlook.contacts);
  if (help) blocks.push(context(help));
  blocks.push(context('Nothing was run.'));
  return { text: `${item.operationId}: ${item.outlook.verdict}`, blocks };
}

/** Says that runs were left out, and why, without saying anything about them. */
export function hiddenNote(hidden: { notMember: number; unknown: number }): string | undefined {
  const parts = [
    hidden.notMember > 0 ? `${hidden.notMember} in channels you are not in` : '',
    hidden.unknown > 0
      ? `${hidden.unknown} in channels whose members Slack would not tell Flightdeck just now`
      : '',
  ].filter(Boolean);
  const total = hidden.notMember + hidden.unknown;
  return parts.length > 0
    ? `:lock: ${total} run${total === 1 ? '' : 's'} not shown: ${parts.join(', ')}.`
    : undefined;
}
