import type { Fact, Preview, Report } from '../core/operations/contract';
import type { Problem } from '../core/operations/problem';
import type { OperationOutlook } from '../core/policy/outlooks';
import type { Decision } from '../core/policy/policy';
import type { RunState } from '../core/runs/lifecycle';
import type { RunRecord } from '../core/runs/run-store';
import { slackMarkupToPlainText as plain } from './slack-markup';

/** The core's structured values as plain terminal text: no markup, one idea per line. */

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
  // Core detail may still carry Slack mentions (approvals: "1 of 2: <@U…>").
  if (at.detail) parts.push(plain(at.detail));
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
    // Policy reasons still carry Slack mentions (`<#C…>`, `<@U…>`) until "data" lands.
    `  ${plain(decision.reason)}`,
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
    // Outlook summaries still carry Slack mentions until "data" lands.
    `${VERDICT[outlook.verdict]} ${title} (${operationId}): ${plain(outlook.summary)}`,
    ...(outlook.contacts.length > 0 ? [`  Who can help: ${outlook.contacts.join(', ')}.`] : []),
  ];
}

export function reportLines(report: Report): string[] {
  // Report lines are Slack mrkdwn today (links, code); "data" makes them structured.
  return [
    report.title,
    ...(report.lines.length > 0 ? report.lines.map((l) => `  ${plain(l)}`) : [`  ${report.empty}`]),
  ];
}

export function previewLines(preview: Preview): string[] {
  // Preview lines are "Markdown lines" in the contract today; "data" makes them structured.
  return preview.lines.map((l) => `  ${plain(l)}`);
}

export function timeText(date: Date): string {
  return date.toISOString().slice(11, 19);
}
