import { tz } from '@date-fns/tz';
import { format, isSameDay } from 'date-fns';
import { duration } from '../kit/duration';
import { code, link, strong, type Text, textOf, txt, user } from '../kit/text';
import { truncate } from '../kit/truncate';
import type { Registry } from '../operations/registry';
import type { RunRecord } from '../runs/run-store';
import type { DigestFilters, DigestScheduleOverview } from './digest-store';
import { SKIPPED_COUNT_CAP } from './due-window';
import type { DigestPost } from './publisher';
import type { DigestOutcome, DigestSummary, OverdueRun } from './summary';

/**
 * What a digest says, as data: every surface (Slack blocks, a terminal) shows the same lines and only
 * chooses its own marks and layout.
 */

/** How ids read in a digest. */
export interface DigestNames {
  system(id: string): string;
  operation(id: string): string;
}

export function digestNames(registry: Pick<Registry, 'systemName' | 'operationInfo'>): DigestNames {
  return {
    system: (id) => registry.systemName(id),
    operation: (id) => registry.operationInfo(id)?.title ?? id,
  };
}

/** Where a surface puts a symbol of its own (Slack an emoji, a terminal a character). */
export type DigestMark = 'failed' | 'timed_out' | 'overdue' | 'waiting' | 'late' | 'warning';
export type DigestMarks = Record<DigestMark, string>;

/** One line of a digest; `quote` is a run's reason, shown set apart under it. */
export interface DigestEntry {
  line: Text;
  quote?: Text;
}

export interface DigestGroup {
  heading: string;
  entries: DigestEntry[];
}

export interface DigestContent {
  /** `Digest` or `Digest · daily 09:00`. */
  title: string;
  /** The schedule as written, when the digest is a scheduled one. */
  label?: string;
  /** The window, who asked, lateness, missed windows, filters, caps. */
  intro: Text[];
  /** Empty when the window holds no run; `none` then says so. */
  groups: DigestGroup[];
  none: string;
  /** One line for notifications. */
  summary: string;
}

/** The longest failure reason a digest quotes. */
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

export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const span = (ms: number) => duration(new Date(0), new Date(ms));

function intro(post: DigestPost, names: DigestNames, marks: DigestMarks): Text[] {
  const { summary, timeZone } = post;
  const lines: Text[] = [textOf(windowText(summary.window.start, summary.window.end, timeZone))];
  if (post.requestedBy) lines.push(txt`Asked for by ${user(post.requestedBy)}`);
  const late = textOf(marks.late, ' ', strong('Late'), ': ');
  if (post.late) {
    lines.push(
      textOf(
        late,
        `due ${zonedTime(post.late.dueAt, timeZone)}, posted ${zonedTime(summary.now, timeZone)} (Flightdeck was down, or Slack would not take it then).`,
      ),
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
      textOf(
        post.late ? '' : late,
        `${count} ${one ? 'was' : 'were'} missed while Flightdeck was not running; this digest covers ${one ? 'it' : 'them'} too.`,
      ),
    );
  }
  const filters = post.schedule ? filtersText(post.schedule.filters, names) : undefined;
  if (filters) lines.push(textOf(`Filters: ${filters}`));
  if (summary.capped)
    lines.push(
      textOf(
        marks.warning,
        ' More runs to list than a digest reads: the counts cover them all, the lists only the newest.',
      ),
    );
  return lines;
}

function where(run: RunRecord, links: ReadonlyMap<string, string>): Text {
  const url = links.get(run.id);
  return url ? textOf(link(url, 'thread')) : txt`run ${code(run.id)}`;
}

function who(run: RunRecord, names: DigestNames): Text {
  return txt`${strong(names.operation(run.operationId))} by ${user(run.requesterId)}`;
}

function failureEntry(
  run: RunRecord,
  post: DigestPost,
  names: DigestNames,
  links: ReadonlyMap<string, string>,
  marks: DigestMarks,
): DigestEntry {
  const when = run.finishedAt ? ` at ${zonedTime(run.finishedAt, post.timeZone)}` : '';
  const state = run.state === 'timed_out' ? `${marks.timed_out} timed out` : `${marks.failed} failed`;
  const line = textOf(who(run, names), ` · ${state}${when} · `, where(run, links));
  if (!run.problem) return { line, quote: textOf('no reason was recorded') };
  const { title, message } = run.problem;
  return { line, quote: textOf(strong(title), `: ${truncate(message, PROBLEM_MESSAGE_MAX)}`) };
}

function overdueEntry(
  item: OverdueRun,
  names: DigestNames,
  links: ReadonlyMap<string, string>,
  marks: DigestMarks,
): DigestEntry {
  const expectation =
    item.basis === 'median'
      ? `usually done within ${span(item.expectedMs)}`
      : `no history yet; flagged after ${span(item.expectedMs)}`;
  return {
    line: textOf(
      `${marks.overdue} `,
      who(item.run, names),
      ` · running for ${span(item.runningMs)} (${expectation}) · `,
      where(item.run, links),
    ),
  };
}

function waitingEntry(
  run: RunRecord,
  summary: DigestSummary,
  names: DigestNames,
  links: ReadonlyMap<string, string>,
  marks: DigestMarks,
): DigestEntry {
  const whom = run.waitingFor ? ` for ${run.waitingFor}` : '';
  const since = span(summary.now.getTime() - (run.startedAt ?? run.createdAt).getTime());
  return {
    line: textOf(
      `${marks.waiting} `,
      who(run, names),
      ` · waiting${whom} · started ${since} ago · `,
      where(run, links),
    ),
  };
}

function groups(
  post: DigestPost,
  names: DigestNames,
  links: ReadonlyMap<string, string>,
  marks: DigestMarks,
): DigestGroup[] {
  const { summary } = post;
  const result: DigestGroup[] = [
    {
      heading: 'By system',
      entries: summary.systems.map((s) => {
        const counts = OUTCOMES.flatMap(({ outcome, label }) => {
          const count = s.outcomes[outcome];
          return count ? [`${count} ${label}`] : [];
        });
        return {
          line: textOf(
            '• ',
            strong(names.system(s.system)),
            `: ${plural(s.total, 'run')} — ${counts.join(' · ')}`,
          ),
        };
      }),
    },
  ];
  if (summary.failures.length > 0)
    result.push({
      heading: `Failed (${summary.failures.length})`,
      entries: summary.failures.map((run) => failureEntry(run, post, names, links, marks)),
    });
  if (summary.overdue.length > 0)
    result.push({
      heading: `Longer than expected (${summary.overdue.length})`,
      entries: summary.overdue.map((item) => overdueEntry(item, names, links, marks)),
    });
  if (summary.waiting.length > 0)
    result.push({
      heading: `Waiting for a person (${summary.waiting.length})`,
      entries: summary.waiting.map((run) => waitingEntry(run, summary, names, links, marks)),
    });
  const busiest: DigestEntry[] = [];
  if (summary.busiestOperations.length > 0)
    busiest.push({
      line: textOf(
        `Operations: ${summary.busiestOperations.map((t) => `${names.operation(t.id)} (${t.count})`).join(' · ')}`,
      ),
    });
  if (summary.busiestRequesters.length > 0)
    busiest.push({
      line: textOf(
        'Requesters: ',
        ...summary.busiestRequesters.flatMap((t, i) => [i > 0 ? ' · ' : '', user(t.id), ` (${t.count})`]),
      ),
    });
  if (busiest.length > 0) result.push({ heading: 'Busiest', entries: busiest });
  return result;
}

/**
 * A digest's content. `links` maps run ids to their threads where the surface has them (a run without
 * one is named by its id); `marks` are the surface's symbols.
 */
export function digestContent(
  post: DigestPost,
  names: DigestNames,
  links: ReadonlyMap<string, string>,
  marks: DigestMarks,
): DigestContent {
  const { summary } = post;
  const title = post.schedule ? `Digest · ${post.schedule.label}` : 'Digest';
  const failed = summary.failures.length > 0 ? `, ${summary.failures.length} failed` : '';
  const filters = post.schedule ? filtersText(post.schedule.filters, names) : undefined;
  return {
    title,
    ...(post.schedule ? { label: post.schedule.label } : {}),
    intro: intro(post, names, marks),
    groups: summary.total === 0 ? [] : groups(post, names, links, marks),
    none: summary.failuresOnly ? 'no failed runs' : 'no runs',
    summary: `Flightdeck ${title.toLowerCase()}${filters ? ` (${filters})` : ''}: ${plural(summary.total, 'run')}${failed}`,
  };
}

/** `/ops digest list`: one schedule's lines. `next` is when it fires next (undefined: never). */
export function scheduleLines(
  { schedule, lastWindow }: DigestScheduleOverview,
  next: Date | undefined,
  names: DigestNames,
  marks: DigestMarks,
): Text[] {
  const filters = filtersText(schedule.filters, names);
  const lines = [
    textOf(
      code(schedule.id),
      ' · ',
      code(schedule.label),
      ` (${schedule.timeZone})${filters ? ` · ${filters}` : ''} · by `,
      user(schedule.createdBy),
    ),
    textOf(next ? `Next: ${zonedTime(next, schedule.timeZone)}` : 'Next: never'),
  ];
  if (lastWindow?.postedAt)
    lines.push(textOf(`Last posted: ${zonedTime(lastWindow.postedAt, schedule.timeZone)}`));
  else if (lastWindow?.error)
    lines.push(textOf(`${marks.warning} The last digest could not be posted: `, code(lastWindow.error)));
  return lines;
}
