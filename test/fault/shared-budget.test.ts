import { steps } from '../fakes/itential';
import { acceleratedTiers, SLACK_TIERS } from '../fakes/slack';
import { storeBackends, type StorePlace } from '../support/stores';
import type { Store } from '../../src/core/store';
import { BotProcess, buildBot } from './support/bot-process';
import { seedRuns, startJobs } from './support/seed-runs';
import { allDelivered, threadOf } from './support/threads';
import { TaggingProxy, type UpstreamCall } from './support/upstream-log';
import { FAULT_SPEED, FaultWorld, ITENTIAL_TOKEN, WORKFLOW } from './support/world';

/** More runs than Tier 3 allows status-line edits in a minute (50): each run's final state needs one. */
const RUNS = 80;
const CHANNELS = 20;
const TIER_3_PER_MINUTE = 50;
const JOB_PATH = /^\/operations-manager\/jobs\/[0-9a-f]{24}$/;
const postgres = storeBackends().find((b) => b.name === 'postgres');

/** One task change (posted with its parent), then done: the final state edits a posted status line. */
const script = [steps.running('inventory', 0.5), steps.complete()];

/**
 * Two bot processes on one PostgreSQL and one fake Slack that enforces Slack's tiers with 429s. Slack's
 * time runs FAULT_SPEED times faster in the fake and in both bots' budgets alike (a Tier 3 minute lasts
 * 60 / FAULT_SPEED seconds), so the test asks the same of the budget whatever the machine's speed. Each
 * bot alone may make 49 edits a minute; two spending their own budgets would make 98 against Slack's 50.
 */
(postgres ? describe : describe.skip)('two bot processes sharing the Slack budget on one PostgreSQL', () => {
  let entry: string;
  let world: FaultWorld;
  let place: StorePlace;
  let store: Store;
  const upstream: UpstreamCall[] = [];
  const proxies: TaggingProxy[] = [];
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    if (!postgres) return;
    entry = buildBot();
    world = await FaultWorld.start({
      channels: CHANNELS,
      script,
      tiers: acceleratedTiers(SLACK_TIERS, FAULT_SPEED),
    });
    place = await postgres.place();
    store = await place.openStore();
  });
  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.stop()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await world.close();
    await place.dispose();
  });

  async function startBot(owner: string): Promise<void> {
    const proxy = await TaggingProxy.start(world.itential.url, owner, upstream);
    proxies.push(proxy);
    bots.push(await BotProcess.start(entry, world.botEnv(owner, place, proxy.url), world.logFile(owner)));
  }

  it('keeps both within one budget: no 429, every final state in its thread once, every status line final', async () => {
    const jobs = await startJobs(world.itential.url, ITENTIAL_TOKEN, WORKFLOW, RUNS);
    const ids = await seedRuns(
      store,
      jobs.map((jobId, i) => ({ jobId, channelId: world.channels[i % CHANNELS] ?? '', workflow: WORKFLOW })),
    );
    await Promise.all([startBot('bot-a'), startBot('bot-b')]);

    const runs = await allDelivered(store, ids, 90_000);

    const polled = (tag: string) => upstream.filter((c) => c.tag === tag && JOB_PATH.test(c.path)).length;
    expect(polled('bot-a')).toBeGreaterThan(0);
    expect(polled('bot-b')).toBeGreaterThan(0);
    const calls = world.slack.calls();
    expect(calls.filter((c) => c.status === 429).map((c) => c.method)).toEqual([]);
    const edits = calls.filter((c) => c.method === 'chat.update' && c.status === 200);
    expect(edits.length).toBeGreaterThan(TIER_3_PER_MINUTE);
    for (const run of runs) {
      const thread = threadOf(world.slack, run);
      expect({
        run: run.id,
        parents: thread.parents,
        seqs: thread.seqs,
        succeeded: thread.repliesWith('Succeeded'),
      }).toEqual({
        run: run.id,
        parents: 1,
        seqs: Array.from({ length: run.seq }, (_, i) => i + 1),
        succeeded: 1,
      });
      expect(thread.parentText).toContain('Succeeded');
    }
  }, 150_000);
});
