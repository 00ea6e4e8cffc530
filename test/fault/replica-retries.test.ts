import { stateValues, waitFor, type FakeView } from '../fakes/slack';
import { Harness, SIGNING_SECRET } from '../support/flightdeck-harness';
import { startItentialBot, type ItentialBot } from '../support/itential-bot';
import { storeBackends } from '../support/stores';
import {
  commandBody,
  FORM,
  interactionBody,
  nowSec,
  rawSlackFor,
  sideEffects,
  signedHeaders,
  submissionPayload,
  type RawRequest,
  type RawSlack,
} from '../security/raw-slack';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
const WORKFLOW = 'Backup Devices';
const TOKEN = 'static-token-1';
const START_PATH = '/operations-manager/jobs/start';
const postgres = storeBackends().find((b) => b.name === 'postgres');

/** Slack's retry of `request`: the same body, with the retry header; signed anew when `resigned`. */
function retryOf(request: RawRequest, body: string, resigned: boolean): RawRequest {
  const headers = resigned ? signedHeaders(SIGNING_SECRET, body, FORM, nowSec() + 1) : request.headers;
  return { headers: { ...headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }, body };
}

/**
 * Two replicas behind one load balancer, sharing one PostgreSQL and one Slack app: Slack's first delivery
 * reaches replica A, its retry reaches replica B. B must recognise the retry from the store, since its own
 * memory has never seen the request.
 */
(postgres ? describe : describe.skip)('a Slack retry that lands on the other replica', () => {
  let a: ItentialBot;
  let b: Harness;
  let toA: RawSlack;
  let toB: RawSlack;

  beforeAll(async () => {
    if (!postgres) return;
    a = await startItentialBot(postgres, { workflows: [{ name: WORKFLOW, script: [] }], token: TOKEN });
    b = await Harness.start({
      place: a.db,
      slack: a.h.slack,
      env: { ITENTIAL_BASE_URL: a.itential.url, ITENTIAL_TOKEN: TOKEN },
    });
    toA = rawSlackFor(a.h);
    toB = rawSlackFor(b);
  });
  afterAll(async () => {
    await toA.close();
    await toB.close();
    await b.close();
    await a.close();
  });

  it('a slash command delivered to A and retried on B opens one modal', async () => {
    const slack = a.h.slack;
    const body = commandBody(slack, `itential start ${WORKFLOW}`, ALICE, CHANNEL);
    const first = { headers: signedHeaders(SIGNING_SECRET, body, FORM), body };
    const handledByB = (await sideEffects(b)).handled;
    const opened = slack.openedViews().length;

    expect((await toA.send(first)).status).toBe(200);
    await a.h.openedView(ALICE, 'fd.operation', opened);
    for (const resigned of [false, true]) {
      const retry = await toB.send(retryOf(first, body, resigned));
      expect(retry).toEqual({ status: 401, text: '' });
    }

    expect((await sideEffects(b)).handled).toBe(handledByB);
    expect(slack.openedViews()).toHaveLength(opened + 1);
    expect(b.logs.lines.some((l) => l.includes('"reason":"replayed request"'))).toBe(true);
  });

  it('a submission delivered to A and retried on B starts one job', async () => {
    const { view } = await a.h.commandModal(ALICE, `itential start ${WORKFLOW}`, CHANNEL);
    const body = interactionBody(
      submissionPayload(
        a.h.slack,
        view as FakeView,
        ALICE,
        stateValues(view.blocks, { workflow: { value: WORKFLOW, text: WORKFLOW } }),
      ),
    );
    const first = { headers: signedHeaders(SIGNING_SECRET, body, FORM), body };
    const starts = a.itential.count('POST', START_PATH);

    expect((await toA.send(first)).status).toBe(200);
    await waitFor(() => (a.itential.count('POST', START_PATH) === starts + 1 ? true : undefined), 5_000);
    expect((await toB.send(retryOf(first, body, false))).status).toBe(401);
    expect((await toB.send(retryOf(first, body, true))).status).toBe(401);

    const runs = await a.db.store.listRuns({ requesterId: ALICE, limit: 10 });
    expect(runs).toHaveLength(1);
    expect(a.itential.count('POST', START_PATH)).toBe(starts + 1);
  });
});
