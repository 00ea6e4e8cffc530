import { crashScenePerBlock } from './support/crash-scene';
import { seedRuns, startJobs } from './support/seed-runs';
import { allDelivered, threadOf } from './support/threads';
import { ITENTIAL_TOKEN, WORKFLOW } from './support/world';

const RUNS = 40;

/**
 * A bot process dies (SIGKILL) while 40 runs are in flight, some of its posts accepted by Slack but not yet
 * recorded (their answers are held back); a new process on the same store finishes every run, and every
 * thread shows each transition once and its final status once.
 */
describe('a bot killed mid-flight and started again', () => {
  const scene = crashScenePerBlock(RUNS);

  it('ends every thread with its final status exactly once, adopting the posts Slack took before the crash', async () => {
    const { world, store } = scene;
    const jobs = await startJobs(world.itential.url, ITENTIAL_TOKEN, WORKFLOW, RUNS);
    const ids = await seedRuns(
      store,
      jobs.map((jobId, i) => ({ jobId, channelId: world.channels[i] ?? '', workflow: WORKFLOW })),
    );

    // Slack keeps taking posts, but after the first 30 the bot never hears back: the crash window.
    world.proxy.holdAnswers('chat.postMessage', 30);
    const first = await scene.startBot('bot-1');
    await world.proxy.answersHeld(10, 'ten posts in the crash window', 30_000);
    await first.kill();
    const held = world.proxy.heldCount;

    world.proxy.holdAnswers('chat.postMessage', Number.POSITIVE_INFINITY);
    await scene.startBot('bot-2');
    // The killed process's runs wait out its lease (FAULT_ENGINE.leaseMs, postHoldMs) before bot-2 takes them over.
    const runs = await allDelivered(store, ids, 90_000);

    for (const run of runs) {
      const thread = threadOf(world.slack, run);
      expect({ run: run.id, state: run.state }).toEqual({ run: run.id, state: 'succeeded' });
      expect({ run: run.id, parents: thread.parents }).toEqual({ run: run.id, parents: 1 });
      expect({ run: run.id, seqs: thread.seqs }).toEqual({
        run: run.id,
        seqs: Array.from({ length: run.seq }, (_, i) => i + 1),
      });
      expect({ run: run.id, succeeded: thread.repliesWith('Succeeded') }).toEqual({
        run: run.id,
        succeeded: 1,
      });
      expect(thread.parentText).toContain('Succeeded');
    }
    // The window was really hit, and what landed in it was found rather than posted again.
    expect(held).toBeGreaterThanOrEqual(10);
    const lookups =
      world.proxy.callsOf('conversations.replies').length +
      world.proxy.callsOf('conversations.history').length;
    expect(lookups).toBeGreaterThanOrEqual(held);
  }, 180_000);
});
