import type { Clock } from '../../../src/core/kit/clock';
import { TtlCache } from '../../../src/core/kit/ttl-cache';

function manualClock(): Clock & { advance(ms: number): void } {
  let now = Date.parse('2025-01-01T00:00:00Z');
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TtlCache: stored values', () => {
  it('keeps a value while it is younger than ttlMs', () => {
    const clock = manualClock();
    const cache = new TtlCache<string, number>({ clock, ttlMs: 1_000 });
    cache.set('a', 1);
    clock.advance(999);
    expect(cache.get('a')).toBe(1);
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops the entries stored longest ago past maxEntries; storing again counts as new', () => {
    const cache = new TtlCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([10, undefined, 3]);
  });

  it('lists fresh entries, the most recent first', () => {
    const clock = manualClock();
    const cache = new TtlCache<string, number>({ clock, ttlMs: 100 });
    cache.set('old', 1);
    clock.advance(60);
    cache.set('mid', 2);
    cache.set('new', 3);
    clock.advance(50);
    expect([...cache.fresh()]).toEqual([
      ['new', 3],
      ['mid', 2],
    ]);
  });

  it('keeps values forever, unbounded, without options', () => {
    const cache = new TtlCache<number, number>();
    for (let i = 0; i < 10_000; i++) cache.set(i, i);
    expect(cache.get(0)).toBe(0);
  });
});

describe('TtlCache: loads', () => {
  it('shares one call between concurrent loads of a key, then serves it until it is stale', async () => {
    const clock = manualClock();
    const cache = new TtlCache<string, string>({ clock, ttlMs: 1_000 });
    let calls = 0;
    const loader = () => Promise.resolve(`v${++calls}`);
    expect(await Promise.all([cache.load('k', loader), cache.load('k', loader)])).toEqual(['v1', 'v1']);
    expect(await cache.load('k', loader)).toBe('v1');
    clock.advance(1_000);
    expect(await cache.load('k', loader)).toBe('v2');
    expect(calls).toBe(2);
  });

  it('counts a value’s age from when its load started', async () => {
    const clock = manualClock();
    const cache = new TtlCache<string, string>({ clock, ttlMs: 1_000 });
    const slow = deferred<string>();
    const first = cache.load('k', () => slow.promise);
    clock.advance(600);
    slow.resolve('v1');
    await first;
    clock.advance(400);
    expect(await cache.load('k', () => Promise.resolve('v2'))).toBe('v2');
  });

  it('does not keep a failed load: the next caller tries again', async () => {
    const cache = new TtlCache<string, string>();
    await expect(cache.load('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.load('k', () => Promise.resolve('up'))).toBe('up');
  });

  it('a key forgotten while it loads stays forgotten, and the next load starts afresh', async () => {
    const cache = new TtlCache<string, string>();
    const slow = deferred<string>();
    const first = cache.load('k', () => slow.promise);
    cache.forget('k');
    const second = cache.load('k', () => Promise.resolve('fresh'));
    slow.resolve('stale');
    expect(await first).toBe('stale');
    expect(await second).toBe('fresh');
    expect(cache.get('k')).toBe('fresh');
  });
});

describe('TtlCache.last', () => {
  it('keeps the last value as a fallback once it is stale, and nothing for a key never stored', () => {
    let now = 0;
    const cache = new TtlCache<string, number>({ ttlMs: 10, clock: { now: () => new Date(now) } });
    cache.set('a', 1);
    now = 50;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.last('a')).toBe(1);
    expect(cache.last('b')).toBeUndefined();
  });
});
