import type { Text } from '../../core/kit/text';
import type { SystemDefinition } from '../../core/operations/contract';
import { context, escapeMrkdwn, header, type MessageContent, section } from './blocks';
import { mrkdwnText } from './text';

export interface SystemStatus {
  definition: SystemDefinition;
  configured: boolean;
}

function commandLine(systemId: string, verb: string, usage: string, title: string): string {
  return `• \`/ops ${systemId} ${verb}${usage ? ` ${usage}` : ''}\` — ${escapeMrkdwn(title)}`;
}

/**
 * The commands with one-line usage; systems that are not configured say so. With `mayRun`, a configured
 * system's operations the caller may not run here are left out, and a line says that more exist.
 */
export function helpMessage(
  systems: SystemStatus[],
  mayRun: (operationId: string) => boolean = () => true,
): MessageContent {
  let hidden = 0;
  const blocks = [
    header('Flightdeck commands'),
    section(
      [
        '• `/ops` — pick an operation from a menu',
        '• `/ops help` — this list',
        '• `/ops runs [mine]` — recent runs in this channel',
        '• `/ops status <run id>` — one run’s state',
        '• `/ops digest schedule <daily HH:MM|weekdays HH:MM|hourly|cron> [time zone] [filters]` — a summary here on a schedule',
        '• `/ops digest list` · `remove <id>` · `now [24h]` — this channel’s digests',
        '• `/ops whoami` — your groups and what you may run here',
        '• `/ops can-i <operation> [key=value …]` — whether you may, without running it',
        '• `/ops audit [--user U…] [--since 24h]` — the audit trail (admins)',
      ].join('\n'),
    ),
    ...systems.map(({ definition, configured }) => {
      const shown = definition.operations.filter((op) => !configured || mayRun(op.id));
      hidden += definition.operations.length - shown.length;
      const lines = [
        ...shown.map((op) => commandLine(definition.id, op.verb, op.usage, op.title)),
        ...definition.queries.map((q) => commandLine(definition.id, q.verb, q.usage, q.title)),
      ];
      const title = configured
        ? `*${escapeMrkdwn(definition.name)}*`
        : `*${escapeMrkdwn(definition.name)}* — _not configured_ (its environment variables are not set)`;
      return section([title, ...lines].join('\n'));
    }),
    context('Follow-ups on a run (cancel, revert, approve, open upstream) are buttons on its message.'),
  ];
  if (hidden > 0) {
    blocks.push(
      context(
        `${hidden} more operation${hidden === 1 ? '' : 's'} exist${hidden === 1 ? 's' : ''} that you may not run here; \`/ops whoami\` says why.`,
      ),
    );
  }
  return { text: 'Flightdeck commands: /ops help', blocks };
}

/** Unknown words: what was wrong, the usage that applies (a line each, when there is one) and where to look. */
export function usageMessage(reason: Text, usage: readonly Text[] = []): MessageContent {
  const text = [mrkdwnText(reason), ...(usage.length > 0 ? ['', ...usage.map(mrkdwnText)] : [])].join('\n');
  return {
    text,
    blocks: [
      section(`:thinking_face: ${text}`),
      context('Type `/ops help` for every command, or `/ops` for a menu.'),
    ],
  };
}

export function notConfiguredMessage(systemName: string): MessageContent {
  const text = `${systemName} is not configured on this Flightdeck, so its commands are off. An admin sets its environment variables to turn it on.`;
  return { text, blocks: [section(`:electric_plug: ${escapeMrkdwn(text)}`)] };
}
