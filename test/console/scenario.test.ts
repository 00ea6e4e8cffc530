import { Script } from '../../src/demo/scenario';

describe('demo scripts', () => {
  test('a step lasts at least stepMs, is never skipped, and the last one stays', () => {
    let now = 0;
    const script = new Script(['a', 'b', 'c'], { stepMs: 100, now: () => now });
    expect(script.look()).toBe('a');
    now = 50;
    expect(script.look()).toBe('a');
    now = 1_000;
    // Long unseen: still one step per look.
    expect(script.look()).toBe('b');
    expect(script.look()).toBe('b');
    now = 1_100;
    expect(script.look()).toBe('c');
    now = 5_000;
    expect(script.look()).toBe('c');
    expect(script.finished).toBe(true);
  });

  test('a held step stays until it is released, and the next look shows the step after it', () => {
    let now = 0;
    const script = new Script(['a', 'wait', 'b', 'c'], { stepMs: 0, now: () => now }, (s) => s === 'wait');
    expect(script.look()).toBe('a');
    expect(script.look()).toBe('wait');
    now = 10_000;
    expect(script.look()).toBe('wait');
    expect(script.held).toBe(true);
    script.release();
    expect(script.look()).toBe('b');
    script.release();
    expect(script.look()).toBe('c');
  });
});
