import { FakeItential, type FakeWorkflow, scripts } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import { Harness, type HarnessOptions } from './flightdeck-harness';
import { ALICE, CHANNEL, threadShows } from './human-step-suite';
import { HANG_MS, stepReply } from './human-steps';
import type { StoreBackend, StoreFixture } from './stores';
import { type UpstreamBot, upstreamBotPerTest } from './upstream-bot';

/** The password `itentialLoginEnv` logs in with: what must never reach Slack. */
export const ITENTIAL_LOGIN_PASSWORD = 'pw-Sup3r-secret';

/** The bot's environment for `fake`, logging in with a username and password (`/login`). */
export function itentialLoginEnv(fake: FakeItential): Record<string, string> {
  return {
    ITENTIAL_BASE_URL: fake.url,
    ITENTIAL_USERNAME: 'flightdeck',
    ITENTIAL_PASSWORD: ITENTIAL_LOGIN_PASSWORD,
  };
}

/**
 * For each test of the calling describe block, a fresh Itential fake running `workflows`, whose jobs move
 * only when the test advances them, and a bot logging in to it (`itentialLoginEnv`) started with `options`.
 */
export function itentialBotPerTest(
  backend: StoreBackend,
  workflows: FakeWorkflow[],
  options: Omit<HarnessOptions, 'place' | 'env'> = {},
): UpstreamBot<FakeItential> {
  return upstreamBotPerTest(backend, {
    fake: () => new FakeItential({ workflows, advanceOnPoll: false }).start(),
    bot: (fake) => ({ ...options, env: itentialLoginEnv(fake) }),
  });
}

export interface ItentialBotOptions extends Omit<HarnessOptions, 'place' | 'env'> {
  /** Default: "Backup Devices", which runs to success. */
  workflows?: FakeWorkflow[];
  /** The one token the fake accepts as it is, and the bot's ITENTIAL_TOKEN; default `static-token-1`. */
  token?: string;
  /** Off: jobs move only when the test advances them (the fake's default is on). */
  advanceOnPoll?: boolean;
}

export interface ItentialBot {
  db: StoreFixture;
  itential: FakeItential;
  h: Harness;
  /** Stops the bot and the fake, then deletes the data; a Slack passed in stays the caller's to close. */
  close(): Promise<void>;
}

/** The bot on a fresh place of `backend`, with Itential configured against a fake that runs `workflows`. */
export async function startItentialBot(
  backend: StoreBackend,
  options: ItentialBotOptions,
): Promise<ItentialBot> {
  const {
    workflows = [{ name: 'Backup Devices', script: scripts.happy() }],
    token = 'static-token-1',
    advanceOnPoll,
    ...harness
  } = options;
  const db = await backend.open();
  const itential = await new FakeItential({ workflows, staticTokens: [token], advanceOnPoll }).start();
  const h = await Harness.start({
    ...harness,
    place: db,
    env: { ITENTIAL_BASE_URL: itential.url, ITENTIAL_TOKEN: token },
  });
  return {
    db,
    itential,
    h,
    async close() {
      await h.close();
      await itential.close();
      await db.dispose();
    },
  };
}

/** How many jobs of `workflow` the bot asked the fake to start. */
export function jobStarts(itential: FakeItential, workflow: string): number {
  return itential.requests.filter(
    (r) =>
      r.path === '/operations-manager/jobs/start' &&
      (r.body as { workflow?: string } | undefined)?.workflow === workflow,
  ).length;
}

/** The fake's task claims, in the order they came. */
export const taskClaims = (itential: FakeItential) =>
  itential.requests.filter((r) => /^\/operations-manager\/tasks\/[^/]+\/claim$/.test(r.path));

/** The fake's task finishes, in the order they came. */
export const taskFinishes = (itential: FakeItential) =>
  itential.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/finish'));

/**
 * Alice's job of `workflow`, launched through its modal in the human-step suite's channel and advanced to
 * its first wait: the job, the thread's parent, and the reply offering the steps it waits on.
 */
export async function jobAtSteps(bot: UpstreamBot<FakeItential>, workflow: string) {
  const { fake: itential, h } = bot;
  const { view } = await h.commandModal(ALICE, `itential start ${workflow}`, CHANNEL);
  await h.driver.viewSubmission(view, { workflow: { value: workflow, text: workflow } }, ALICE);
  const parent = await h.parentOf(CHANNEL);
  await threadShows(h, parent.ts, (t) => t.some((x) => x.includes('Started')));
  const jobId = await waitFor(() => [...itential.jobs.keys()][0], HANG_MS);
  itential.advance(jobId);
  return { jobId, parent, reply: await stepReply(h, CHANNEL, parent.ts) };
}
