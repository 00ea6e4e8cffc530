import { plainText, type Text } from '../core/kit/text';
import type { Fact, Preview, PreviewMark, Report } from '../core/operations/contract';
import type { Problem } from '../core/operations/problem';
import type { OperationOutlook } from '../core/policy/outlooks';
import type { Decision } from '../core/policy/policy';
import type { RunState } from '../core/runs/lifecycle';
import type { RunRecord } from '../core/runs/run-store';

/** The core's structured values as plain terminal text: no markup, one idea per line. */

/** Text on a terminal: plainText, but code spans without backticks (the terminal shows no markup at all). */
export function consoleText(text: Text): string {
  return plainText(text.map((part) => (part.kind === 'code' ? { kind: 'text', text: part.text } : part)));
}

const STATE: Record<RunState, string> = {
  awaiting_approval: 'awaiting approval',
  starting: 'starting',
  queued: 'queued',
  running: 'running',
  waiting: 'waiting',
  paused: 'paused',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
  timed_out: 'timed out',
  rejected: 'rejected',
};

export const stateText = (state: RunState): string => STATE[state];

/** "running · task Back up devices · 50% · waiting for manual task 'Check diff'". */
export function whereNowText(
  at: Pick<RunRecord, 'state' | 'upstreamStatus' | 'detail' | 'progress' | 'waitingFor'>,
): string {
  const parts = [stateText(at.state)];
  if (at.upstreamStatus && at.upstreamStatus.toLowerCase() !== at.state)
    parts.push(`upstream "${at.upstreamStatus}"`);
  // Detail is the upstream's own words (or, on old approval transitions, Flightdeck's): shown as it is.
  if (at.detail) parts.push(at.detail);
  if (at.progress !== null) parts.push(`${Math.round(at.progress * 100)}%`);
  if (at.waitingFor) parts.push(`waiting for ${at.waitingFor}`);
  return parts.join(' · ');
}

export function factsText(facts: Fact[]): string {
  return facts.map((f) => `${f.label}: ${f.value}`).join(' · ');
}

export function problemLines(problem: Problem): string[] {
  const ids = [
    problem.httpStatus !== undefined ? `HTTP ${problem.httpStatus}` : undefined,
    problem.code ? `code ${problem.code}` : undefined,
    problem.errorId ? `error id ${problem.errorId}` : undefined,
  ].filter(Boolean);
  return [
    `✖ ${problem.title}${problem.where ? ` (at ${problem.where})` : ''}`,
    `  ${problem.message}${ids.length > 0 ? ` [${ids.join(', ')}]` : ''}`,
    ...(problem.hint ? [`  → ${problem.hint}`] : []),
  ];
}

export function decisionLines(what: string, decision: Decision): string[] {
  return [
    `✖ You may not ${what}.`,
    `  ${consoleText(decision.reason)}`,
    ...(decision.contacts.length > 0 ? [`  Who can help: ${decision.contacts.join(', ')}.`] : []),
  ];
}

const VERDICT: Record<OperationOutlook['outlook']['verdict'], string> = {
  yes: '✔',
  approval: '✋',
  conditional: '◆',
  no: '✖',
};

export function outlookLines({ operationId, title, outlook }: OperationOutlook): string[] {
  return [
    `${VERDICT[outlook.verdict]} ${title} (${operationId}): ${consoleText(outlook.summary)}`,
    ...(outlook.contacts.length > 0 ? [`  Who can help: ${outlook.contacts.join(', ')}.`] : []),
  ];
}

export function reportLines(report: Report): string[] {
  return [
    report.title,
    ...(report.lines.length > 0 ? report.lines.map((l) => `  ${consoleText(l)}`) : [`  ${report.empty}`]),
  ];
}

/** The Slack preview's emoji as terminal symbols: what happens to the row. */
const MARK: Record<PreviewMark, string> = {
  unchanged: '=',
  cleared: '!',
  added: '+',
  removed: '-',
  moved: '~',
  included: '&',
  warning: '!',
};

/** "  + Added: geo-block (1st)"; a row without a mark is indented as if it had one, so labels line up. */
export function previewLines(preview: Preview): string[] {
  if (preview.rows.length === 0) return ['    no change'];
  return preview.rows.map(({ label, value, mark }) => {
    const body = label === undefined ? consoleText(value) : `${label}: ${consoleText(value)}`;
    return `  ${mark ? MARK[mark] : ' '} ${body}`;
  });
}

export function timeText(date: Date): string {
  return date.toISOString().slice(11, 19);
}
