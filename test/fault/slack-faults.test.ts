import { scripts, steps, type JobScript } from '../fakes/itential';
import { Harness } from '../support/flightdeck-harness';
import { storeBackends, type StorePlace } from '../support/stores';
import type { RunRecord } from '../../src/core/runs/run-store';
import type { ProxiedCall } from './support/slack-proxy';
import { seedRuns, startJobs } from './support/seed-runs';
import { allDelivered, threadOf } from './support/threads';
import { FAULT_ENGINE, FaultWorld, ITENTIAL_TOKEN } from './support/world';

const sqlite = storeBackends().find((b) => b.name === 'sqlite');
if (!sqlite) throw new Error('the embedded store is always available');

/** Bounds for a hang, not for speed: runs, Slack's pacing and Retry-After waits stretch on a loaded machine. */
const HANG_MS = 40_000;
jest.setTimeout(3 * HANG_MS);

const POST = 'chat.postMessage';
const EDIT = 'chat.update';

/**
 * Slack answering 429 and ok:false, per channel, to one bot (in this process, on the embedded store).
 * The proxy in front of the fake Slack injects the answers and records every call with its time.
 */
describe('Slack rate limits and refusals', () => {
  let world: FaultWorld;
  let place: StorePlace;
  let h: Harness;
  let workflows = 0;

  beforeAll(async () => {
    world = await FaultWorld.start({ channels: 12, script: scripts.happy() });
    place = await sqlite.place();
    h = await Harness.start({
      place,
      slack: world.slack,
      env: {
        SLACK_API_URL: world.proxy.apiUrl,
        ITENTIAL_BASE_URL: world.itential.url,
        ITENTIAL_TOKEN,
      },
      engine: FAULT_ENGINE,
    });
  });
  afterAll(async () => {
    await h.close();
    await world.close();
    await place.dispose();
  });
  afterEach(() => world.proxy.heal());

  /** Starts one job per channel (following `script`) and hands the bot a run for each. */
  async function runsIn(channels: string[], script: JobScript = scripts.happy()): Promise<string[]> {
    workflows += 1;
    const workflow = `Fault workflow ${String(workflows)}`;
    world.itential.addWorkflow({ name: workflow, script });
    const jobs = await startJobs(world.itential.url, ITENTIAL_TOKEN, workflow, channels.length);
    return seedRuns(
      h.bot.store,
      jobs.map((jobId, i) => ({ jobId, channelId: channels[i] ?? '', workflow })),
    );
  }

  const channel = (i: number) => world.channels[i] ?? '';
  const after = (calls: ProxiedCall[], t: number) => calls.filter((c) => c.at > t);

  it('waits out a 429 in its channel for Retry-After while other channels go on posting', async () => {
    const limited = channel(0);
    const others = [channel(1), channel(2), channel(3)];
    world.proxy.fail(POST, limited, { kind: 'rate_limited', retryAfterSec: 2 }, 1);
    const [limitedRun, ...otherRuns] = await runsIn([limited, ...others]);

    const otherDone = await allDelivered(h.bot.store, otherRuns, HANG_MS);
    const [limitedAnswer] = world.proxy.callsOf(POST, limited);
    expect(limitedAnswer?.answer).toBe('rate_limited');
    const t429 = limitedAnswer?.at ?? 0;
    expect(otherDone.every((r) => r.state === 'succeeded')).toBe(true);

    const [run] = await allDelivered(h.bot.store, [limitedRun ?? ''], HANG_MS);
    const retried = after(world.proxy.callsOf(POST, limited), t429);
    expect(retried.length).toBeGreaterThan(0);
    const firstRetry = Math.min(...retried.map((c) => c.at));
    expect(firstRetry - t429).toBeGreaterThanOrEqual(2_000);
    // The other channels kept posting while the limited one waited (a client-wide pause would stop them).
    const duringPause = others
      .flatMap((c) => world.proxy.callsOf(POST, c))
      .filter((p) => p.at > t429 && p.at < firstRetry);
    expect(duringPause.length).toBeGreaterThan(0);
    if (!run) throw new Error('run missing');
    const thread = threadOf(world.slack, run);
    expect(thread.parents).toBe(1);
    expect(thread.seqs).toEqual(Array.from({ length: run.seq }, (_, i) => i + 1));
    expect(run.notifyProblem).toBeNull();
  });

  it('waits out a 429 on a status-line edit and still shows the final state', async () => {
    const limited = channel(4);
    world.proxy.fail(EDIT, limited, { kind: 'rate_limited', retryAfterSec: 1 }, 1);
    const [id] = await runsIn([limited]);
    const [run] = await allDelivered(h.bot.store, [id ?? ''], HANG_MS);
    const edits = world.proxy.callsOf(EDIT, limited);
    const t429 = edits.find((c) => c.answer === 'rate_limited')?.at ?? 0;
    expect(t429).toBeGreaterThan(0);
    expect(Math.min(...after(edits, t429).map((c) => c.at)) - t429).toBeGreaterThanOrEqual(1_000);
    if (!run) throw new Error('run missing');
    expect(threadOf(world.slack, run).parentText).toContain('Succeeded');
  });

  it('keeps tracking runs whose channel refuses posts, records why, retries slowly, and catches up once fixed', async () => {
    const codes = ['channel_not_found', 'not_in_channel', 'is_archived'] as const;
    const channels = codes.map((_, i) => channel(5 + i));
    codes.forEach((code, i) => world.proxy.fail(POST, channels[i] ?? '', { kind: 'error', error: code }));
    const ids = await runsIn(channels);

    // Tracking goes on: every run reaches its final state while Slack refuses its posts.
    const refused = await waitForRuns(h, ids, (r) => r.state === 'succeeded' && r.notifyProblem !== null);
    expect(refused.map((r) => r.notifyProblem?.code)).toEqual([...codes]);
    expect(refused.every((r) => r.notifyProblem?.permanent)).toBe(true);
    for (const code of codes) expect(h.logs.lines.some((l) => l.includes(code))).toBe(true);

    // Slow schedule: with retries every 500 ms, 1.5 s sees a few attempts per channel, not one per tick.
    const t = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const c of channels) expect(after(world.proxy.callsOf(POST, c), t).length).toBeLessThanOrEqual(4);

    world.proxy.heal();
    const delivered = await allDelivered(h.bot.store, ids, HANG_MS);
    for (const run of delivered) {
      const thread = threadOf(world.slack, run);
      expect(thread.parents).toBe(1);
      expect(thread.seqs).toEqual(Array.from({ length: run.seq }, (_, i) => i + 1));
      expect(thread.parentText).toContain('Succeeded');
      expect(run.notifyProblem).toBeNull();
    }
  });

  it('records message_not_found on the status line, keeps posting replies, and fixes the line once it can', async () => {
    const c = channel(8);
    world.proxy.fail(EDIT, c, { kind: 'error', error: 'message_not_found' });
    const [id] = await runsIn([c]);
    const [refused] = await waitForRuns(
      h,
      [id ?? ''],
      (r) => r.state === 'succeeded' && r.notifiedSeq === r.seq && r.notifyProblem !== null,
    );
    expect(refused?.notifyProblem).toMatchObject({ code: 'message_not_found', permanent: true });
    expect(refused?.parentSeq).toBeLessThan(refused?.seq ?? 0);
    world.proxy.heal();
    const [run] = await allDelivered(h.bot.store, [id ?? ''], HANG_MS);
    expect(run?.notifyProblem).toBeNull();
    if (run) expect(threadOf(world.slack, run).parentText).toContain('Succeeded');
  });

  it('paces posts in a channel and coalesces status-line edits, at most two calls per state change', async () => {
    const c = channel(9);
    const script = [
      steps.running('a', 0.1),
      steps.running('b', 0.2),
      steps.running('c', 0.3),
      steps.running('d', 0.4),
      steps.running('e', 0.5),
      steps.complete(),
    ];
    const [id] = await runsIn([c], script);
    const [run] = await allDelivered(h.bot.store, [id ?? ''], HANG_MS);
    if (!run) throw new Error('run missing');
    const posts = world.proxy.callsOf(POST, c);
    const edits = world.proxy.callsOf(EDIT, c);
    expect(posts).toHaveLength(run.seq + 1);
    // Four at once, then about one a second.
    posts.slice(4).forEach((p, i) => {
      expect(p.at - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual((i + 1) * 1_000 - 50);
    });
    for (let i = 1; i < edits.length; i += 1) {
      expect((edits[i]?.at ?? 0) - (edits[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(300 - 50);
    }
    expect(edits.length).toBeLessThan(run.seq);
    expect(posts.length + edits.length).toBeLessThanOrEqual(2 * run.seq);
    expect(threadOf(world.slack, run).parentText).toContain('Succeeded');
  });
});

/** Waits until every run satisfies `ready`. */
async function waitForRuns(
  h: Harness,
  ids: string[],
  ready: (run: RunRecord) => boolean,
  timeoutMs = HANG_MS,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await Promise.all(ids.map((id) => h.bot.store.getRun(id)));
    if (runs.every((r) => r && ready(r))) return runs.filter((r): r is RunRecord => r !== undefined);
    if (Date.now() > deadline)
      throw new Error(`runs not ready: ${JSON.stringify(runs.map((r) => [r?.state, r?.notifyProblem]))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
