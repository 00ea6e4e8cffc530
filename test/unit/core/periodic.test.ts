import { Periodic } from '../../../src/core/kit/periodic';
import type { Log } from '../../../src/core/kit/log';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordingLog(): Log & { errors: string[] } {
  const log = {
    errors: [] as string[],
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (_obj: object, msg?: string) => void log.errors.push(msg ?? ''),
    child: () => log,
  };
  return log;
}

describe('Periodic', () => {
  it('runs passes one after another, keeps going after a failure, and stop waits for the pass under way', async () => {
    const log = recordingLog();
    let passes = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    let fourPasses!: () => void;
    const fourth = new Promise<void>((resolve) => (fourPasses = resolve));
    const loop = new Periodic(
      'test pass',
      5,
      async () => {
        passes += 1;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(3);
        concurrent -= 1;
        if (passes === 4) fourPasses();
        if (passes === 2) throw new Error('boom');
      },
      log,
    );
    loop.start();
    await fourth;
    await loop.stop();
    const after = passes;
    await sleep(30);
    expect(after).toBeGreaterThanOrEqual(4);
    expect(passes).toBe(after);
    expect(maxConcurrent).toBe(1);
    expect(concurrent).toBe(0);
    expect(log.errors).toEqual(['test pass failed']);
  });

  it('nudge runs a pass now instead of waiting for the interval', async () => {
    let passes = 0;
    const loop = new Periodic('slow', 60_000, async () => void (passes += 1), recordingLog());
    loop.start();
    await sleep(20);
    expect(passes).toBe(1);
    loop.nudge();
    await sleep(20);
    expect(passes).toBe(2);
    await loop.stop();
  });
});
