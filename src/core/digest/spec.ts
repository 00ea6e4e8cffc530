import type { DigestFilters } from './digest-store';
import { DigestCron } from './cron';
import { timeZoneName } from './time-zone';
import { code, joinText, type Text, txt } from '../kit/text';

/** What `/ops digest schedule` asked for; the time zone is the requester's when they named none. */
export interface ScheduleSpec {
  cron: string;
  label: string;
  timeZone?: string;
  filters: DigestFilters;
}

export type DigestCommand =
  | { action: 'schedule'; spec: ScheduleSpec }
  | { action: 'list' }
  | { action: 'remove'; id: string }
  | { action: 'now'; windowMs: number; windowLabel: string };

/** `/ops digest` and its grammar, for people, a line each; each surface renders them its own way. */
export const DIGEST_USAGE: readonly Text[] = [
  txt`${code('/ops digest schedule <when> [time zone] [filters]')} — post a digest here on a schedule`,
  txt`    <when>: ${code('daily HH:MM')}, ${code('weekdays HH:MM')}, ${code('hourly')}, or a cron expression like ${code('30 7 * * 1-5')}`,
  txt`    time zone: an IANA name like ${code('Europe/Berlin')} (default: your own time zone)`,
  txt`    filters: ${code('system=<id>')}, ${code('operation=<id>')}, ${code('failures')} (only failed runs)`,
  txt`${code('/ops digest list')} — the schedules of this channel`,
  txt`${code('/ops digest remove <id>')} — stop one`,
  txt`${code('/ops digest now [window]')} — post one now, for the last ${code('24h')} (or ${code('90m')}, ${code('7d')}, …)`,
];

/**
 * Digests are posted in channels, never in direct messages (conversation ids starting with D): why a
 * digest command is refused where it was typed, if it is.
 */
export function digestPlaceRefusal(channelId: string): Text | undefined {
  return channelId.startsWith('D')
    ? txt`Digests are posted in channels: run this in the channel that should get them.`
    : undefined;
}

/** A refusal says what is wrong; the surface adds DIGEST_USAGE. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: Text };

/** The ids filters may name. */
export interface KnownIds {
  systems: string[];
  operations: string[];
}

/** The shortest and longest window `/ops digest now` covers. */
export const NOW_WINDOW_LIMITS = { minMs: 60_000, maxMs: 31 * 86_400_000 } as const;

const SCHEDULE_ID = /^[a-z0-9]{4,16}$/;
const UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const fail = <T>(error: Text): Parsed<T> => ({ ok: false, error });
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

/** Parses the words after `/ops digest`. Words are case-insensitive; ids and zone names keep their case. */
export function parseDigestCommand(words: string[], known: KnownIds): Parsed<DigestCommand> {
  const [first = '', ...rest] = words;
  switch (first.toLowerCase()) {
    case 'schedule': {
      const spec = parseScheduleSpec(rest, known);
      return spec.ok ? ok({ action: 'schedule', spec: spec.value }) : spec;
    }
    case 'list':
      return rest.length === 0
        ? ok({ action: 'list' })
        : fail(txt`${code('/ops digest list')} takes no arguments.`);
    case 'remove': {
      const id = rest[0]?.toLowerCase() ?? '';
      if (rest.length !== 1 || !SCHEDULE_ID.test(id))
        return fail(
          txt`Which schedule? ${code('/ops digest remove <id>')} (the ids are in ${code('/ops digest list')}).`,
        );
      return ok({ action: 'remove', id });
    }
    case 'now': {
      if (rest.length > 1)
        return fail(txt`${code('/ops digest now')} takes one window, like ${code('24h')}.`);
      const window = parseWindow(rest[0] ?? '24h');
      return window.ok
        ? ok({ action: 'now', windowMs: window.value, windowLabel: (rest[0] ?? '24h').toLowerCase() })
        : window;
    }
    case '':
      return fail(txt`What should Flightdeck do with digests?`);
    default:
      return fail(txt`${code(first)} is not a digest command.`);
  }
}

/** `90m`, `24h`, `7d`: the window `/ops digest now` covers. */
export function parseWindow(text: string): Parsed<number> {
  const match = /^(\d{1,4})([mhd])$/i.exec(text);
  if (!match)
    return fail(
      txt`${code(text)} is not a window: use minutes, hours or days, like ${code('90m')}, ${code('24h')}, ${code('7d')}.`,
    );
  const ms = Number(match[1]) * UNITS[(match[2] ?? 'h').toLowerCase() as keyof typeof UNITS];
  if (ms < NOW_WINDOW_LIMITS.minMs || ms > NOW_WINDOW_LIMITS.maxMs)
    return fail(txt`${code(text)} is out of range: a digest covers between 1 minute and 31 days.`);
  return ok(ms);
}

/** `<when> [time zone] [filters]`. */
export function parseScheduleSpec(words: string[], known: KnownIds): Parsed<ScheduleSpec> {
  const when = parseWhen(words);
  if (!when.ok) return when;
  const { cron, label, rest } = when.value;
  const filters: DigestFilters = { failuresOnly: false };
  let timeZone: string | undefined;
  for (const word of rest) {
    const [key = '', value, extra] = word.split('=');
    const lower = key.toLowerCase();
    if (value === undefined) {
      if (lower === 'failures') {
        filters.failuresOnly = true;
        continue;
      }
      const zone = timeZoneName(word);
      if (!zone)
        return fail(txt`${code(word)} is neither a time zone (like ${code('Europe/Berlin')}) nor a filter.`);
      if (timeZone !== undefined) return fail(txt`Name one time zone at most.`);
      timeZone = zone;
      continue;
    }
    if (extra !== undefined || value === '')
      return fail(txt`${code(word)} is not a filter: use ${code('key=value')}.`);
    if (lower === 'system') {
      if (!known.systems.includes(value.toLowerCase()))
        return fail(txt`There is no system ${code(value)}. Systems: ${list(known.systems)}.`);
      filters.system = value.toLowerCase();
    } else if (lower === 'operation') {
      if (!known.operations.includes(value.toLowerCase()))
        return fail(txt`There is no operation ${code(value)}. Operations: ${list(known.operations)}.`);
      filters.operationId = value.toLowerCase();
    } else {
      return fail(
        txt`${code(key)} is not a filter: use ${code('system=')}, ${code('operation=')} or ${code('failures')}.`,
      );
    }
  }
  return ok({ cron, label, filters, ...(timeZone ? { timeZone } : {}) });
}

function list(ids: string[]): Text {
  return ids.length > 0 ? joinText(ids.map(code), ', ') : txt`none configured`;
}

function parseWhen(words: string[]): Parsed<{ cron: string; label: string; rest: string[] }> {
  const [first = '', second = '', ...after] = words;
  const keyword = first.toLowerCase();
  if (keyword === '') return fail(txt`When should the digest be posted?`);
  if (keyword === 'hourly') return ok({ cron: '0 * * * *', label: 'hourly', rest: words.slice(1) });
  if (keyword === 'daily' || keyword === 'weekdays') {
    const time = /^(\d{1,2}):(\d{2})$/.exec(second);
    const hour = Number(time?.[1]);
    const minute = Number(time?.[2]);
    if (!time || hour > 23 || minute > 59)
      return fail(
        txt`${code(keyword)} needs a time of day like ${code('09:00')}${second ? txt`, not ${code(second)}` : ''}.`,
      );
    const days = keyword === 'daily' ? '*' : '1-5';
    const label = `${keyword} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    return ok({ cron: `${minute} ${hour} * * ${days}`, label, rest: after });
  }
  const fields = words.slice(0, 5);
  if (fields.length < 5 || !fields.every((f) => /^[\d*,/\-A-Za-z?#LW]+$/.test(f)))
    return fail(
      txt`${code(first)} is not a schedule: use ${code('daily HH:MM')}, ${code('weekdays HH:MM')}, ${code('hourly')} or a cron expression.`,
    );
  const cron = fields.join(' ');
  try {
    // Five fields have no year, so a cron that fires at all fires after 1970.
    if (!new DigestCron(cron, 'UTC').next(new Date(0))) return fail(txt`${code(cron)} never fires.`);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^CronPattern:\s*/, '') : 'invalid';
    return fail(txt`${code(cron)} is not a valid cron expression: ${reason}.`);
  }
  return ok({ cron, label: cron, rest: words.slice(5) });
}
