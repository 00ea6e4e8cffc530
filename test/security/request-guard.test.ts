import type { OnceStore } from '../../src/core/kit/once-store';
import { silentLog } from '../../src/core/kit/log';
import { ReplayCache } from '../../src/slack/replay-cache';
import { guardSlackRequest, REQUEST_KEY_TTL_SEC, type Verdict } from '../../src/slack/request-guard';
import { FORM, JSON_TYPE, signedHeaders } from './raw-slack';

const SECRET = 'unit-signing-secret';
const NOW = 1_800_000_000;
const COMMAND = 'command=%2Fops&text=help&user_id=U1&trigger_id=1.2.abc';
const SUGGESTION = `payload=${encodeURIComponent(
  JSON.stringify({
    type: 'block_suggestion',
    action_id: 'fd.field.workflow',
    value: 'Back',
    user: { id: 'U1' },
  }),
)}`;

function check(
  body: string,
  headers: Record<string, string | string[]>,
  replays = new ReplayCache(),
  nowSec = NOW,
): Promise<Verdict> {
  return guardSlackRequest(
    { headers, rawBody: Buffer.from(body) },
    { signingSecret: SECRET, nowSec, replays },
  );
}

describe('guardSlackRequest', () => {
  it('accepts timestamps exactly 300 s either side of now, and nothing beyond', async () => {
    for (const [offset, ok] of [
      [-300, true],
      [300, true],
      [-301, false],
      [301, false],
    ] as const) {
      expect((await check(COMMAND, signedHeaders(SECRET, COMMAND, FORM, NOW + offset))).ok).toBe(ok);
    }
  });

  it('lets an unsigned ssl_check through, but not one carrying an interaction', async () => {
    const headers = { 'content-type': FORM };
    await expect(check('ssl_check=1&token=x', headers)).resolves.toEqual({ ok: true });
    await expect(check(`ssl_check=1&${SUGGESTION}`, headers)).resolves.toEqual({
      ok: false,
      status: 401,
      reason: 'missing signature',
    });
  });

  it('refuses a header sent twice', async () => {
    const headers = signedHeaders(SECRET, COMMAND, FORM, NOW);
    const sig = headers['x-slack-signature'] ?? '';
    await expect(check(COMMAND, { ...headers, 'x-slack-signature': [sig, sig] })).resolves.toEqual({
      ok: false,
      status: 401,
      reason: 'missing signature',
    });
  });

  it('refuses a signed form without a command or a typed payload, and a signed JSON body that is not an object', async () => {
    for (const body of ['text=help', 'payload=%7B%7D', 'payload=not-json', 'payload=a&payload=b']) {
      await expect(check(body, signedHeaders(SECRET, body, FORM, NOW))).resolves.toMatchObject({
        ok: false,
        status: 400,
      });
    }
    for (const body of ['[]', '"x"', '{"challenge":"c"}', '']) {
      await expect(check(body, signedHeaders(SECRET, body, JSON_TYPE, NOW))).resolves.toMatchObject({
        ok: false,
        status: 400,
      });
    }
  });

  it('remembers a command past its timestamp window and Slack’s retries, then forgets it', async () => {
    const replays = new ReplayCache();
    const headers = signedHeaders(SECRET, COMMAND, FORM, NOW);
    expect((await check(COMMAND, headers, replays)).ok).toBe(true);
    await expect(check(COMMAND, headers, replays, NOW + 300)).resolves.toMatchObject({
      reason: 'replayed request',
    });
    // Slack signs a retry anew: the trigger_id still names the same command, 5 minutes on and later.
    const later = NOW + 299 + 300;
    await expect(
      check(
        COMMAND,
        { ...signedHeaders(SECRET, COMMAND, FORM, later), 'x-slack-retry-num': '2' },
        replays,
        later,
      ),
    ).resolves.toMatchObject({ reason: 'replayed request' });
    expect(REQUEST_KEY_TTL_SEC).toBeGreaterThanOrEqual(600);
    const forgotten = NOW + REQUEST_KEY_TTL_SEC + 1;
    expect(
      (await check(COMMAND, signedHeaders(SECRET, COMMAND, FORM, forgotten), replays, forgotten)).ok,
    ).toBe(true);
    expect(replays.size).toBe(1);
  });

  it('does not let a retry header reopen a form request', async () => {
    const replays = new ReplayCache();
    const headers = signedHeaders(SECRET, COMMAND, FORM, NOW);
    expect((await check(COMMAND, headers, replays)).ok).toBe(true);
    await expect(check(COMMAND, { ...headers, 'x-slack-retry-num': '1' }, replays)).resolves.toMatchObject({
      reason: 'replayed request',
    });
  });

  it('knows an event by its event_id: a retry signed anew, later, is answered 200 and not let through', async () => {
    const replays = new ReplayCache();
    const event = (eventId: string) =>
      JSON.stringify({ type: 'event_callback', event_id: eventId, event: { type: 'app_home_opened' } });
    const first = event('Ev0001');
    expect((await check(first, signedHeaders(SECRET, first, JSON_TYPE, NOW), replays)).ok).toBe(true);
    // Slack's body of a retry may differ in what it stamps anew; its event_id does not.
    const retried = `${event('Ev0001')} `;
    const later = NOW + 60;
    await expect(
      check(
        retried,
        { ...signedHeaders(SECRET, retried, JSON_TYPE, later), 'x-slack-retry-num': '1' },
        replays,
        later,
      ),
    ).resolves.toEqual({ ok: false, status: 200, reason: 'event already received' });
    const other = event('Ev0002');
    expect((await check(other, signedHeaders(SECRET, other, JSON_TYPE, later), replays, later)).ok).toBe(
      true,
    );
  });

  it('knows a JSON body without an event_id by its signature, each retry number once', async () => {
    const replays = new ReplayCache();
    for (const body of [
      '{"type":"url_verification","challenge":"c"}',
      '{"type":"event_callback","event_id":7}',
    ]) {
      const headers = signedHeaders(SECRET, body, JSON_TYPE, NOW);
      expect((await check(body, headers, replays)).ok).toBe(true);
      expect((await check(body, { ...headers, 'x-slack-retry-num': '1' }, replays)).ok).toBe(true);
      await expect(check(body, headers, replays)).resolves.toMatchObject({
        status: 401,
        reason: 'replayed request',
      });
    }
  });

  it('answers identical picker searches in the same second, each time', async () => {
    const replays = new ReplayCache();
    const headers = signedHeaders(SECRET, SUGGESTION, FORM, NOW);
    for (let i = 0; i < 3; i += 1) expect((await check(SUGGESTION, headers, replays)).ok).toBe(true);
    expect(replays.size).toBe(0);
  });
});

/** A store shared by replicas, as far as the cache sees it. */
class SharedKeys implements OnceStore {
  readonly keys = new Map<string, number>();
  down = false;
  claimOnce(key: string, expiresAt: Date, now: Date): Promise<boolean> {
    if (this.down) return Promise.reject(new Error('connection refused'));
    const until = this.keys.get(key);
    if (until !== undefined && until > now.getTime()) return Promise.resolve(false);
    this.keys.set(key, expiresAt.getTime());
    return Promise.resolve(true);
  }
  sweepOnceKeys(): Promise<number> {
    return Promise.resolve(0);
  }
}

describe('ReplayCache', () => {
  it('keeps at most its capacity, dropping the oldest first', async () => {
    const cache = new ReplayCache(undefined, 3);
    for (const key of ['a', 'b', 'c', 'd'])
      await expect(cache.claim(key, NOW + 300, NOW)).resolves.toBe(true);
    expect(cache.size).toBe(3);
    await expect(cache.claim('d', NOW + 300, NOW)).resolves.toBe(false);
    await expect(cache.claim('a', NOW + 300, NOW)).resolves.toBe(true);
  });

  it('drops expired entries as new ones come', async () => {
    const cache = new ReplayCache();
    await cache.claim('old', NOW, NOW);
    await cache.claim('new', NOW + 300, NOW + 1);
    expect(cache.size).toBe(1);
  });

  it('recognises a key another replica claimed in the shared store', async () => {
    const keys = new SharedKeys();
    const a = new ReplayCache({ store: keys, log: silentLog });
    const b = new ReplayCache({ store: keys, log: silentLog });
    await expect(a.claim('trigger:1', NOW + 900, NOW)).resolves.toBe(true);
    await expect(b.claim('trigger:1', NOW + 900, NOW + 60)).resolves.toBe(false);
    await expect(b.claim('trigger:2', NOW + 900, NOW + 60)).resolves.toBe(true);
  });

  it('accepts on its own memory when the shared store cannot answer', async () => {
    const keys = new SharedKeys();
    keys.down = true;
    const cache = new ReplayCache({ store: keys, log: silentLog });
    await expect(cache.claim('trigger:1', NOW + 900, NOW)).resolves.toBe(true);
    await expect(cache.claim('trigger:1', NOW + 900, NOW)).resolves.toBe(false);
  });
});
