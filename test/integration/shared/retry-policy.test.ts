import type { Log } from '../../../src/core/kit/log';
import { CallPolicy, type CallKind, retryPolicy } from '../../../src/integrations/shared/retry-policy';
import { UpstreamError } from '../../../src/core/errors';

const settings = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 };

const upstream = (retryable: boolean) =>
  new UpstreamError({
    system: 'test',
    action: 'read',
    kind: 'http',
    message: retryable ? 'busy' : 'bad',
    hint: 'h',
    retryable,
  });

function recordingLog(): Log & { warnings: { obj: object; msg?: string }[] } {
  const warnings: { obj: object; msg?: string }[] = [];
  const log: Log & { warnings: typeof warnings } = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => warnings.push({ obj, msg }),
    error: () => undefined,
    child: () => log,
  };
  return log;
}

async function attemptsUntilSettled(fail: () => Error, policy = retryPolicy(settings, (e) => e.retryable)) {
  let attempts = 0;
  const outcome = await policy
    .execute(() => {
      attempts += 1;
      throw fail();
    })
    .catch((err: unknown) => err);
  return { attempts, outcome };
}

describe('retryPolicy', () => {
  it('tries an accepted error up to maxAttempts in all, then gives it to the caller', async () => {
    const { attempts, outcome } = await attemptsUntilSettled(() => upstream(true));
    expect(attempts).toBe(3);
    expect(outcome).toBeInstanceOf(UpstreamError);
  });

  it('does not retry what the predicate refuses, nor errors that are not UpstreamErrors', async () => {
    expect((await attemptsUntilSettled(() => upstream(false))).attempts).toBe(1);
    expect((await attemptsUntilSettled(() => new Error('bug'))).attempts).toBe(1);
  });

  it('returns the first success', async () => {
    let attempts = 0;
    const value = await retryPolicy(settings, () => true).execute(() => {
      attempts += 1;
      if (attempts < 2) throw upstream(true);
      return 'done';
    });
    expect([value, attempts]).toEqual(['done', 2]);
  });

  it('logs each retry with the reason, when given a log', async () => {
    const log = recordingLog();
    const policy = retryPolicy(settings, () => true, { log, message: 'retrying a Test read' });
    await attemptsUntilSettled(() => upstream(true), policy);
    expect(log.warnings).toHaveLength(2);
    expect(log.warnings[0]).toEqual({
      obj: { attempt: 1, delayMs: expect.any(Number) as unknown, reason: 'busy' },
      msg: 'retrying a Test read',
    });
  });

  it('a single attempt never retries', async () => {
    const policy = retryPolicy({ ...settings, maxAttempts: 1 }, () => true);
    expect((await attemptsUntilSettled(() => upstream(true), policy)).attempts).toBe(1);
  });
});

describe('CallPolicy: reads retried, writes sent once', () => {
  const calls = new CallPolicy(settings, (e) => e.retryable);

  async function attempts(kind: CallKind): Promise<number> {
    let count = 0;
    await calls
      .run(kind, () => {
        count += 1;
        return Promise.reject(upstream(true));
      })
      .catch(() => undefined);
    return count;
  }

  it('retries a read while the error is transient', async () => {
    expect(await attempts({ write: false })).toBe(3);
  });

  it('sends a write once, whatever the error', async () => {
    expect(await attempts({ write: true })).toBe(1);
  });

  it('sends a read marked once a single time', async () => {
    expect(await attempts({ write: false, once: true })).toBe(1);
  });
});
