import { FakeItential, steps } from '../test/fakes/itential';
import { startJobs } from '../test/fault/support/seed-runs';
import { busiestSecond } from '../test/fault/support/busiest-second';
import { TaggingProxy, type UpstreamCall } from '../test/fault/support/upstream-log';
import { serveChild } from './support/child-main';
import { trackingFakeRequest, type TrackingItentialStats } from './tracking-protocol';

const WORKFLOW = 'Bench Backup';
const TOKEN = 'bench-itential-token';
const JOB_PATH = /^\/operations-manager\/jobs\/[0-9a-f]{24}$/;

/** Each poll moves a job one step: two task changes, then done (three state changes per run). */
const SCRIPT = [steps.running('inventory', 0.33), steps.running('verify', 0.66), steps.complete()];

function stats(upstream: UpstreamCall[]): TrackingItentialStats {
  const polls = upstream
    .filter((c) => c.method === 'GET' && JOB_PATH.test(c.path))
    .map((c) => c.start)
    .sort((a, b) => a - b);
  return {
    polls: polls.length,
    maxPollsPerSecond: busiestSecond(polls),
    spanSeconds: polls.length > 1 ? ((polls.at(-1) ?? 0) - (polls[0] ?? 0)) / 1_000 : 0,
  };
}

/**
 * The tracking benchmark's Itential, in a process of its own so that its clock of arrivals is not
 * skewed by the fake Slack's work: jobs move one step per poll; a proxy in front notes each request.
 */
serveChild(async () => {
  const itential = await new FakeItential({
    workflows: [{ name: WORKFLOW, script: SCRIPT }],
    staticTokens: [TOKEN],
    advanceOnPoll: true,
  }).start();
  const upstream: UpstreamCall[] = [];
  const proxy = await TaggingProxy.start(itential.url, 'bot', upstream);
  return {
    info: { url: proxy.url, token: TOKEN, workflow: WORKFLOW },
    handle: async (raw) => {
      const request = trackingFakeRequest.parse(raw);
      return request.kind === 'start-jobs'
        ? startJobs(itential.url, TOKEN, WORKFLOW, request.count, 32)
        : stats(upstream);
    },
    stop: async () => {
      await proxy.close();
      await itential.close();
    },
  };
});
