import fc from 'fast-check';
import { HarnessFake } from '../fakes/harness/harness-fake';
import { FakeItential, scripts } from '../fakes/itential';
import { stateValues, waitFor, type ElementInput, type FakeView, type JsonObject } from '../fakes/slack';
import { FakeZitadel } from '../fakes/zitadel';
import { blocksText, Harness, SIGNING_SECRET } from '../support/flightdeck-harness';
import { harnessEnv, IACM_CONFIG } from '../support/iacm';
import { ACK_DEADLINE_MS } from '../support/slack-driver';
import type { StoreFixture } from '../support/stores';
import {
  blockActionPayload,
  commandBody,
  FORM,
  interactionBody,
  rawSlackFor,
  signedHeaders,
  sqliteBackend,
  submissionPayload,
  suggestionPayload,
  type RawResponse,
  type RawSlack,
} from './raw-slack';

/**
 * Property tests through real signed HTTP against the whole bot. The seed is fixed so a failure replays;
 * FUZZ_SEED=random draws a new one (printed), FUZZ_SEED=<n> replays one, FUZZ_RUNS scales every count.
 */
const SEED =
  process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20_261_124);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const RUNS = {
  commands: Math.round(1200 * SCALE),
  submissions: Math.round(600 * SCALE),
  actions: Math.round(300 * SCALE),
  suggestions: Math.round(300 * SCALE),
};

/**
 * A case is one signed request and its answer; on a machine busy with other work that takes up to a few
 * hundred ms, so the tests' bound grows with the largest number of cases (jest's 60 s default is not
 * enough for 1,200). A hang is caught sooner, by each request's own timeout (RawSlack).
 */
const PER_CASE_BOUND_MS = 500;
jest.setTimeout(Math.max(60_000, Math.max(...Object.values(RUNS)) * PER_CASE_BOUND_MS));

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';
/** Commands come from Bob: the modals they open would otherwise replace Alice's, which the other cases use. */
const BOB = 'U0BOB';
const WRITES: [string, RegExp][] = [['POST', /^\/operations-manager\/jobs\/(start|cancel)$/]];

// ---- what users and attackers type ---------------------------------------------------------------

const WORDS = [
  'itential',
  'start',
  'iacm',
  'run',
  'executions',
  'zitadel',
  'set-execution',
  'help',
  'runs',
  'mine',
  'status',
  'digest',
  'now',
  'schedule',
  'list',
  'remove',
  'whoami',
  'can-i',
  'audit',
  '--user',
  '--since',
];
const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0ALICE>',
  '<#C0OPS|ops>',
  '<!subteam^S0ONCALL>',
  '<https://evil.example|click>',
  '*bold* _it_ ~x~ `code` ```block```',
  '> quote',
  '&amp;&lt;&gt;',
  '${jndi:ldap://x}',
  "'; drop table runs; --",
  '../../etc/passwd',
  '{{7*7}}',
  '\u0000\u0007\u001b[31m',
  '\u202e\u200b\ufeff',
  '🚀🔥👩‍👩‍👧',
  '00000000-0000-4000-8000-000000000000',
];

const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS, 'Backup Devices') },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const commandText = fc.oneof(
  { weight: 8, arbitrary: fc.array(word, { maxLength: 8 }).map((w) => w.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1000, maxLength: 5000 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...WORDS), fc.string({ unit: 'grapheme', minLength: 500, maxLength: 4000 }))
      .map(([w, rest]) => `${w} ${rest}`),
  },
);

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...HOSTILE, ...WORDS),
  fc.string({ maxLength: 4000 }),
);
const elementInput: fc.Arbitrary<ElementInput> = fc.oneof(
  text,
  fc.integer(),
  fc.record({ value: text, text }),
  fc.array(fc.oneof(text, fc.record({ value: text, text })), { maxLength: 6 }),
);
const option = fc.record({ value: text, text: fc.record({ type: fc.constant('plain_text'), text }) });
/** One element's state, as Slack reports it, or something no Slack element reports. */
const elementState = fc.oneof(
  fc.record({ type: fc.constant('plain_text_input'), value: fc.option(text) }),
  fc.record({ type: fc.constant('external_select'), selected_option: fc.option(option) }),
  fc.record({ type: fc.constant('static_select'), selected_option: fc.option(option) }),
  fc.record({
    type: fc.constant('multi_external_select'),
    selected_options: fc.array(option, { maxLength: 12 }),
  }),
  fc.record({ type: fc.constant('datepicker'), selected_date: fc.option(text) }),
  fc.jsonValue({ maxDepth: 3 }),
);

// ---- the harness ----------------------------------------------------------------------------------

describe('fuzzing the Slack handlers through signed HTTP', () => {
  let db: StoreFixture;
  let itential: FakeItential;
  let harness: HarnessFake;
  let zitadel: FakeZitadel;
  let h: Harness;
  let raw: RawSlack;
  let views: FakeView[];
  const crashes: unknown[] = [];
  const onCrash = (reason: unknown) => crashes.push(reason);
  let sent = 0;
  const counts: Record<string, number> = {};

  beforeAll(async () => {
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    db = await sqliteBackend().open();
    itential = await new FakeItential({
      workflows: [{ name: 'Backup Devices', script: scripts.happy() }],
      staticTokens: ['fuzz-token'],
    }).start();
    harness = await HarnessFake.start();
    harness.addModule({ name: 'vpc-network' });
    zitadel = await FakeZitadel.start();
    zitadel.addTarget({ name: 'audit-log' });
    h = await Harness.start({
      place: db,
      env: {
        ITENTIAL_BASE_URL: itential.url,
        ITENTIAL_TOKEN: 'fuzz-token',
        ...harnessEnv(harness),
        ZITADEL_BASE_URL: zitadel.url,
        ZITADEL_TOKEN: zitadel.token,
      },
      configYaml: IACM_CONFIG,
    });
    raw = rawSlackFor(h);
    views = [];
    // One person per modal: a user has one modal stack, and opening another would close theirs.
    for (const [i, command] of ['', 'itential start', 'iacm run', 'zitadel set-execution'].entries()) {
      const user = `U0FUZZ${String(i)}`;
      h.slack.addUser({ id: user, name: `fuzz${String(i)}`, realName: `Fuzz ${String(i)}`, tz: 'UTC' });
      h.slack.updateChannel(CHANNEL, { members: [...(h.slack.channel(CHANNEL)?.members ?? []), user] });
      const before = h.slack.openedViews().length;
      await h.driver.command(command, { userId: user, channelId: CHANNEL });
      views.push(
        await waitFor(
          () => h.slack.openedViews()[before],
          3000,
          () => `the view of /ops ${command}`,
        ),
      );
    }
  });

  afterAll(async () => {
    console.log(
      `fuzz (seed ${String(SEED)}): ${String(sent)} requests — ${Object.entries(counts)
        .map(([k, v]) => `${String(v)} ${k}`)
        .join(', ')}`,
    );
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    await raw.close();
    await h.close();
    await itential.close();
    await harness.close();
    await zitadel.close();
    await db.dispose();
  });

  /** Each body is made unique, so no two cases can look like a replay to the guard. */
  async function send(kind: string, body: string): Promise<RawResponse> {
    sent += 1;
    counts[kind] = (counts[kind] ?? 0) + 1;
    const started = Date.now();
    const res = await raw.send({ headers: signedHeaders(SIGNING_SECRET, body, FORM), body });
    const took = Date.now() - started;
    if (res.status !== 200 || took > ACK_DEADLINE_MS) {
      throw new Error(
        `${kind} answered ${String(res.status)} after ${String(took)} ms: ${res.text.slice(0, 300)}`,
      );
    }
    return res;
  }

  /** The view's own input blocks, each given the next random input (or left as the bot filled it). */
  function plausibleState(view: FakeView, inputs: (ElementInput | null)[]) {
    const ids = view.blocks.filter((b) => b.type === 'input').map((b) => String(b.block_id));
    const values: Record<string, ElementInput> = {};
    ids.forEach((id, i) => {
      const input = inputs[i];
      if (input !== undefined && input !== null) values[id] = input;
    });
    return stateValues(view.blocks, values);
  }

  const ownerOf = (view: FakeView) => h.slack.viewOwner(view.id) ?? ALICE;

  const unique = (payload: JsonObject): JsonObject => ({ ...payload, fuzz_case: sent });

  it('answers every random /ops command at once, with a message or a modal, never an error', async () => {
    await fc.assert(
      fc.asyncProperty(commandText, async (typed) => {
        const body = `${commandBody(h.slack, typed, BOB, CHANNEL)}&fuzz_case=${String(sent)}`;
        const res = await send('commands', body);
        if (res.text !== '') {
          const answer = JSON.parse(res.text) as { text?: string; blocks?: unknown };
          expect(blocksText(answer).trim().length).toBeGreaterThan(0);
        }
      }),
      { seed: SEED, numRuns: RUNS.commands },
    );
  });

  it('answers every random view submission of the launcher and the operation modals', async () => {
    /** The view as the bot built it, each input given random content of the kind its element takes. */
    const plausible = fc.record({
      view: fc.constantFrom(...views.map((v) => v.id)),
      inputs: fc.array(fc.option(elementInput, { freq: 4 }), { minLength: 12, maxLength: 12 }),
    });
    /** Anything in the places Slack puts state, metadata, callback id and blocks. */
    const hostile = fc.record({
      view: fc.constantFrom(...views.map((v) => v.id)),
      values: fc.oneof(
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('workflow', 'variables', 'module', 'kind', 'scope', 'operation', 'targets'),
            text,
          ),
          fc.dictionary(fc.oneof(fc.constant('fd.field.workflow'), text), elementState, { maxKeys: 3 }),
          { maxKeys: 8 },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      metadata: fc.option(
        fc.oneof(
          text,
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
          fc.record({ operationId: text, channelId: text }).map((v) => JSON.stringify(v)),
          fc.string({ minLength: 3001, maxLength: 3500 }),
        ),
        { freq: 3 },
      ),
      callbackId: fc.option(fc.constantFrom('fd.operation', 'fd.launcher', 'fd.preview', 'fd.home.channel'), {
        freq: 3,
      }),
      blocks: fc.option(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }), { freq: 3 }),
    });
    const submission = fc.oneof(
      plausible.map((p) => ({ ...p, mode: 'plausible' as const })),
      hostile.map((x) => ({ ...x, mode: 'hostile' as const })),
    );
    await fc.assert(
      fc.asyncProperty(submission, async (s) => {
        const base = h.slack.view(s.view) ?? views[0];
        if (!base) throw new Error('no view');
        const [view, values] =
          s.mode === 'plausible'
            ? [base, plausibleState(base, s.inputs)]
            : [
                {
                  ...base,
                  ...(s.metadata === null ? {} : { private_metadata: s.metadata }),
                  ...(s.callbackId === null ? {} : { callback_id: s.callbackId }),
                  ...(s.blocks === null ? {} : { blocks: s.blocks }),
                } as unknown as FakeView,
                s.values,
              ];
        const res = await send(
          'view submissions',
          interactionBody(unique(submissionPayload(h.slack, view, ownerOf(base), values))),
        );
        if (res.text !== '') {
          expect(JSON.parse(res.text)).toHaveProperty('response_action');
        }
      }),
      { seed: SEED, numRuns: RUNS.submissions },
    );
  });

  it('answers every random button click and form change', async () => {
    const action = fc.record({
      actionId: fc.oneof(
        fc.constantFrom(
          'fd.run.cancel',
          'fd.run.revert',
          'fd.run.approve',
          'fd.run.reject',
          'fd.run.open',
          'fd.launcher.pick',
        ),
        fc
          .constantFrom('workflow', 'module', 'kind', 'scope', 'operation')
          .map((f) => `fd.field.refresh.${f}`),
        text.map((t) => `fd.field.refresh.${t}`),
        fc
          .constantFrom('itential.start', 'iacm.run', 'zitadel.set-execution')
          .map((op) => `fd.home.launch.${op}`),
        text.map((t) => `fd.home.launch.${t}`),
      ),
      value: fc.option(text),
      selected: fc.option(option),
      blockId: fc.option(text),
      inView: fc.option(fc.constantFrom(...views.map((v) => v.id))),
      messageTs: fc.option(text),
      state: fc.option(fc.jsonValue({ maxDepth: 3 })),
    });
    await fc.assert(
      fc.asyncProperty(action, async (a) => {
        const element = {
          type: a.selected ? 'static_select' : 'button',
          action_id: a.actionId,
          block_id: a.blockId ?? 'b',
          ...(a.value === null ? {} : { value: a.value }),
          ...(a.selected ? { selected_option: a.selected } : {}),
          action_ts: String(Date.now() / 1000),
        };
        const view = a.inView ? h.slack.view(a.inView) : undefined;
        const extra: JsonObject = {
          ...(view
            ? { view: view as unknown as JsonObject, container: { type: 'view', view_id: view.id } }
            : {}),
          ...(a.messageTs === null ? {} : { message: { type: 'message', ts: a.messageTs, text: '' } }),
          ...(a.state === null ? {} : { state: { values: a.state } as JsonObject }),
        };
        await send(
          'block actions',
          interactionBody(unique(blockActionPayload(h.slack, ALICE, CHANNEL, [element], extra))),
        );
      }),
      { seed: SEED, numRuns: RUNS.actions },
    );
  });

  it('answers every random picker search with options, even for fields that do not exist', async () => {
    const suggestion = fc.record({
      view: fc.constantFrom(...views.map((v) => v.id)),
      field: fc.oneof(
        fc.constantFrom('workflow', 'module', 'method', 'service', 'function', 'targets', 'include'),
        text,
      ),
      value: fc.oneof(text, fc.string({ unit: 'binary', minLength: 2000, maxLength: 6000 })),
    });
    await fc.assert(
      fc.asyncProperty(suggestion, async (s) => {
        const view = h.slack.view(s.view) ?? views[0];
        if (!view) throw new Error('no view');
        const payload = suggestionPayload(h.slack, view, ownerOf(view), {
          blockId: s.field,
          actionId: `fd.field.${s.field}`,
          value: s.value,
        });
        const res = await send('picker searches', interactionBody(unique(payload)));
        const answer = JSON.parse(res.text) as { options?: unknown[]; option_groups?: unknown[] };
        expect(Array.isArray(answer.options) || Array.isArray(answer.option_groups)).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS.suggestions },
    );
  });

  it('started nothing upstream, crashed nothing, and still answers /healthz and /ops help', async () => {
    await h.bot.afterAck.drain();
    const writes = itential.requests.filter((r) => WRITES.some(([m, p]) => r.method === m && p.test(r.path)));
    expect(writes).toEqual([]);
    expect(harness.requestsTo('createExecution')).toEqual([]);
    expect(zitadel.requests('SetExecution')).toEqual([]);
    expect(h.slack.calls('chat.postMessage')).toEqual([]);
    expect(crashes).toEqual([]);
    const errors = h.logs.lines.filter((l) => l.includes('"level":"error"'));
    const refused = h.slack.calls().filter((c) => c.response?.ok === false);
    console.log(
      `fuzz: upstream reads ${String(itential.requests.length + harness.requests.length + zitadel.requests().length)}, ` +
        `Slack calls ${String(h.slack.calls().length)} (${String(refused.length)} refused: ` +
        `${[...new Set(refused.map((c) => `${c.method} ${String(c.response?.error)}`))].join(', ')}), ` +
        `error log lines ${String(errors.length)}`,
    );
    expect((await raw.send({ method: 'GET', path: '/healthz', headers: {} })).status).toBe(200);
    const help = await h.driver.command('help', { userId: ALICE, channelId: CHANNEL });
    expect(help.status).toBe(200);
    expect(blocksText(help.body as JsonObject)).toContain('/ops itential start');
  });
});
