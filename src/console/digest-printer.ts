import {
  digestContent,
  digestNames,
  scheduleLines,
  type DigestContent,
  type DigestMarks,
} from '../core/digest/digest-text';
import type { DigestScheduleOverview } from '../core/digest/digest-store';
import type { DigestPost, DigestProgress, DigestPublisher, DigestRecorder } from '../core/digest/publisher';
import type { Registry } from '../core/operations/registry';
import { consoleText } from './plain-text';
import type { Terminal } from './terminal';

const CONSOLE_MARKS: DigestMarks = {
  failed: '✖',
  timed_out: '⏰',
  overdue: '⌛',
  waiting: '✋',
  late: '⌛',
  warning: '⚠',
};

/** A digest as terminal lines: a boxed block like a run's thread, the reasons indented under their runs. */
export function digestLines(content: DigestContent): string[] {
  const intro = content.intro.map(consoleText);
  // An empty window is one line, as in Slack.
  if (content.groups.length === 0) return [`${content.title} — ${content.none} · ${intro.join(' · ')}`];
  const lines = [`┌ ${content.title}`, ...intro.map((l) => `│ ${l}`)];
  for (const group of content.groups) {
    lines.push(`│ ${group.heading}`);
    for (const { line, quote } of group.entries) {
      lines.push(`│   ${consoleText(line)}`);
      if (quote)
        lines.push(
          ...consoleText(quote)
            .split('\n')
            .map((l) => `│       ${l}`),
        );
    }
  }
  lines.push('└');
  return lines;
}

/** `digest list`: each schedule's lines, indented under its id. */
export function scheduleListLines(
  overviews: DigestScheduleOverview[],
  next: (overview: DigestScheduleOverview) => Date | undefined,
  registry: Registry,
): string[] {
  if (overviews.length === 0)
    return ['No digests are scheduled in this channel. `digest schedule daily 09:00` starts one.'];
  return overviews.flatMap((overview) =>
    scheduleLines(overview, next(overview), digestNames(registry), CONSOLE_MARKS).map(
      (line, i) => `${i === 0 ? '  ' : '    '}${consoleText(line)}`,
    ),
  );
}

/**
 * The DigestPublisher on a terminal: a digest is printed whole, as one part (a terminal has no message
 * size limit and no thread), so a window interrupted before it printed prints again and never twice.
 */
export class ConsoleDigestPublisher implements DigestPublisher {
  constructor(
    private readonly terminal: Terminal,
    private readonly registry: Registry,
  ) {}

  async publish(post: DigestPost, progress: DigestProgress, recorder: DigestRecorder): Promise<void> {
    if (progress.partsPosted > 0 || !(await recorder.attempting(0))) return;
    const content = digestContent(post, digestNames(this.registry), new Map(), CONSOLE_MARKS);
    this.terminal.print(`Digest for #${post.channelId}:`, ...digestLines(content));
    await recorder.posted({
      partsPosted: 1,
      threadTs: `console:digest:${post.channelId}`,
      attemptedPart: null,
    });
  }
}
