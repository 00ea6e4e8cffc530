import type { Problem } from '../../core/operations/problem';
import { escapeMrkdwn, LIMITS, truncate } from './blocks';

/** A readable error: what failed, the upstream's own words and ids, and what to try next. */
export function problemText(problem: Problem): string {
  const lines = [`*${escapeMrkdwn(problem.title)}*`];
  if (problem.where) lines.push(`Where: ${escapeMrkdwn(problem.where)}`);
  lines.push(`> ${escapeMrkdwn(truncate(problem.message, 1500)).replace(/\n/g, '\n> ')}`);
  const ids = [
    problem.httpStatus ? `HTTP ${problem.httpStatus}` : undefined,
    problem.code ? `code \`${escapeMrkdwn(problem.code)}\`` : undefined,
    problem.errorId ? `error id \`${escapeMrkdwn(problem.errorId)}\`` : undefined,
  ].filter((x): x is string => x !== undefined);
  if (ids.length > 0) lines.push(ids.join(' · '));
  if (problem.hint) lines.push(`:bulb: ${escapeMrkdwn(problem.hint)}`);
  return truncate(lines.join('\n'), LIMITS.sectionText);
}
