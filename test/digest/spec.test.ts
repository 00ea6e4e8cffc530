import {
  DIGEST_USAGE,
  parseDigestCommand,
  parseWindow,
  type DigestCommand,
  type Parsed,
} from '../../src/core/digest/spec';
import { plainText, type Text } from '../../src/core/kit/text';

const KNOWN = { systems: ['itential', 'iacm', 'zitadel'], operations: ['itential.start', 'iacm.run'] };
const parse = (text: string) => parseDigestCommand(text.split(/\s+/).filter(Boolean), KNOWN);

/** What is wrong, then the usage, as every surface shows it. */
const withUsage = (reason: Text) => [reason, ...DIGEST_USAGE].map(plainText).join('\n');

function value(result: Parsed<DigestCommand>): DigestCommand {
  if (!result.ok) throw new Error(`expected a command, got: ${withUsage(result.error)}`);
  return result.value;
}

function error(result: Parsed<unknown>): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return withUsage(result.error);
}

describe('/ops digest schedule', () => {
  it.each([
    ['schedule daily 09:00', '0 9 * * *', 'daily 09:00'],
    ['schedule DAILY 7:05', '5 7 * * *', 'daily 07:05'],
    ['schedule weekdays 18:30', '30 18 * * 1-5', 'weekdays 18:30'],
    ['schedule hourly', '0 * * * *', 'hourly'],
    ['schedule */15 * * * *', '*/15 * * * *', '*/15 * * * *'],
    ['schedule 0 8 * * MON-FRI', '0 8 * * MON-FRI', '0 8 * * MON-FRI'],
  ])('%s → cron %s', (text, cron, label) => {
    expect(value(parse(text))).toEqual({
      action: 'schedule',
      spec: { cron, label, filters: { failuresOnly: false } },
    });
  });

  it('takes a time zone (as written, or with the case corrected) and filters in any order', () => {
    expect(value(parse('schedule daily 08:00 failures Asia/Kolkata system=ITENTIAL'))).toEqual({
      action: 'schedule',
      spec: {
        cron: '0 8 * * *',
        label: 'daily 08:00',
        timeZone: 'Asia/Kolkata',
        filters: { system: 'itential', failuresOnly: true },
      },
    });
    expect(value(parse('schedule hourly asia/kolkata'))).toMatchObject({
      spec: { timeZone: 'Asia/Kolkata' },
    });
    expect(value(parse('schedule hourly EUROPE/KYIV'))).toMatchObject({ spec: { timeZone: 'Europe/Kyiv' } });
    expect(value(parse('schedule hourly utc'))).toMatchObject({ spec: { timeZone: 'UTC' } });
    expect(value(parse('schedule hourly etc/gmt+5'))).toMatchObject({ spec: { timeZone: 'Etc/GMT+5' } });
    expect(value(parse('schedule 0 6 * * * america/new_york operation=iacm.run'))).toMatchObject({
      spec: { timeZone: 'America/New_York', filters: { operationId: 'iacm.run', failuresOnly: false } },
    });
  });

  it.each([
    ['schedule', 'When should the digest be posted?'],
    ['schedule daily', '`daily` needs a time of day like `09:00`.'],
    ['schedule daily 24:00', 'not `24:00`'],
    ['schedule weekdays 9am', 'not `9am`'],
    ['schedule monthly', '`monthly` is not a schedule'],
    ['schedule 0 9 * *', '`0` is not a schedule'],
    ['schedule 61 * * * *', '`61 * * * *` is not a valid cron expression'],
    ['schedule 0 9 31 2 *', '`0 9 31 2 *` never fires.'],
    ['schedule daily 09:00 Mars/Olympus', '`Mars/Olympus` is neither a time zone'],
    ['schedule daily 09:00 Europe/Berlin UTC', 'Name one time zone at most.'],
    ['schedule hourly system=salt', 'There is no system `salt`. Systems: `itential`, `iacm`, `zitadel`.'],
    ['schedule hourly operation=itential.stop', 'There is no operation `itential.stop`.'],
    ['schedule hourly channel=C1', '`channel` is not a filter'],
    ['schedule hourly system=', '`system=` is not a filter'],
  ])('%s → says what is wrong, with usage', (text, message) => {
    const text_ = error(parse(text));
    expect(text_).toContain(message);
    expect(text_).toContain('/ops digest schedule <when> [time zone] [filters]');
  });
});

describe('/ops digest list, remove, now', () => {
  it('list and remove', () => {
    expect(value(parse('LIST'))).toEqual({ action: 'list' });
    expect(value(parse('remove AB12cd34'))).toEqual({ action: 'remove', id: 'ab12cd34' });
    expect(error(parse('list all'))).toContain('takes no arguments');
    expect(error(parse('remove'))).toContain('Which schedule?');
    expect(error(parse('remove a b'))).toContain('Which schedule?');
    expect(error(parse('remove <@U1>'))).toContain('Which schedule?');
  });

  it('now defaults to 24 hours and takes minutes, hours or days', () => {
    expect(value(parse('now'))).toEqual({ action: 'now', windowMs: 86_400_000, windowLabel: '24h' });
    expect(value(parse('now 90m'))).toEqual({ action: 'now', windowMs: 90 * 60_000, windowLabel: '90m' });
    expect(value(parse('now 7D'))).toEqual({ action: 'now', windowMs: 7 * 86_400_000, windowLabel: '7d' });
    expect(error(parse('now yesterday'))).toContain('`yesterday` is not a window');
    expect(error(parse('now 0m'))).toContain('out of range');
    expect(error(parse('now 32d'))).toContain('out of range');
    expect(error(parse('now 1h 2h'))).toContain('takes one window');
  });

  it('no verb or an unknown one gets usage', () => {
    expect(error(parse(''))).toContain('/ops digest list');
    expect(error(parse('send'))).toContain('`send` is not a digest command.');
  });

  it('parseWindow alone', () => {
    expect(parseWindow('1m')).toEqual({ ok: true, value: 60_000 });
    expect(parseWindow('31d')).toEqual({ ok: true, value: 31 * 86_400_000 });
  });
});
