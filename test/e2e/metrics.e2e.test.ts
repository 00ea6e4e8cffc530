import { request } from 'undici';
import { scripts } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import type { RunRecord } from '../../src/core/runs/run-store';
import { eventually } from '../support/eventually';
import { Harness } from '../support/flightdeck-harness';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import { storeBackends } from '../support/stores';

const CHANNEL = 'C0METRICS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

const CONFIG = `
policy:
  rules:
    - name: anyone
      operations: [itential.start]
    - name: prod-needs-approval
      effect: require-approval
      operations: [itential.start]
      when: { workflow: 'Prod *' }
      approvers: { users: [${BOB}] }
`;

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of `name` in Prometheus text (exposition format 0.0.4). */
function samples(text: string, name: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) return [];
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    return [{ labels, value: Number(match[3]) }];
  });
}

async function get(port: number | undefined, path: string): Promise<{ status: number; text: string }> {
  const res = await request(`http://127.0.0.1:${String(port)}${path}`);
  return { status: res.statusCode, text: await res.body.text() };
}

describe('metrics and health on their own port', () => {
  const [sqlite] = storeBackends();
  if (!sqlite) throw new Error('no store backend');

  describe('after runs, a 429 and a digest', () => {
    let bot: ItentialBot;
    let h: Harness;

    beforeAll(async () => {
      bot = await startItentialBot(sqlite, {
        workflows: [
          { name: 'Backup Devices', script: scripts.happy() },
          { name: 'Prod Push', script: scripts.happy() },
        ],
        token: 'static-token-1',
        configYaml: CONFIG,
      });
      h = bot.h;
      h.slack.addChannel({
        id: CHANNEL,
        name: 'metrics',
        isPrivate: false,
        isArchived: false,
        members: ['U0BOT', ALICE, BOB],
      });
    });
    afterAll(async () => {
      await bot.close();
    });

    async function launch(workflow: string, until: (run: RunRecord) => boolean): Promise<RunRecord> {
      const newRun = await h.submitCommand(ALICE, `itential start ${workflow}`, CHANNEL, {
        workflow: { value: workflow, text: workflow },
      });
      return eventually(() => newRun(until), `a run of ${workflow}`);
    }

    it('serves the operator series with their labels, and the Slack port does not serve /metrics', async () => {
      // The run's first post is answered 429 once: the notifier hands it back and posts it again.
      h.slack.inject('chat.postMessage', { kind: 'rate_limited', retryAfterSec: 0 });
      const done = await launch('Backup Devices', (r) => r.state === 'succeeded' && r.notifiedSeq === r.seq);
      const pending = await launch(
        'Prod Push',
        (r) => r.state === 'awaiting_approval' && r.parentTs !== null,
      );
      await h.driver.command('digest now', { userId: ALICE, channelId: CHANNEL });
      await waitFor(
        () => h.slack.messages(CHANNEL).find((m) => !m.threadTs && m.text.includes('Flightdeck digest')),
        5_000,
        () => 'a digest in the channel',
      );

      const scrape = await get(h.bot.metricsPort, '/metrics');
      expect(scrape.status).toBe(200);
      const text = scrape.text;

      expect(samples(text, 'flightdeck_upstream_request_seconds_count')).toContainEqual({
        labels: { system: 'itential', status: '200' },
        value: expect.any(Number) as number,
      });
      expect(samples(text, 'flightdeck_slack_rate_limited_total')).toEqual([
        { labels: { method: 'chat.postMessage' }, value: 1 },
      ]);
      const delivered = samples(text, 'flightdeck_run_delivery_seconds_count').filter(
        (s) => s.labels.system === 'itential',
      );
      expect(delivered.map((s) => s.labels.kind)).toEqual(expect.arrayContaining(['started', 'state']));
      expect(samples(text, 'flightdeck_runs_in_flight')).toEqual([
        { labels: { system: done.system, state: 'awaiting_approval' }, value: 1 },
      ]);
      expect(samples(text, 'flightdeck_approvals_pending')).toEqual([
        { labels: { system: pending.system }, value: 1 },
      ]);
      expect(samples(text, 'flightdeck_digest_posts_total')).toEqual([
        { labels: { kind: 'requested', outcome: 'posted' }, value: 1 },
      ]);

      expect((await get(h.bot.port, '/metrics')).status).toBe(404);
      expect(await get(h.bot.port, '/healthz')).toEqual({ status: 200, text: '{"status":"ok"}' });
    });
  });

  it('/healthz answers 503 on both ports once the store is down', async () => {
    const place = await sqlite.open();
    const h = await Harness.start({ place });
    try {
      expect(await get(h.bot.metricsPort, '/healthz')).toEqual({ status: 200, text: '{"status":"ok"}' });
      await h.bot.store.close();
      const down = { status: 503, text: '{"status":"store unavailable"}' };
      expect(await get(h.bot.metricsPort, '/healthz')).toEqual(down);
      expect(await get(h.bot.port, '/healthz')).toEqual(down);
      // The scrape still answers: series that need the store are left out of it.
      const scrape = await get(h.bot.metricsPort, '/metrics');
      expect(scrape.status).toBe(200);
      expect(samples(scrape.text, 'flightdeck_runs_in_flight')).toEqual([]);
    } finally {
      await h.close();
      await place.dispose();
    }
  });

  it('serves metrics and health in Socket Mode, where there is no Slack port', async () => {
    const place = await sqlite.open();
    const h = await Harness.start({ place, socketMode: true });
    try {
      expect(h.bot.port).toBeUndefined();
      expect(await get(h.bot.metricsPort, '/healthz')).toEqual({ status: 200, text: '{"status":"ok"}' });
      expect((await get(h.bot.metricsPort, '/metrics')).text).toContain('flightdeck_slack_requests_total');
      expect((await get(h.bot.metricsPort, '/slack/events')).status).toBe(404);
    } finally {
      await h.close();
      await place.dispose();
    }
  });
});
