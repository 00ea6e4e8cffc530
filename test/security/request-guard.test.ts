import { ReplayCache } from '../../src/slack/replay-cache';
import { guardSlackRequest, type Verdict } from '../../src/slack/request-guard';
import { FORM, JSON_TYPE, signedHeaders } from './raw-slack';

const SECRET = 'unit-signing-secret';
const NOW = 1_800_000_000;
const COMMAND = 'command=%2Fops&text=help&user_id=U1';

function check(
  body: string,
  headers: Record<string, string | string[]>,
  replays = new ReplayCache(),
  nowSec = NOW,
): Verdict {
  return guardSlackRequest(
    { headers, rawBody: Buffer.from(body) },
    { signingSecret: SECRET, nowSec, replays },
  );
}

describe('guardSlackRequest', () => {
  it('accepts timestamps exactly 300 s either side of now, and nothing beyond', () => {
    for (const [offset, ok] of [
      [-300, true],
      [300, true],
      [-301, false],
      [301, false],
    ] as const) {
      expect(check(COMMAND, signedHeaders(SECRET, COMMAND, FORM, NOW + offset)).ok).toBe(ok);
    }
  });

  it('refuses a header sent twice', () => {
    const headers = signedHeaders(SECRET, COMMAND, FORM, NOW);
    const sig = headers['x-slack-signature'] ?? '';
    expect(check(COMMAND, { ...headers, 'x-slack-signature': [sig, sig] })).toEqual({
      ok: false,
      status: 401,
      reason: 'missing signature',
    });
  });

  it('refuses a signed form without a command or a typed payload, and a signed JSON body that is not an object', () => {
    for (const body of ['text=help', 'payload=%7B%7D', 'payload=not-json', 'payload=a&payload=b']) {
      expect(check(body, signedHeaders(SECRET, body, FORM, NOW))).toMatchObject({ ok: false, status: 400 });
    }
    for (const body of ['[]', '"x"', '{"challenge":"c"}', '']) {
      expect(check(body, signedHeaders(SECRET, body, JSON_TYPE, NOW))).toMatchObject({
        ok: false,
        status: 400,
      });
    }
  });

  it('remembers a signature until its timestamp is stale, then forgets it', () => {
    const replays = new ReplayCache();
    const headers = signedHeaders(SECRET, COMMAND, FORM, NOW);
    expect(check(COMMAND, headers, replays).ok).toBe(true);
    expect(check(COMMAND, headers, replays, NOW + 300)).toMatchObject({ reason: 'replayed request' });
    expect(replays.size).toBe(1);
    // Past the window the timestamp itself is refused, so the entry is no longer needed.
    expect(check(COMMAND, headers, replays, NOW + 301)).toMatchObject({ reason: 'stale timestamp' });
  });

  it('does not let a retry header reopen a form request', () => {
    const replays = new ReplayCache();
    const headers = signedHeaders(SECRET, COMMAND, FORM, NOW);
    expect(check(COMMAND, headers, replays).ok).toBe(true);
    expect(check(COMMAND, { ...headers, 'x-slack-retry-num': '1' }, replays)).toMatchObject({
      reason: 'replayed request',
    });
  });
});

describe('ReplayCache', () => {
  it('keeps at most its capacity, dropping the oldest first', () => {
    const cache = new ReplayCache(3);
    for (const key of ['a', 'b', 'c', 'd']) expect(cache.claim(key, NOW + 300, NOW)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.claim('d', NOW + 300, NOW)).toBe(false);
    expect(cache.claim('a', NOW + 300, NOW)).toBe(true);
  });

  it('drops expired entries as new ones come', () => {
    const cache = new ReplayCache();
    cache.claim('old', NOW, NOW);
    cache.claim('new', NOW + 300, NOW + 1);
    expect(cache.size).toBe(1);
  });
});
