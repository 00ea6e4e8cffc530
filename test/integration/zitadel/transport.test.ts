import type { Report } from '../../../src/core/operations/contract';
import { mrkdwnText } from '../../../src/slack/ui/text';
import { ctx, failure, type Harness, type HarnessOptions, parseInput, startHarness } from './harness';
import { isUpstreamError, type UpstreamError } from '../../../src/core/errors';

/** The report's lines as Slack shows them. */
const slackLines = (report: Report) => report.lines.map(mrkdwnText);

let h: Harness;
afterEach(() => h.close());

async function upstreamError(promise: Promise<unknown>): Promise<UpstreamError> {
  const err = await failure(promise);
  if (!isUpstreamError(err)) throw new Error(`expected an UpstreamError, got ${String(err)}`);
  return err;
}

const setUp = async (options: HarnessOptions = {}) => {
  h = await startHarness(options);
};

describe('reads', () => {
  beforeEach(() => setUp());

  it.each([4, 8, 10, 14])('are retried on transient code %i and then succeed', async (code) => {
    h.fake.inject('ListExecutions', { kind: 'grpc', code, message: 'busy' }, 2);
    const report = await h.query.run('');
    expect(slackLines(report)).toEqual([]);
    expect(h.fake.requests('ListExecutions')).toHaveLength(3);
    expect(h.log.lines.filter((l) => l.includes('retrying a Zitadel read'))).toHaveLength(2);
  });

  it('give up after the configured number of attempts', async () => {
    h.fake.inject('ListExecutions', { kind: 'grpc', code: 14, message: 'unavailable' }, 10);
    const err = await upstreamError(h.query.run(''));
    expect(err.upstreamCode).toBe('UNAVAILABLE');
    expect(h.fake.requests('ListExecutions')).toHaveLength(3);
  });

  it('are not retried on a code that will not change', async () => {
    h.fake.inject('ListExecutions', { kind: 'grpc', code: 3, message: 'bad' }, 10);
    await upstreamError(h.query.run(''));
    expect(h.fake.requests('ListExecutions')).toHaveLength(1);
  });

  it('are retried after a dropped connection', async () => {
    h.fake.inject('ListExecutions', { kind: 'reset' });
    await h.query.run('');
    expect(h.fake.requests('ListExecutions')).toHaveLength(2);
  });

  it('send the Bearer token and the org header', async () => {
    await h.close();
    await setUp({ config: { orgId: '2698312345678901' } });
    await h.query.run('');
    expect(h.fake.requests('ListExecutions')[0]).toMatchObject({
      authorized: true,
      orgId: '2698312345678901',
      status: 200,
    });
  });
});

describe('timeouts and unreachable servers', () => {
  it('a slow answer becomes a timeout error saying how long Flightdeck waited', async () => {
    await setUp({ config: { timeoutMs: 150, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } } });
    h.fake.inject('ListExecutions', { kind: 'delay', ms: 400 });
    const err = await upstreamError(h.query.run(''));
    expect(err).toMatchObject({
      kind: 'timeout',
      retryable: true,
      ambiguous: false,
      message: 'Zitadel did not answer within 0.15 s.',
    });
  });

  it('a SetExecution whose answer is lost is ambiguous and not retried', async () => {
    await setUp();
    const audit = h.fake.addTarget({ name: 'audit-log' });
    const input = parseInput(h.op, { kind: 'event', scope: 'all', targets: [audit] });
    const preview = await h.op.preview(input);
    h.fake.inject('SetExecution', { kind: 'reset' });
    const err = await upstreamError(h.op.start(input, ctx(), preview.fingerprint));
    expect(err).toMatchObject({ kind: 'network', ambiguous: true, retryable: false });
    expect(err.hint).toContain('may or may not have been applied');
    expect(h.fake.requests('SetExecution')).toHaveLength(1);
  });

  it('a server that is not there says where Flightdeck looked', async () => {
    await setUp();
    await h.fake.close();
    const err = await upstreamError(h.query.run(''));
    expect(err).toMatchObject({ kind: 'network', upstreamCode: 'ECONNREFUSED', ambiguous: false });
    expect(err.message).toBe(`Could not reach Zitadel at ${h.fake.url} (ECONNREFUSED).`);
    expect(err.hint).toContain('ZITADEL_BASE_URL');
  });
});
