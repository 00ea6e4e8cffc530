import type { Report } from '../../core/operations/contract';
import type { Decision } from '../../core/policy/policy';
import type { RunSummary } from '../../core/runs/run-list-store';
import type { RunRecord } from '../../core/runs/run-store';
import {
  context,
  escapeMrkdwn,
  header,
  type KnownBlock,
  LIMITS,
  type MessageContent,
  section,
  slackDate,
  truncate,
} from './blocks';
import { problemText } from './problem';
import { mrkdwnText } from './text';
import { stateLabel, statusLine } from './run-message';
import type { Problem } from '../../core/operations/problem';

/** A denial names the rule that decided and who can help. `what` is a verb phrase: "run Start a job". */
export function deniedMessage(what: string, decision: Decision): MessageContent {
  const lines = [`:no_entry: You can't ${escapeMrkdwn(what)} here.`, mrkdwnText(decision.reason)];
  if (decision.contacts.length > 0)
    lines.push(`Ask ${decision.contacts.map(escapeMrkdwn).join(' or ')} for access.`);
  return {
    text: `You can't ${what} here.`,
    blocks: [section(lines.join('\n'))],
  };
}

export function problemMessage(problem: Problem): MessageContent {
  return { text: problem.title, blocks: [section(problemText(problem))] };
}

export function infoMessage(text: string): MessageContent {
  return { text, blocks: [section(text)] };
}

/** Slack rejects a message whose blocks carry more than ~12,000 characters of text; stay below. */
const MESSAGE_TEXT_BUDGET = 11_000;

/** Lines packed into as few sections as Slack's limits allow; what does not fit is counted, not dropped silently. */
function linesToBlocks(lines: string[], maxBlocks: number): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let chunk = '';
  let shown = 0;
  let total = 0;
  for (const full of lines) {
    const line = truncate(full, LIMITS.sectionText - 100);
    if (total + line.length + 1 > MESSAGE_TEXT_BUDGET) break;
    if (chunk.length + line.length + 1 > LIMITS.sectionText - 40) {
      if (blocks.length + 1 >= maxBlocks) break;
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk += `${chunk ? '\n' : ''}${line}`;
    total += line.length + 1;
    shown += 1;
  }
  if (chunk) blocks.push(section(chunk));
  if (shown < lines.length) blocks.push(context(`…and ${lines.length - shown} more not shown.`));
  return blocks;
}

export function reportMessage(report: Report): MessageContent {
  return listMessage(report.title, report.lines.map(mrkdwnText), escapeMrkdwn(report.empty));
}

/** A titled list of mrkdwn lines, or `empty` (mrkdwn) when there are none. */
function listMessage(title: string, lines: string[], empty: string): MessageContent {
  const blocks: KnownBlock[] = [header(title)];
  if (lines.length === 0) blocks.push(section(empty));
  else blocks.push(...linesToBlocks(lines, LIMITS.messageBlocks - 2));
  return { text: title, blocks };
}

export function runsMessage(
  title: string,
  runs: RunSummary[],
  titles: (run: RunSummary) => string,
  options: { showChannel?: boolean; note?: string } = {},
): MessageContent {
  const lines = runs.map(
    (run) =>
      `${stateLabel(run.state)} · *${escapeMrkdwn(titles(run))}*${options.showChannel ? ` in <#${run.channelId}>` : ''} by <@${run.requesterId}> · ${slackDate(run.createdAt)} · \`${run.id}\``,
  );
  const message = listMessage(title, lines, 'No runs yet.');
  return options.note ? { ...message, blocks: [...message.blocks, context(options.note)] } : message;
}

/** `/ops status` of a run the caller may not see: why, and nothing of the run beyond its id. */
export function statusRefusal(runId: string, reason: string): MessageContent {
  const text = `:lock: Flightdeck does not show run \`${escapeMrkdwn(runId)}\` to you. ${reason} Ask someone in that channel, or a Flightdeck admin.`;
  return { text: `Run ${runId} is not shown to you.`, blocks: [section(text)] };
}

export function runStatusMessage(title: string, run: RunRecord, now: Date): MessageContent {
  const blocks: KnownBlock[] = [header(title), section(statusLine(run, now))];
  if (run.problem) blocks.push(section(problemText(run.problem)));
  blocks.push(context(`Run \`${run.id}\` in <#${run.channelId}> · requested by <@${run.requesterId}>`));
  return { text: `${title}: ${run.state}`, blocks };
}
