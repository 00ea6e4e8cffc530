import {
  digestContent,
  plural,
  scheduleLines,
  type DigestContent,
  type DigestEntry,
  type DigestMarks,
  type DigestNames,
} from '../../core/digest/digest-text';
import type { DigestScheduleOverview } from '../../core/digest/digest-store';
import type { DigestPost } from '../../core/digest/publisher';
import { code } from '../../core/kit/text';
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
import { mrkdwnText } from './text';

const SLACK_MARKS: DigestMarks = {
  failed: ':x:',
  timed_out: ':alarm_clock:',
  overdue: ':hourglass_flowing_sand:',
  waiting: ':raising_hand:',
  late: ':hourglass:',
  warning: ':warning:',
};

/** Slack's limits per message, with room kept for the "part 2 of 3" line (slack-platform.md §4.1). */
export const DIGEST_MESSAGE_LIMITS = {
  blocks: LIMITS.messageBlocks - 2,
  /** Slack refuses ~12,000 characters of block text in one message; stay well below. */
  text: 10_500,
  /** One section's text; an entry longer than this is cut (and shows the cut). */
  section: LIMITS.sectionText - 100,
} as const;

/** A schedule as written (`daily 09:00`, a cron expression), set as code so cron stars stay stars. */
export function scheduleLabel(label: string): string {
  return mrkdwnText([code(label)]);
}

function titleMrkdwn(content: DigestContent): string {
  return content.label === undefined ? '*Digest*' : `*Digest* ${scheduleLabel(content.label)}`;
}

/** An entry, its quote (a run's reason) as a Slack quote under it. */
function entryMrkdwn({ line, quote }: DigestEntry): string {
  const head = mrkdwnText(line);
  return quote ? `${head}\n> ${mrkdwnText(quote).replace(/\n/g, '\n> ')}` : head;
}

export interface Group {
  heading: string;
  entries: string[];
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
  const content = digestContent(post, names, links, SLACK_MARKS);
  const text = truncate(content.summary, LIMITS.fallbackText);
  const intro = content.intro.map(mrkdwnText);
  if (content.groups.length === 0) {
    return [{ text, blocks: [section(`${titleMrkdwn(content)} — ${content.none} · ${intro.join(' · ')}`)] }];
  }
  const head: Sized[] = [
    { block: header(content.title), chars: content.title.length },
    { block: context(...intro), chars: intro.join('').length },
  ];
  const body = content.groups
    .map((g) => ({ heading: `*${escapeMrkdwn(g.heading)}*`, entries: g.entries.map(entryMrkdwn) }))
    .flatMap(packedSections);
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
            : `${titleMrkdwn(content)} · part ${index + 1} of ${parts.length}`,
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
  for (const overview of overviews.slice(0, LIMITS.messageBlocks - 2))
    blocks.push(
      section(scheduleLines(overview, next(overview), names, SLACK_MARKS).map(mrkdwnText).join('\n')),
    );
  if (overviews.length > LIMITS.messageBlocks - 2)
    blocks.push(context(`…and ${overviews.length - (LIMITS.messageBlocks - 2)} more.`));
  return { text: `${plural(overviews.length, 'digest')} scheduled in this channel`, blocks };
}
