import { type FakeItential, type FaultKind, steps } from '../fakes/itential';
import { waitFor } from '../fakes/slack';
import { blocksText, type Harness } from '../support/flightdeck-harness';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import { rawSlackFor, sqliteBackend } from './raw-slack';

/** Above the 8 MiB Itential's client reads (DEFAULT_TUNING.maxResponseBytes). */
const OVER_READ_LIMIT = 9 * 1024 * 1024;
const DEEP = 200_000;
/**
 * Bounds for a hang, not for speed: each case waits out real retry backoffs and Slack's pacing, which a
 * loaded machine stretches (the oversized case builds and reads 8 MiB on each of its ten polls), so the
 * waits end on what the thread shows and these only catch a stuck run.
 */
const HANG_MS = 90_000;

/** What a person must never see in a thread: a stack trace, raw markup, or a JavaScript error's own words. */
const UNREADABLE = [
  /\n\s+at \S+ \(/,
  /<html|<body|<h1/i,
  /TypeError|RangeError|SyntaxError|Maximum call stack/,
];

interface HostileBody {
  name: string;
  fault: FaultKind;
}

const BODIES: HostileBody[] = [
  { name: 'a body larger than the read limit', fault: { kind: 'oversized', bytes: OVER_READ_LIMIT } },
  { name: 'a proxy’s HTML error page', fault: { kind: 'html', status: 502 } },
  {
    name: 'JSON nested 200,000 levels deep',
    fault: { kind: 'status', status: 200, body: `${'['.repeat(DEEP)}${']'.repeat(DEEP)}` },
  },
  {
    name: 'JSON with every field of the wrong type',
    fault: {
      kind: 'status',
      status: 200,
      body: JSON.stringify({
        message: 7,
        data: { _id: ['x'], status: { running: true }, tasks: 'many', error: 5 },
      }),
    },
  },
  {
    name: 'HTML sent as JSON with a 200',
    fault: { kind: 'status', status: 200, body: '<!DOCTYPE html><html><body>Sign in</body></html>' },
  },
];

describe('hostile Itential answers during a poll', () => {
  let bot: ItentialBot;
  let itential: FakeItential;
  let h: Harness;
  let channels = 0;

  beforeAll(async () => {
    bot = await startItentialBot(sqliteBackend(), {
      workflows: [{ name: 'Long Job', script: [steps.running('stepOne', 0.1), steps.complete()] }],
      token: 'body-token',
      advanceOnPoll: false,
    });
    ({ itential, h } = bot);
  });

  afterAll(() => bot.close());

  // Side by side: each case has its own person and channel, and Slack paces posts per channel.
  it.concurrent.each(BODIES)(
    '$name: a readable thread message, then the run goes on',
    async ({ fault }) => {
      channels += 1;
      const channel = `C0BODY${String(channels)}`;
      const user = `U0BODY${String(channels)}`;
      h.slack.addUser({ id: user, name: `body${String(channels)}`, realName: 'Body', tz: 'UTC' });
      h.slack.addChannel({
        id: channel,
        name: `body-${String(channels)}`,
        isPrivate: false,
        isArchived: false,
        members: ['U0BOT', user],
      });
      const { view } = await h.commandModal(user, 'itential start Long Job', channel);
      await h.driver.viewSubmission(view, { workflow: { value: 'Long Job', text: 'Long Job' } }, user);
      const parent = await waitFor(() => h.slack.messages(channel).find((m) => !m.threadTs), HANG_MS);
      await h.threadTexts(channel, parent.ts, (t) => t.some((x) => x.includes('Started')), HANG_MS);
      const jobId = /`([0-9a-f]{24})`/.exec(
        h.slack
          .thread(channel, parent.ts)
          .map((m) => blocksText(m))
          .join('\n'),
      )?.[1];
      if (!jobId) throw new Error('no job id in the thread');

      const replies = h.slack.thread(channel, parent.ts).length;
      // Enough for three polls of three tries each: temporary failures are reported once contact is lost.
      itential.inject({ method: 'GET', path: `/operations-manager/jobs/${jobId}`, times: 10, fault });
      const texts = await h.threadTexts(channel, parent.ts, (t) => t.length > replies, HANG_MS);
      const report = texts.slice(replies).join('\n');
      for (const pattern of UNREADABLE) expect(report).not.toMatch(pattern);
      expect(report).toMatch(/Itential/);

      itential.advance(jobId);
      await h.threadTexts(channel, parent.ts, (t) => t.some((x) => x.includes('Succeeded')), HANG_MS);
      const raw = rawSlackFor(h);
      try {
        expect((await raw.send({ method: 'GET', path: '/healthz', headers: {} })).status).toBe(200);
      } finally {
        await raw.close();
      }
    },
    4 * HANG_MS,
  );
});
