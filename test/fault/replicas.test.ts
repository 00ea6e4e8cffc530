import { steps } from '../fakes/itential';
import { storeBackends } from '../support/stores';
import { seedRuns, startJobs } from './support/seed-runs';
import { allDelivered, threadOf } from './support/threads';
import { overlapping } from './support/upstream-log';
import { useReplicaSet } from './support/replica-set';
import { ITENTIAL_TOKEN, WORKFLOW } from './support/world';

const RUNS = 30;
const JOB_PATH = /^\/operations-manager\/jobs\/[0-9a-f]{24}$/;
const postgres = storeBackends().find((b) => b.name === 'postgres');

/** Each poll moves the job on: five task changes, then done. */
const script = [
  steps.running('inventory', 0.1),
  steps.running('backUpDevice', 0.3),
  steps.running('diffConfig', 0.5),
  steps.running('pushConfig', 0.7),
  steps.running('verify', 0.9),
  steps.complete(),
];

/**
 * Two bot processes on one PostgreSQL share 30 runs; one of them is killed halfway. Every request a
 * process makes to Itential goes through a proxy that tags it with the process, so the test can check
 * that no job was ever being polled by both at once, and every thread shows each transition once.
 */
(postgres ? describe : describe.skip)('two bot processes on one PostgreSQL', () => {
  const replicas = useReplicaSet(postgres, { channels: RUNS, script, latencyMs: 25 });

  it('polls each run from one process at a time, takes over a dead one’s runs, posts each transition once', async () => {
    const { world, store, upstream, startBot } = replicas;
    const jobs = await startJobs(world.itential.url, ITENTIAL_TOKEN, WORKFLOW, RUNS);
    const ids = await seedRuns(
      store,
      jobs.map((jobId, i) => ({ jobId, channelId: world.channels[i] ?? '', workflow: WORKFLOW })),
    );
    const [a] = await Promise.all([startBot('bot-a'), startBot('bot-b')]);
    const polls = (tag: string) => upstream.filter((c) => c.tag === tag && JOB_PATH.test(c.path)).length;
    await waitUntil(() => polls('bot-a') + polls('bot-b') >= RUNS * 2, 30_000, 'a third of the polls');
    await a.bot.kill();
    // Requests the killed process had already written may still reach the proxy just after it died.
    await a.proxy.quiet();
    const aPolls = polls('bot-a');

    const runs = await allDelivered(store, ids, 45_000);

    expect(overlapping(upstream, JOB_PATH)).toEqual([]);
    expect(aPolls).toBeGreaterThan(0);
    expect(polls('bot-b')).toBeGreaterThan(0);
    expect(polls('bot-a')).toBe(aPolls);
    for (const run of runs) {
      const thread = threadOf(world.slack, run);
      expect({ run: run.id, state: run.state, parents: thread.parents }).toEqual({
        run: run.id,
        state: 'succeeded',
        parents: 1,
      });
      // A poll whose answer died with its process is not recorded: the run may skip a task, never repeat one.
      expect({ run: run.id, seqs: thread.seqs }).toEqual({
        run: run.id,
        seqs: Array.from({ length: run.seq }, (_, i) => i + 1),
      });
      expect(run.seq).toBeGreaterThanOrEqual(5);
      expect(thread.repliesWith('Succeeded')).toBe(1);
      expect(thread.parentText).toContain('Succeeded');
    }
  }, 75_000);
});

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
