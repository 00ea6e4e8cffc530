import type { SystemDefinition } from '../../core/operations';
import { context, escapeMrkdwn, header, type MessageContent, section } from './blocks';

export interface SystemStatus {
  definition: SystemDefinition;
  configured: boolean;
}

function commandLine(systemId: string, verb: string, usage: string, title: string): string {
  return `• \`/ops ${systemId} ${verb}${usage ? ` ${usage}` : ''}\` — ${escapeMrkdwn(title)}`;
}

/** Every command with one-line usage; systems that are not configured say so. */
export function helpMessage(systems: SystemStatus[]): MessageContent {
  const blocks = [
    header('Flightdeck commands'),
    section(
      [
        '• `/ops` — pick an operation from a menu',
        '• `/ops help` — this list',
        '• `/ops runs [mine]` — recent runs in this channel',
        '• `/ops status <run id>` — one run’s state',
      ].join('\n'),
    ),
    ...systems.map(({ definition, configured }) => {
      const lines = [
        ...definition.operations.map((op) => commandLine(definition.id, op.verb, op.usage, op.title)),
        ...definition.queries.map((q) => commandLine(definition.id, q.verb, q.usage, q.title)),
      ];
      const title = configured
        ? `*${escapeMrkdwn(definition.name)}*`
        : `*${escapeMrkdwn(definition.name)}* — _not configured_ (its environment variables are not set)`;
      return section([title, ...lines].join('\n'));
    }),
    context('Follow-ups on a run (cancel, open upstream) are buttons on its message.'),
  ];
  return { text: 'Flightdeck commands: /ops help', blocks };
}

/** Unknown words: what was wrong and where to look. */
export function usageMessage(reason: string): MessageContent {
  return {
    text: reason,
    blocks: [
      section(`:thinking_face: ${reason}`),
      context('Type `/ops help` for every command, or `/ops` for a menu.'),
    ],
  };
}

export function notConfiguredMessage(systemName: string): MessageContent {
  const text = `${systemName} is not configured on this Flightdeck, so its commands are off. An admin sets its environment variables to turn it on.`;
  return { text, blocks: [section(`:electric_plug: ${escapeMrkdwn(text)}`)] };
}
