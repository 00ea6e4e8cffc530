import { digestNames, filtersText, zonedTime } from '../core/digest/digest-text';
import { NOTHING_POSTED, UNRECORDED } from '../core/digest/publisher';
import { DIGEST_USAGE, digestPlaceRefusal, type DigestCommand, type ScheduleSpec } from '../core/digest/spec';
import type { Text } from '../core/kit/text';
import type { Subject } from '../core/policy/policy';
import { scheduleListLines } from './digest-printer';
import type { ConsoleEngine } from './engine';
import { consoleText, decisionLines } from './plain-text';

/** A digest command that did not parse: what is wrong, then the usage. */
export function digestUsageLines(error: Text): string[] {
  return [consoleText(error), ...DIGEST_USAGE.map((line) => `  ${consoleText(line)}`)];
}

/**
 * `digest schedule|list|remove|now` through the same core services as in Slack; what Slack posts in the
 * channel the console prints.
 */
export async function digestCommandLines(
  engine: ConsoleEngine,
  command: DigestCommand,
  subject: Subject,
): Promise<string[]> {
  const { schedules, publisher, timeZone } = engine.digests;
  const misplaced = digestPlaceRefusal(subject.channelId);
  if (misplaced) return [consoleText(misplaced)];
  switch (command.action) {
    case 'now':
      await publisher.publish(
        await schedules.now(subject, command.windowMs, timeZone),
        NOTHING_POSTED,
        UNRECORDED,
      );
      return [];
    case 'list': {
      const overviews = await schedules.inChannel(subject.channelId);
      return [
        `Digests in #${subject.channelId}:`,
        ...scheduleListLines(overviews, ({ schedule }) => schedules.nextFire(schedule), engine.registry),
      ];
    }
    case 'remove':
      return removeLines(engine, command.id, subject);
    case 'schedule':
      return scheduleLines(engine, command.spec, subject);
  }
}

async function removeLines(engine: ConsoleEngine, id: string, subject: Subject): Promise<string[]> {
  const result = await engine.digests.schedules.remove(subject, id);
  switch (result.kind) {
    case 'missing':
      return [`There is no digest ${id} in #${subject.channelId}. \`digest list\` shows them.`];
    case 'denied':
      return decisionLines(`remove the digest ${result.schedule.id}`, result.decision);
    case 'removed':
      return [
        `${subject.userId} stopped the digest ${result.schedule.id} (${result.schedule.label}) in #${subject.channelId}.`,
      ];
  }
}

async function scheduleLines(engine: ConsoleEngine, spec: ScheduleSpec, subject: Subject): Promise<string[]> {
  const zone = spec.timeZone ?? engine.digests.timeZone;
  const result = await engine.digests.schedules.schedule(subject, { ...spec, timeZone: zone });
  switch (result.kind) {
    case 'denied':
      return decisionLines('schedule a digest', result.decision);
    case 'duplicate':
      return [`#${subject.channelId} already has that digest: ${result.twin.id} (${result.twin.label}).`];
    case 'full':
      return [
        `#${subject.channelId} has ${result.count} digests, the most it can have. Remove one first (\`digest list\`).`,
      ];
    case 'created': {
      const { schedule, first } = result;
      const filters = filtersText(schedule.filters, digestNames(engine.registry));
      return [
        `${subject.userId} scheduled a digest in #${subject.channelId}: ${schedule.label} (${zone})${filters ? `, ${filters}` : ''}.`,
        ...(first ? [`First one: ${zonedTime(first, zone)}; it prints here while the console runs.`] : []),
        `\`digest list\` shows it; \`digest remove ${schedule.id}\` stops it.`,
      ];
    }
  }
}
