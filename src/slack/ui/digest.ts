import { tz } from '@date-fns/tz';
import { format, isSameDay } from 'date-fns';
import { SKIPPED_COUNT_CAP } from '../../core/digest/due-window';
import type { DigestPost } from '../../core/digest/publisher';
import type { DigestOutcome, DigestSummary, OverdueRun } from '../../core/digest/summary';
import type { DigestFilters, DigestScheduleOverview } from '../../core/digest/digest-store';
import type { RunRecord } from '../../core/runs/run-store';
import {
  context,
  escapeMrkdwn,
  header,
  type KnownBlock,
  LIMITS,
  type MessageContent,
  section,
  truncate,
} from './blocks';
import { duration } from './run-message';

/** How ids read in a digest. */
export interface DigestNames {
  system(id: string): string;
  operation(id: string): string;
}

/** Slack's limits per message, with room kept for the "part 2 of 3" line (slack-platform.md §4.1). */
export const DIGEST_MESSAGE_LIMITS = {
  blocks: LIMITS.messageBlocks - 2,
  /** Slack refuses ~12,000 characters of block text in one message; stay well below. */
  text: 10_500,
  /** One section's text; an entry longer than this is cut (and shows the cut). */
  section: LIMITS.sectionText - 100,
} as const;

const PROBLEM_MESSAGE_MAX = 400;

const OUTCOMES: { outcome: DigestOutcome; label: string }[] = [
  { outcome: 'succeeded', label: 'succeeded' },
  { outcome: 'failed', label: 'failed' },
  { outcome: 'timed_out', label: 'timed out' },
  { outcome: 'canceled', label: 'canceled' },
  { outcome: 'rejected', label: 'rejected' },
  { outcome: 'in_progress', label: 'in progress' },
];

/** A date and time as people in `zone` read it: `Sun 29 Mar 09:00`. */
export function zonedTime(date: Date, zone: string, pattern = 'EEE d MMM HH:mm'): string {
  return format(date, pattern, { in: tz(zone) });
}

/** `Sat 28 Mar 09:00 → Sun 29 Mar 09:00 (Europe/Berlin)`; the second date is left out on the same day. */
export function windowText(start: Date, end: Date, zone: string): string {
  const sameDay = isSameDay(start, end, { in: tz(zone) });
  return `${zonedTime(start, zone)} → ${zonedTime(end, zone, sameDay ? 'HH:mm' : undefined)} (${zone})`;
}

export function filtersText(filters: DigestFilters, names: DigestNames): string | undefined {
  const parts = [
    filters.system ? `system ${names.system(filters.system)}` : undefined,
    filters.operationId ? `operation ${names.operation(filters.operationId)}` : undefined,
    filters.failuresOnly ? 'only failures' : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const span = (ms: number) => duration(new Date(0), new Date(ms));

/** A schedule as written (`daily 09:00`, a cron expression), set as code so cron stars stay stars. */
export function scheduleLabel(label: string): string {
  return `\`${label}\``;
}

function titleOf(post: DigestPost): string {
  return post.schedule ? `Digest · ${post.schedule.label}` : 'Digest';
}

function titleMrkdwn(post: DigestPost): string {
  return post.schedule ? `*Digest* ${scheduleLabel(post.schedule.label)}` : '*Digest*';
}

/** What came before the content: the window, lateness, missed windows, filters, caps. */
function preamble(post: DigestPost, names: DigestNames): string[] {
  const { summary, timeZone } = post;
  const lines = [windowText(summary.window.start, summary.window.end, timeZone)];
  if (post.requestedBy) lines.push(`Asked for by <@${post.requestedBy}>`);
  if (post.late) {
    lines.push(
      `:hourglass: *Late*: due ${zonedTime(post.late.dueAt, timeZone)}, posted ${zonedTime(summary.now, timeZone)} (Flightdeck was down, or Slack would not take it then).`,
    );
  }
  if (post.skipped > 0) {
    // Missed windows make a digest late even when its own window just ended (an hourly one, say).
    const count =
      post.skipped >= SKIPPED_COUNT_CAP
        ? 'At least 1,000 earlier windows'
        : plural(post.skipped, 'earlier window');
    const one = post.skipped === 1;
    lines.push(
      `${post.late ? '' : ':hourglass: *Late*: '}${count} ${one ? 'was' : 'were'} missed while Flightdeck was not running; this digest covers ${one ? 'it' : 'them'} too.`,
    );
  }
  const filters = post.schedule ? filtersText(post.schedule.filters, names) : undefined;
  if (filters) lines.push(`Filters: ${escapeMrkdwn(filters)}`);
  if (summary.capped)
    lines.push(':warning: More runs than a digest reads: these counts cover the newest ones.');
  return lines;
}

function link(run: RunRecord, links: ReadonlyMap<string, string>): string {
  const url = links.get(run.id);
  return url ? `<${url}|thread>` : `run \`${run.id}\``;
}

function who(run: RunRecord, names: DigestNames): string {
  return `*${escapeMrkdwn(names.operation(run.operationId))}* by <@${run.requesterId}>`;
}

function failureEntry(
  run: RunRecord,
  post: DigestPost,
  names: DigestNames,
  links: ReadonlyMap<string, string>,
) {
  const when = run.finishedAt ? ` at ${zonedTime(run.finishedAt, post.timeZone)}` : '';
  const state = run.state === 'timed_out' ? ':alarm_clock: timed out' : ':x: failed';
  const head = `${who(run, names)} · ${state}${when} · ${link(run, links)}`;
  if (!run.problem) return `${head}\n> no reason was recorded`;
  const { title, message } = run.problem;
  const reason = `*${escapeMrkdwn(title)}*: ${escapeMrkdwn(truncate(message, PROBLEM_MESSAGE_MAX))}`;
  return `${head}\n> ${reason.replace(/\n/g, '\n> ')}`;
}

function overdueEntry(item: OverdueRun, names: DigestNames, links: ReadonlyMap<string, string>) {
  const expectation =
    item.basis === 'median'
      ? `usually done within ${span(item.expectedMs)}`
      : `no history yet; flagged after ${span(item.expectedMs)}`;
  return `:hourglass_flowing_sand: ${who(item.run, names)} · running for ${span(item.runningMs)} (${expectation}) · ${link(item.run, links)}`;
}

function waitingEntry(
  run: RunRecord,
  summary: DigestSummary,
  names: DigestNames,
  links: ReadonlyMap<string, string>,
) {
  const whom = run.waitingFor ? ` for ${escapeMrkdwn(run.waitingFor)}` : '';
  const since = span(summary.now.getTime() - (run.startedAt ?? run.createdAt).getTime());
  return `:raising_hand: ${who(run, names)} · waiting${whom} · started ${since} ago · ${link(run, links)}`;
}

export interface Group {
  heading: string;
  entries: string[];
}

function groups(post: DigestPost, names: DigestNames, links: ReadonlyMap<string, string>): Group[] {
  const { summary } = post;
  const result: Group[] = [
    {
      heading: '*By system*',
      entries: summary.systems.map((s) => {
        const counts = OUTCOMES.flatMap(({ outcome, label }) => {
          const count = s.outcomes[outcome];
          return count ? [`${count} ${label}`] : [];
        });
        return `• *${escapeMrkdwn(names.system(s.system))}*: ${plural(s.total, 'run')} — ${counts.join(' · ')}`;
      }),
    },
  ];
  if (summary.failures.length > 0)
    result.push({
      heading: `*Failed (${summary.failures.length})*`,
      entries: summary.failures.map((run) => failureEntry(run, post, names, links)),
    });
  if (summary.overdue.length > 0)
    result.push({
      heading: `*Longer than expected (${summary.overdue.length})*`,
      entries: summary.overdue.map((item) => overdueEntry(item, names, links)),
    });
  if (summary.waiting.length > 0)
    result.push({
      heading: `*Waiting for a person (${summary.waiting.length})*`,
      entries: summary.waiting.map((run) => waitingEntry(run, summary, names, links)),
    });
  const busiest: string[] = [];
  if (summary.busiestOperations.length > 0)
    busiest.push(
      `Operations: ${summary.busiestOperations.map((t) => `${escapeMrkdwn(names.operation(t.id))} (${t.count})`).join(' · ')}`,
    );
  if (summary.busiestRequesters.length > 0)
    busiest.push(
      `Requesters: ${summary.busiestRequesters.map((t) => `<@${t.id}> (${t.count})`).join(' · ')}`,
    );
  if (busiest.length > 0) result.push({ heading: '*Busiest*', entries: busiest });
  return result;
}

export interface Sized {
  block: KnownBlock;
  /** Characters of text it carries, for the per-message budget. */
  chars: number;
}

const sizedSection = (text: string): Sized => ({ block: section(text), chars: text.length });

/** A heading and its entries as section blocks: entries are packed together, never split, the heading leads. */
export function packedSections(group: Group): Sized[] {
  const blocks: Sized[] = [];
  let chunk = group.heading;
  for (const full of group.entries) {
    const entry = truncate(full, DIGEST_MESSAGE_LIMITS.section - group.heading.length - 1);
    if (chunk.length + 1 + entry.length > DIGEST_MESSAGE_LIMITS.section) {
      blocks.push(sizedSection(chunk));
      chunk = entry;
    } else {
      chunk = `${chunk}\n${entry}`;
    }
  }
  blocks.push(sizedSection(chunk));
  return blocks;
}

function fallbackText(post: DigestPost, names: DigestNames): string {
  const { summary } = post;
  const failed = summary.failures.length > 0 ? `, ${summary.failures.length} failed` : '';
  const filters = post.schedule ? filtersText(post.schedule.filters, names) : undefined;
  return truncate(
    `Flightdeck ${titleOf(post).toLowerCase()}${filters ? ` (${filters})` : ''}: ${plural(summary.total, 'run')}${failed}`,
    LIMITS.fallbackText,
  );
}

/**
 * A digest as Slack messages: one when it fits, otherwise several, each inside Slack's block and text limits.
 * Nothing is dropped: the first message says how many parts follow (the poster puts them in its thread),
 * and each later one says which part it is. An empty window is one line.
 */
export function digestMessages(
  post: DigestPost,
  names: DigestNames,
  links: ReadonlyMap<string, string>,
): MessageContent[] {
  const text = fallbackText(post, names);
  const intro = preamble(post, names);
  if (post.summary.total === 0) {
    const none = post.summary.failuresOnly ? 'no failed runs' : 'no runs';
    return [{ text, blocks: [section(`${titleMrkdwn(post)} — ${none} · ${intro.join(' · ')}`)] }];
  }
  const head: Sized[] = [
    { block: header(titleOf(post)), chars: titleOf(post).length },
    { block: context(...intro), chars: intro.join('').length },
  ];
  const body = groups(post, names, links).flatMap(packedSections);
  const parts: Sized[][] = [[...head]];
  for (const item of body) {
    const current = parts[parts.length - 1] ?? [];
    const chars = current.reduce((sum, s) => sum + s.chars, 0);
    if (current.length + 1 > DIGEST_MESSAGE_LIMITS.blocks || chars + item.chars > DIGEST_MESSAGE_LIMITS.text)
      parts.push([item]);
    else current.push(item);
  }
  return parts.map((part, index) => {
    const blocks = part.map((s) => s.block);
    if (parts.length > 1) {
      blocks.push(
        context(
          index === 0
            ? `Part 1 of ${parts.length}: the rest is in this message's thread.`
            : `${titleMrkdwn(post)} · part ${index + 1} of ${parts.length}`,
        ),
      );
    }
    return { text: index === 0 ? text : `${text} (part ${index + 1} of ${parts.length})`, blocks };
  });
}

/** `/ops digest list`. `next` gives a schedule's next fire (undefined when it has none). */
export function scheduleListMessage(
  overviews: DigestScheduleOverview[],
  next: (overview: DigestScheduleOverview) => Date | undefined,
  names: DigestNames,
): MessageContent {
  if (overviews.length === 0) {
    const none = 'No digests are scheduled in this channel. `/ops digest schedule daily 09:00` starts one.';
    return { text: 'No digests are scheduled in this channel.', blocks: [section(none)] };
  }
  const blocks: KnownBlock[] = [header('Digests in this channel')];
  for (const overview of overviews.slice(0, LIMITS.messageBlocks - 2)) {
    const { schedule, lastWindow } = overview;
    const upcoming = next(overview);
    const filters = filtersText(schedule.filters, names);
    const lines = [
      `\`${schedule.id}\` · ${scheduleLabel(schedule.label)} (${schedule.timeZone})${filters ? ` · ${escapeMrkdwn(filters)}` : ''} · by <@${schedule.createdBy}>`,
      upcoming ? `Next: ${zonedTime(upcoming, schedule.timeZone)}` : 'Next: never',
    ];
    if (lastWindow?.postedAt) lines.push(`Last posted: ${zonedTime(lastWindow.postedAt, schedule.timeZone)}`);
    else if (lastWindow?.error)
      lines.push(`:warning: The last digest could not be posted: \`${escapeMrkdwn(lastWindow.error)}\``);
    blocks.push(section(lines.join('\n')));
  }
  if (overviews.length > LIMITS.messageBlocks - 2)
    blocks.push(context(`…and ${overviews.length - (LIMITS.messageBlocks - 2)} more.`));
  return { text: `${plural(overviews.length, 'digest')} scheduled in this channel`, blocks };
}
