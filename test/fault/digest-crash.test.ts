import { DigestCron } from '../../src/core/digest/cron';
import { dueWindow } from '../../src/core/digest/due-window';
import { DIGEST_EVENT } from '../../src/slack/slack-digest-publisher';
import type { FakeMessage } from '../fakes/slack';
import { digestSchedule } from '../digest/schedules';
import { seedRun } from '../digest/seed';
import { eventually } from '../support/eventually';
import type { DigestOverrides } from './support/bot-contract';
import { crashScenePerBlock } from './support/crash-scene';

const FAILED_RUNS = 120;
const CRON = '0 0 * * *';

/** A scheduler that looks often, and takes over a dead process's window 2 s after its last record. */
const FAST_DIGESTS: DigestOverrides = { tickMs: 100, leaseMs: 2_000, retryMs: 300 };

/** The part number a digest message carries in its metadata, if it is one. */
function partOf(message: FakeMessage): number | undefined {
  const payload = message.metadata?.event_payload as { part?: unknown } | undefined;
  return message.metadata?.event_type === DIGEST_EVENT && typeof payload?.part === 'number'
    ? payload.part
    : undefined;
}

/**
 * A bot process dies (SIGKILL) in the middle of a digest of several messages: Slack took its second part,
 * but the answer never reached the bot. A new process on the same store takes the window over, finds that
 * part in the thread by its metadata, and posts the rest: every part ends in the channel exactly once.
 */
describe('a bot killed between two parts of a digest and started again', () => {
  const scene = crashScenePerBlock(1);
  const startBot = (owner: string) => scene.startBot(owner, { FD_DIGESTS: JSON.stringify(FAST_DIGESTS) });

  it('posts each part exactly once, adopting the part Slack took before the crash', async () => {
    const { world, store } = scene;
    const channelId = world.channels[0] ?? '';
    const now = new Date();
    const createdAt = new Date(now.getTime() - 25 * 3_600_000);
    const due = dueWindow(new DigestCron(CRON, 'UTC'), createdAt, null, now);
    if (!due) throw new Error('no window due');
    for (let i = 0; i < FAILED_RUNS; i += 1) {
      const at = new Date(due.end.getTime() - 3_600_000 + i * 1_000);
      await seedRun(
        store,
        { channelId, createdAt: at },
        {
          state: 'failed',
          startedAt: at,
          finishedAt: new Date(at.getTime() + 30_000),
          problem: {
            title: 'Itential: job failed',
            message: `task ${String(i)} failed: the adapter did not answer within 30 seconds`,
          },
        },
      );
    }
    const schedule = digestSchedule({ id: 'crash001', channelId, cron: CRON, timeZone: 'UTC', createdAt });
    await store.createDigestSchedule(schedule);

    // Slack answers the first part; it takes the second but the bot never hears back: the crash window.
    world.proxy.holdAnswers('chat.postMessage', 1);
    const first = await startBot('bot-1');
    await world.proxy.answersHeld(1, 'the second part in the crash window', 30_000);
    await first.kill();
    expect(partsIn(channelId)).toEqual([0, 1]);

    world.proxy.holdAnswers('chat.postMessage', Number.POSITIVE_INFINITY);
    await startBot('bot-2');
    const window = await eventually(
      async () => {
        const [overview] = await store.listDigestSchedules({ channelId });
        return overview?.lastWindow?.postedAt ? overview.lastWindow : undefined;
      },
      'the digest posted',
      30_000,
    );

    const parts = partsIn(channelId);
    expect(window.partsPosted).toBeGreaterThanOrEqual(3);
    expect(parts).toEqual(Array.from({ length: window.partsPosted }, (_, i) => i));
    expect(world.proxy.callsOf('conversations.replies', channelId).length).toBeGreaterThanOrEqual(1);
    const [top] = world.slack.messages(channelId).filter((m) => partOf(m) === 0);
    expect(top?.metadata?.event_payload).toEqual({
      schedule_id: 'crash001',
      window_id: due.end.toISOString(),
      part: 0,
    });
  }, 90_000);

  /** The part numbers of the digest messages in the channel and in their threads, in order. */
  function partsIn(channelId: string): number[] {
    const { world } = scene;
    const tops = world.slack.messages(channelId).filter((m) => partOf(m) !== undefined);
    return tops
      .flatMap((top) => [top, ...world.slack.thread(channelId, top.ts).filter((m) => m.ts !== top.ts)])
      .map((m) => partOf(m) ?? -1)
      .sort((a, b) => a - b);
  }
});
