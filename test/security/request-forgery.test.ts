import { Readable } from 'node:stream';
import type { Clock } from '../../src/core/kit/clock';
import { type FakeItential, scripts } from '../fakes/itential';
import { stateValues, waitFor, type FakeView, type JsonObject } from '../fakes/slack';
import { newEventId } from '../fakes/slack/ids';
import { type Harness, SIGNING_SECRET } from '../support/flightdeck-harness';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import {
  commandBody,
  eventBody,
  FORM,
  interactionBody,
  JSON_TYPE,
  rawSlackFor,
  sideEffects,
  signedHeaders,
  sqliteBackend,
  submissionPayload,
  suggestionPayload,
  type RawRequest,
  type RawSlack,
} from './raw-slack';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const WORKFLOW = 'Backup Devices';
/** One byte over the limit in src/slack/http-server.ts. */
const OVER_LIMIT = 1024 * 1024 + 1;

/** A request Slack could have sent; each forgery below is made from one of these. */
interface Genuine {
  kind: string;
  contentType: string;
  body: () => string;
  /** The other content type, with a body of that kind: a validly signed mismatch. */
  mismatchedType: string;
}

interface Forgery {
  name: string;
  status: number;
  reason: string;
  make: (body: string, genuine: Genuine) => RawRequest;
}

/**
 * The bot's request clock: real time, except while a case holds it. A forgery 301 s ahead is signed and judged in
 * the same held second, so it stays 301 s ahead however long the request takes to reach the guard.
 */
class HeldClock implements Clock {
  private held?: Date;
  now(): Date {
    return new Date(this.held ?? Date.now());
  }
  hold(): void {
    this.held = new Date();
  }
  release(): void {
    this.held = undefined;
  }
}
const clock = new HeldClock();
const nowSec = () => Math.floor(clock.now().getTime() / 1000);

const sign = (body: string, contentType: string, timestampSec = nowSec()) =>
  signedHeaders(SIGNING_SECRET, body, contentType, timestampSec);

const without = (headers: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));

const FORGERIES: Forgery[] = [
  {
    name: 'signed with another secret',
    status: 401,
    reason: 'bad signature',
    make: (body, g) => ({ headers: signedHeaders(`${SIGNING_SECRET}-forged`, body, g.contentType), body }),
  },
  {
    name: 'body changed after signing',
    status: 401,
    reason: 'bad signature',
    make: (body, g) => ({
      headers: sign(body, g.contentType),
      body: body.replace(/.$/, (c) => (c === '}' ? ' }' : `${c}x`)),
    }),
  },
  {
    name: 'signature of another timestamp',
    status: 401,
    reason: 'bad signature',
    make: (body, g) => ({
      headers: { ...sign(body, g.contentType, nowSec() - 10), 'x-slack-request-timestamp': String(nowSec()) },
      body,
    }),
  },
  {
    name: 'no signature',
    status: 401,
    reason: 'missing signature',
    make: (body, g) => ({ headers: without(sign(body, g.contentType), 'x-slack-signature'), body }),
  },
  {
    name: 'no timestamp',
    status: 401,
    reason: 'missing timestamp',
    make: (body, g) => ({ headers: without(sign(body, g.contentType), 'x-slack-request-timestamp'), body }),
  },
  {
    name: 'a timestamp that is not a number',
    status: 401,
    reason: 'malformed timestamp',
    make: (body, g) => ({
      headers: { ...sign(body, g.contentType), 'x-slack-request-timestamp': '1e9' },
      body,
    }),
  },
  {
    name: 'stale timestamp (301 s old)',
    status: 401,
    reason: 'stale timestamp',
    make: (body, g) => ({ headers: sign(body, g.contentType, nowSec() - 301), body }),
  },
  {
    name: 'future timestamp (301 s ahead)',
    status: 401,
    reason: 'future timestamp',
    make: (body, g) => ({ headers: sign(body, g.contentType, nowSec() + 301), body }),
  },
  {
    name: 'future timestamp (1 h ahead)',
    status: 401,
    reason: 'future timestamp',
    make: (body, g) => ({ headers: sign(body, g.contentType, nowSec() + 3600), body }),
  },
  {
    name: 'content type with a charset',
    status: 415,
    reason: 'unsupported content type',
    make: (body, g) => ({ headers: sign(body, `${g.contentType}; charset=utf-8`), body }),
  },
  {
    name: 'text/plain',
    status: 415,
    reason: 'unsupported content type',
    make: (body) => ({ headers: sign(body, 'text/plain'), body }),
  },
  {
    name: 'no content type',
    status: 415,
    reason: 'unsupported content type',
    make: (body, g) => ({ headers: without(sign(body, g.contentType), 'content-type'), body }),
  },
  {
    name: 'the other content type, validly signed',
    status: 400,
    reason: 'body does not match its content type',
    make: (body, g) => ({ headers: sign(body, g.mismatchedType), body }),
  },
  {
    name: 'oversized body, validly signed',
    status: 413,
    reason: 'body too large',
    make: (body, g) => {
      const padded =
        g.contentType === FORM ? `${body}&pad=${'x'.repeat(OVER_LIMIT)}` : `${body}${' '.repeat(OVER_LIMIT)}`;
      return { headers: sign(padded, g.contentType), body: padded };
    },
  },
];

describe('forged, stale, replayed and malformed requests never reach a handler', () => {
  let bot: ItentialBot;
  let itential: FakeItential;
  let h: Harness;
  let raw: RawSlack;
  let view: FakeView;
  let genuine: Genuine[];
  let before: Awaited<ReturnType<typeof sideEffects>>;
  let upstreamBefore = 0;
  let forged = 0;

  beforeAll(async () => {
    bot = await startItentialBot(sqliteBackend(), {
      workflows: [{ name: WORKFLOW, script: scripts.happy() }],
      token: 'static-token-1',
      requestClock: clock,
    });
    ({ itential, h } = bot);
    raw = rawSlackFor(h);
    await h.driver.command(`itential start ${WORKFLOW}`, { userId: ALICE, channelId: CHANNEL });
    view = await h.openedView(ALICE, 'fd.operation');
    const submission = () =>
      interactionBody(
        submissionPayload(
          h.slack,
          view,
          ALICE,
          stateValues(view.blocks, { workflow: { value: WORKFLOW, text: WORKFLOW } }),
        ),
      );
    genuine = [
      {
        kind: 'slash command',
        contentType: FORM,
        mismatchedType: JSON_TYPE,
        body: () => commandBody(h.slack, `itential start ${WORKFLOW}`, ALICE, CHANNEL),
      },
      { kind: 'view submission', contentType: FORM, mismatchedType: JSON_TYPE, body: submission },
      {
        kind: 'block suggestion',
        contentType: FORM,
        mismatchedType: JSON_TYPE,
        body: () =>
          interactionBody(
            suggestionPayload(h.slack, view, ALICE, {
              blockId: 'workflow',
              actionId: 'fd.field.workflow',
              value: 'Back',
            }),
          ),
      },
      {
        kind: 'event',
        contentType: JSON_TYPE,
        mismatchedType: FORM,
        body: () =>
          eventBody(h.slack, newEventId(), {
            type: 'app_home_opened',
            user: ALICE,
            channel: 'D0ALICE',
            tab: 'home',
          }),
      },
    ];
    await new Promise((resolve) => setTimeout(resolve, 200));
    before = await sideEffects(h);
    upstreamBefore = itential.requests.length;
  });

  afterAll(async () => {
    console.log(`request-forgery: ${String(forged)} forged or malformed requests tried, all rejected`);
    await raw.close();
    await bot.close();
  });

  async function expectRejected(req: RawRequest, status: number, reason?: string) {
    const lines = h.logs.lines.length;
    const res = await raw.send(req);
    forged += 1;
    expect(res.status).toBe(status);
    expect(res.text).toBe('');
    if (reason) {
      const logged = h.logs.lines.slice(lines).map((l) => JSON.parse(l) as { msg: string; reason?: string });
      expect(logged).toContainEqual(expect.objectContaining({ msg: 'Slack request rejected', reason }));
    }
  }

  const matrix = FORGERIES.flatMap((forgery) =>
    ['slash command', 'view submission', 'block suggestion', 'event'].map((kind) => ({ kind, forgery })),
  );

  it.each(matrix)('$kind: $forgery.name → $forgery.status', async ({ kind, forgery }) => {
    const g = genuine.find((x) => x.kind === kind);
    if (!g) throw new Error(kind);
    clock.hold();
    try {
      await expectRejected(forgery.make(g.body(), g), forgery.status, forgery.reason);
    } finally {
      clock.release();
    }
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('%s on the Slack endpoint → 405', async (method) => {
    const body = commandBody(h.slack, 'help', ALICE, CHANNEL);
    await expectRejected(
      { method, headers: sign(body, FORM), body: method === 'GET' ? undefined : body },
      405,
    );
  });

  it.each(['/slack/event', '/slack/events/x', '/', '/slack/commands', '/slack/install'])(
    'a signed command to %s → 404',
    async (path) => {
      const body = commandBody(h.slack, 'help', ALICE, CHANNEL);
      await expectRejected({ path, headers: sign(body, FORM), body }, 404);
    },
  );

  it('POST to /healthz → 405', async () => {
    await expectRejected({ path: '/healthz', headers: { 'content-type': JSON_TYPE }, body: '{}' }, 405);
  });

  it('an oversized body sent in chunks, without a length → 413', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const chunks = Array.from({ length: Math.ceil(OVER_LIMIT / chunk.length) + 1 }, () => chunk);
    const headers = sign(Buffer.concat(chunks).toString(), FORM);
    await expectRejected({ headers, body: Readable.from(chunks) }, 413, 'body too large');
  });

  it('none of the above had any effect: no Slack call, no response_url post, no handler, no upstream call', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await sideEffects(h)).toEqual(before);
    expect(itential.requests.length).toBe(upstreamBefore);
    expect(h.slack.openedViews()).toHaveLength(1);
  });

  it('rejections are logged without the body, the signature or the secret', () => {
    const rejected = h.logs.lines.filter((l) => l.includes('"Slack request rejected"'));
    expect(rejected.length).toBeGreaterThanOrEqual(matrix.length);
    for (const line of rejected) {
      expect(line).not.toContain(SIGNING_SECRET);
      expect(line).not.toContain('v0=');
      expect(line).not.toContain('trigger_id');
      expect(line).not.toContain(WORKFLOW);
    }
  });

  describe('what Slack really sends still works', () => {
    it('a signed command opens its modal; replaying the same bytes does nothing more', async () => {
      const body = commandBody(h.slack, `itential start ${WORKFLOW}`, ALICE, CHANNEL);
      const request = { headers: sign(body, FORM), body };
      const opened = h.slack.openedViews().length;
      expect((await raw.send(request)).status).toBe(200);
      await waitFor(() => (h.slack.openedViews().length === opened + 1 ? true : undefined), 3000);
      const effects = await sideEffects(h);
      await expectRejected(request, 401, 'replayed request');
      await expectRejected(
        { ...request, headers: { ...request.headers, 'x-slack-retry-num': '1' } },
        401,
        'replayed request',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await sideEffects(h)).toEqual(effects);
      expect(h.slack.openedViews()).toHaveLength(opened + 1);
    });

    it('identical picker searches in the same second are both answered, with the same options', async () => {
      const body = interactionBody(
        suggestionPayload(h.slack, view, ALICE, {
          blockId: 'workflow',
          actionId: 'fd.field.workflow',
          value: 'Back',
        }),
      );
      // Slack signs with a timestamp in seconds: the same search twice in one second is the same bytes.
      const request = { headers: sign(body, FORM), body };
      const [first, second] = await Promise.all([raw.send(request), raw.send(request)]);
      expect([first?.status, second?.status]).toEqual([200, 200]);
      const options = JSON.parse(first?.text ?? '{}') as { options?: { value: string }[] };
      expect(options.options?.map((o) => o.value)).toContain(WORKFLOW);
      expect(second?.text).toBe(first?.text);
    });

    it('a signed submission starts one job; its replay starts none', async () => {
      const body = interactionBody(
        submissionPayload(
          h.slack,
          view,
          ALICE,
          stateValues(view.blocks, { workflow: { value: WORKFLOW, text: WORKFLOW } }),
        ),
      );
      const request = { headers: sign(body, FORM), body };
      expect((await raw.send(request)).status).toBe(200);
      await waitFor(
        () => (itential.count('POST', '/operations-manager/jobs/start') === 1 ? true : undefined),
        3000,
      );
      await expectRejected(request, 401, 'replayed request');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(itential.count('POST', '/operations-manager/jobs/start')).toBe(1);
    });

    it('an event is handled once: its retries and replays are answered 200 and reach no handler', async () => {
      const body = eventBody(h.slack, newEventId(), {
        type: 'app_home_opened',
        user: ALICE,
        channel: 'D0ALICE',
        tab: 'home',
      });
      const headers = sign(body, JSON_TYPE);
      const handled = async () => (await sideEffects(h)).handled;
      const start = await handled();
      expect((await raw.send({ headers, body })).status).toBe(200);
      const lines = h.logs.lines.length;
      // Slack answered 200 stops retrying; a refusal would be retried and counted as a failed delivery.
      for (const retry of ['1', '2', '3']) {
        const res = await raw.send({
          headers: { ...headers, 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' },
          body,
        });
        expect(res).toEqual({ status: 200, text: '' });
      }
      expect(await raw.send({ headers, body })).toEqual({ status: 200, text: '' });
      const logged = h.logs.lines.slice(lines).map((l) => JSON.parse(l) as { msg: string; reason?: string });
      expect(logged.filter((l) => l.reason === 'event already received')).toHaveLength(4);
      expect(await handled()).toBe(start + 1);
    });

    it('a retry signed anew (as Slack does) is answered 200 like its first delivery', async () => {
      const first = await h.driver.appHomeOpened(ALICE);
      const retry = await h.driver.appHomeOpened(ALICE, { eventId: first.eventId, retryNum: 1 });
      expect([first.status, retry.status]).toEqual([200, 200]);
    });

    it('ssl_check needs no signature, and anything smuggled along with it is dropped', async () => {
      const handled = (await sideEffects(h)).handled;
      const res = await raw.send({
        headers: { 'content-type': FORM },
        body: `ssl_check=1&token=x&command=%2Fops&text=itential+start&trigger_id=${h.slack.issueTriggerId({ userId: ALICE, channelId: CHANNEL })}`,
      });
      expect(res.status).toBe(200);
      expect((await sideEffects(h)).handled).toBe(handled);
    });

    it('an unsigned interaction behind ssl_check=1 is refused: Bolt would read the payload and not the check', async () => {
      const handled = (await sideEffects(h)).handled;
      const payload = JSON.stringify({
        type: 'block_actions',
        user: { id: ALICE },
        channel: { id: CHANNEL },
        trigger_id: h.slack.issueTriggerId({ userId: ALICE, channelId: CHANNEL }),
        actions: [
          { type: 'button', action_id: 'fd.run.cancel', block_id: 'b', value: 'run-1', action_ts: '1' },
        ],
      });
      await expectRejected(
        {
          headers: { 'content-type': FORM },
          body: `ssl_check=1&payload=${encodeURIComponent(payload)}`,
        },
        401,
        'missing signature',
      );
      expect((await sideEffects(h)).handled).toBe(handled);
    });

    it('url_verification is answered with the challenge when signed, refused when not', async () => {
      const body = JSON.stringify({ token: 't', challenge: 'ch-123', type: 'url_verification' });
      const res = await raw.send({ headers: sign(body, JSON_TYPE), body });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ challenge: 'ch-123' });
      await expectRejected({ headers: { 'content-type': JSON_TYPE }, body }, 401, 'missing signature');
    });

    it('a view at Slack’s 250 kB limit, all multi-byte text, fits under the body limit', async () => {
      const big = '€'.repeat(2900);
      const blocks: JsonObject[] = [
        ...(view.blocks as JsonObject[]),
        ...Array.from({ length: 28 }, (_, i) => ({
          type: 'section',
          block_id: `pad${String(i)}`,
          text: { type: 'mrkdwn', text: big },
        })),
      ];
      const padded = { ...view, blocks } as unknown as FakeView;
      const values = stateValues(view.blocks, {
        workflow: { value: WORKFLOW, text: WORKFLOW },
        description: '€'.repeat(3000),
      });
      const body = interactionBody(submissionPayload(h.slack, padded, ALICE, values));
      expect(Buffer.byteLength(JSON.stringify(blocks))).toBeGreaterThan(240_000);
      expect(body.length).toBeGreaterThan(700_000);
      const res = await raw.send({ headers: sign(body, FORM), body });
      expect(res.status).toBe(200);
    });

    it('health still answers; metrics are not served on the Slack port', async () => {
      expect((await raw.send({ method: 'GET', path: '/healthz', headers: {} })).status).toBe(200);
      expect((await raw.send({ method: 'GET', path: '/metrics', headers: {} })).status).toBe(404);
    });
  });
});
