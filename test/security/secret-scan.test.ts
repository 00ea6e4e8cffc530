import { HarnessFake } from '../fakes/harness/harness-fake';
import { FakeItential, steps } from '../fakes/itential';
import { FakeSlack, waitFor } from '../fakes/slack';
import { FakeZitadel } from '../fakes/zitadel';
import { blocksText, Harness, SIGNING_SECRET } from '../support/flightdeck-harness';
import { addModuleTests, harnessEnv, IACM_CONFIG, iacmRunValues } from '../support/iacm';
import type { StoreFixture } from '../support/stores';
import { zitadelConditionForm } from '../support/zitadel-form';
import { sqliteBackend } from './raw-slack';
import { findSecrets, scanEverything, type Hit, type ScanResult, type Secret } from './secret-scanner';

const CHANNEL = 'C0OPS';
const ALICE = 'U0ALICE';

/** Distinctive values, so a hit is a leak and never a coincidence. */
const BOT_TOKEN = 'xoxb-scan-bot-token-7Qm2Lr9Xv4Tz8Kc1';
const ITENTIAL_USER = { username: 'flightdeck', password: 'itential-password-Hq7Vz2Lp9Rx4' };
const ITENTIAL_CLIENT = {
  clientId: 'flightdeck-client',
  clientSecret: 'itential-client-secret-Nw3Jt8Ys5Bd1',
};
const ITENTIAL_STATIC = 'itential-static-token-Ke6Gu1Mq7Wc3';
const HARNESS_KEY = 'pat.acct_123.tok9kq.harness-api-key-Zr5Fh2Xn8Pv6';
const ZITADEL_TOKEN = 'zitadel-pat-token-Ub4Oy9Ta3Ej7Sd';
/** Job variables whose names say "secret": their values must never be shown. */
const VARIABLES = {
  device: 'rtr-01',
  password: 'variable-password-Lc8Wq3Zm1Gy5',
  apiKey: 'variable-apikey-Tf2Rk7Hb4Nx9',
  token: 'variable-token-Pd5Vj1Cs8Ma2',
  db_secret: 'variable-secret-Yh9Eu3Ko6Lw4',
};

/** Secrets every bot here holds; each scenario adds its Itential credential. */
const COMMON: Secret[] = [
  { name: 'SLACK_SIGNING_SECRET', value: SIGNING_SECRET },
  { name: 'SLACK_BOT_TOKEN', value: BOT_TOKEN },
  { name: 'HARNESS_API_KEY', value: HARNESS_KEY },
  { name: 'ZITADEL_TOKEN', value: ZITADEL_TOKEN },
  ...Object.entries(VARIABLES)
    .filter(([name]) => name !== 'device')
    .map(([name, value]) => ({ name: `job variable ${name}`, value })),
];

/** An upstream error text that repeats every secret it could know, the way careless servers do. */
function echo(...values: string[]): string {
  return `request rejected: credentials ${values.join(' / ')} are not valid here (Bearer ${values[0] ?? ''})`;
}

interface Totals {
  scenarios: number;
  slackCalls: number;
  responseUrlPosts: number;
  httpAnswers: number;
  logLines: number;
  auditRecords: number;
  secrets: Set<string>;
  runsHoldVariables: boolean;
}

const totals: Totals = {
  scenarios: 0,
  slackCalls: 0,
  responseUrlPosts: 0,
  httpAnswers: 0,
  logLines: 0,
  auditRecords: 0,
  secrets: new Set(),
  runsHoldVariables: false,
};

const isVariable = (hit: Hit) => hit.secret.startsWith('job variable');

/** One bot with one way of signing in to Itential (they are exclusive), plus Harness and Zitadel. */
interface Scenario {
  name: string;
  credential: Secret;
  itentialEnv: (itential: FakeItential) => Record<string, string>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'Itential by username and password',
    credential: { name: 'ITENTIAL_PASSWORD', value: ITENTIAL_USER.password },
    itentialEnv: (itential) => ({
      ITENTIAL_BASE_URL: itential.url,
      ITENTIAL_USERNAME: ITENTIAL_USER.username,
      ITENTIAL_PASSWORD: ITENTIAL_USER.password,
    }),
  },
  {
    name: 'Itential by OAuth client credentials',
    credential: { name: 'ITENTIAL_CLIENT_SECRET', value: ITENTIAL_CLIENT.clientSecret },
    itentialEnv: (itential) => ({
      ITENTIAL_BASE_URL: itential.url,
      ITENTIAL_CLIENT_ID: ITENTIAL_CLIENT.clientId,
      ITENTIAL_CLIENT_SECRET: ITENTIAL_CLIENT.clientSecret,
    }),
  },
  {
    name: 'Itential by static token',
    credential: { name: 'ITENTIAL_TOKEN', value: ITENTIAL_STATIC },
    itentialEnv: (itential) => ({ ITENTIAL_BASE_URL: itential.url, ITENTIAL_TOKEN: ITENTIAL_STATIC }),
  },
];

afterAll(() => {
  console.log(
    `secret-scan: ${String(totals.secrets.size)} secrets scanned for over ${String(totals.scenarios)} bots: ` +
      `${String(totals.slackCalls)} Slack Web API calls, ${String(totals.responseUrlPosts)} response_url posts, ` +
      `${String(totals.httpAnswers)} HTTP answers, ${String(totals.logLines)} log lines, ` +
      `${String(totals.auditRecords)} audit records; the runs table holds job variable values: ` +
      `${totals.runsHoldVariables ? 'yes' : 'no'}`,
  );
});

test('the scanner finds a secret whole, truncated, masked at the front, or as a key, and names where', () => {
  const secret = { name: 'T', value: 'abcdefghijkl-mnopqrstuvwx' };
  const hits = findSecrets(
    {
      a: [{ text: `x ${secret.value} y` }],
      b: 'abcdefghijkl…',
      c: '****-mnopqrstuvwx',
      [secret.value]: 1,
      d: 'clean',
    },
    [secret],
    'here',
  );
  expect(hits.map((h) => h.where)).toEqual([
    'here a[0].text',
    'here b',
    'here c',
    // The report masks what it found, in the place as in the excerpt.
    'here «secret» (the key)',
  ]);
  expect(hits[0]?.excerpt).toBe('x «secret» y');
});

/** Every level a deployment may run at: debug and trace write the most, and must leak no more. */
const LEVELS = ['info', 'debug', 'trace'] as const;
/**
 * Each scenario at each level over HTTP, and at debug and trace over Socket Mode too, where Slack's client
 * logs every envelope it receives (view submissions with their values) unless the bot stops it.
 */
const RUNS = [
  ...LEVELS.flatMap((level) => SCENARIOS.map((scenario) => ({ ...scenario, level, mode: 'HTTP' }))),
  ...(['debug', 'trace'] as const).flatMap((level) =>
    SCENARIOS.slice(-1).map((scenario) => ({ ...scenario, level, mode: 'Socket Mode' })),
  ),
];

describe.each(RUNS)(
  'no secret reaches Slack, the logs or the audit trail: $name at $level over $mode',
  (scenario) => {
    let db: StoreFixture;
    let slack: FakeSlack;
    let itential: FakeItential;
    let harness: HarnessFake;
    let zitadel: FakeZitadel;
    let h: Harness;
    let moduleId: string;
    const answers: { label: string; body: unknown }[] = [];

    beforeAll(async () => {
      db = await sqliteBackend().open();
      slack = await FakeSlack.start({ workspace: { botToken: BOT_TOKEN } });
      const leakyFailure = steps.adapterFailure(
        'pushConfig',
        echo(scenario.credential.value, VARIABLES.password),
      );
      itential = await new FakeItential({
        workflows: [
          { name: 'Backup Devices', script: [steps.running('backUpDevice', 0.5), steps.complete()] },
          { name: 'Push Config', script: [steps.running('backUpDevice', 0.2), leakyFailure] },
        ],
        user: ITENTIAL_USER,
        client: ITENTIAL_CLIENT,
        staticTokens: [ITENTIAL_STATIC],
      }).start();
      harness = await HarnessFake.start({ apiKey: HARNESS_KEY, accountId: 'acct_123' });
      moduleId = harness.addModule({ name: 'vpc-network' }).id;
      zitadel = await FakeZitadel.start({ token: ZITADEL_TOKEN });
      zitadel.addTarget({ name: 'audit-log' });
      h = await Harness.start({
        place: db,
        slack,
        env: {
          ...scenario.itentialEnv(itential),
          ...harnessEnv(harness),
          ZITADEL_BASE_URL: zitadel.url,
          ZITADEL_TOKEN,
          LOG_LEVEL: scenario.level,
        },
        configYaml: IACM_CONFIG,
        socketMode: scenario.mode === 'Socket Mode',
      });
    });

    afterAll(async () => {
      await h.close();
      await slack.close();
      await itential.close();
      await harness.close();
      await zitadel.close();
      await db.dispose();
    });

    function record<T extends { body: unknown }>(label: string, res: T): T {
      answers.push({ label, body: res.body });
      return res;
    }

    /** Tokens Itential issued to the bot (login or OAuth), read from the requests that carried them. */
    function issuedTokens(): Secret[] {
      const tokens = new Set<string>();
      for (const r of itential.requests) {
        const bearer = /^Bearer (.+)$/.exec(r.authorization ?? '')?.[1] ?? r.query.token;
        if (bearer && bearer !== ITENTIAL_STATIC) tokens.add(bearer);
      }
      return [...tokens].map((value, i) => ({ name: `token Itential issued #${String(i + 1)}`, value }));
    }

    let channels = 0;
    const runChannels: string[] = [];
    /** Each run gets its own channel: Slack paces posts per channel, so runs in one channel would queue. */
    function newChannel(): string {
      channels += 1;
      const id = `C0SCAN${String(channels)}`;
      runChannels.push(id);
      slack.addChannel({
        id,
        name: `scan-${String(channels)}`,
        isPrivate: false,
        isArchived: false,
        members: ['U0BOT', ALICE],
      });
      return id;
    }

    /** Runs followed in the background, so that paths run side by side; each settles to an error or undefined. */
    const pending: Promise<unknown>[] = [];
    function follow(channel: string, word: RegExp, then?: () => Promise<void>) {
      const run = async () => {
        const parent = await waitFor(
          () => h.slack.messages(channel).find((m) => !m.threadTs),
          5_000,
          () => `a run in ${channel}`,
        );
        await h.threadTexts(channel, parent.ts, (t) => t.some((x) => word.test(x)), 10_000);
        await then?.();
      };
      pending.push(
        run().then(
          () => undefined,
          (err: unknown) => err,
        ),
      );
    }
    /** A failure in the thread that quotes the upstream's echo, with the secret in it replaced. */
    const ECHOED_AND_REDACTED = /Failed[\s\S]*request rejected: credentials [^\n]*\[redacted\]/;

    async function settled(): Promise<void> {
      const failures = (await Promise.all(pending.splice(0))).filter((e) => e !== undefined);
      expect(failures).toEqual([]);
    }

    async function launchItential(workflow: string, channel = newChannel()) {
      const { ack, view } = await h.commandModal(ALICE, `itential start ${workflow}`, channel);
      record('command', ack);
      const starts = itential.count('POST', '/operations-manager/jobs/start');
      const sub = record(
        'itential submission',
        await h.driver.viewSubmission(
          view,
          {
            workflow: { value: workflow, text: workflow },
            variables: JSON.stringify(VARIABLES),
            description: 'scan',
          },
          ALICE,
        ),
      );
      // Faults injected next must meet the next start, not this one.
      if (sub.body === '') {
        await waitFor(
          () => (itential.count('POST', '/operations-manager/jobs/start') > starts ? true : undefined),
          3000,
          () => `the start of ${workflow}`,
        );
      }
      return { sub, channel };
    }

    it('Itential: a job with secret-named variables runs to the end', async () => {
      const { channel } = await launchItential('Backup Devices');
      follow(channel, /Succeeded/);
    });

    it('Itential: a job failing with an error that echoes the credentials and the variables', async () => {
      const { channel } = await launchItential('Push Config');
      follow(channel, ECHOED_AND_REDACTED);
    });

    it('Itential: a refused start whose body echoes the issued token and the variables', async () => {
      const issued = issuedTokens().map((t) => t.value);
      itential.inject({
        path: '/operations-manager/jobs/start',
        fault: {
          kind: 'status',
          status: 400,
          body: JSON.stringify({
            message: echo(...issued, scenario.credential.value, VARIABLES.password, VARIABLES.apiKey),
            data: { variables: VARIABLES },
          }),
        },
      });
      const { channel } = await launchItential('Backup Devices');
      follow(channel, ECHOED_AND_REDACTED);
    });

    it('Itential: polls answered with errors that echo the token', async () => {
      const { channel } = await launchItential('Backup Devices');
      const faultsServed = () =>
        itential.requests.filter((r) => r.method === 'GET' && r.status === 500).length;
      follow(channel, /Started/, async () => {
        const served = faultsServed();
        itential.inject({
          method: 'GET',
          path: /^\/operations-manager\/jobs\/[0-9a-f]{24}$/,
          times: 3,
          fault: {
            kind: 'status',
            status: 500,
            body: JSON.stringify({
              message: echo(...issuedTokens().map((t) => t.value), scenario.credential.value),
            }),
          },
        });
        await waitFor(
          () => (faultsServed() >= served + 3 ? true : undefined),
          8_000,
          () => 'three failed polls',
        );
      });
    });

    it('Itential: the workflow picker, fine and then behind a proxy page that echoes the token', async () => {
      const { ack, view } = await h.commandModal(ALICE, 'itential start', CHANNEL);
      record('command', ack);
      const suggest = async (value: string) =>
        record(
          'workflow picker',
          await h.driver.blockSuggestion({
            user: ALICE,
            view,
            blockId: 'workflow',
            actionId: 'fd.field.workflow',
            value,
          }),
        );
      expect(JSON.stringify((await suggest('Back')).body)).toContain('Backup Devices');
      itential.inject({
        path: '/automation-studio/workflows',
        times: 5,
        fault: {
          kind: 'status',
          status: 502,
          contentType: 'text/html',
          body: `<html><body>upstream said: ${echo(scenario.credential.value, ...issuedTokens().map((t) => t.value))}</body></html>`,
        },
      });
      expect((await suggest('zzz-nothing')).status).toBe(200);
    });

    it('Itential: inline errors on variables that break the workflow’s schema', async () => {
      itential.addWorkflow({
        name: 'Rotate Secret',
        inputSchema: {
          type: 'object',
          properties: { password: { type: 'integer' }, apiKey: { enum: ['a', 'b'] } },
          required: ['password'],
        },
      });
      const { sub } = await launchItential('Rotate Secret');
      expect(sub.body).toMatchObject({ response_action: 'errors' });
    });

    it('Itential: credentials refused at sign-in, with the refusal echoing them', async () => {
      // Runs still going would sign in again too: let them end first.
      await settled();
      itential.expireTokens();
      for (const path of ['/login', '/oauth/token']) {
        itential.inject({
          path,
          times: 3,
          fault: {
            kind: 'status',
            status: 401,
            body: JSON.stringify({
              message: echo(scenario.credential.value),
              error_description: `client_secret=${scenario.credential.value}`,
            }),
          },
        });
      }
      itential.inject({
        path: '/operations-manager/jobs/start',
        fault: {
          kind: 'status',
          status: 401,
          body: JSON.stringify({ message: echo(scenario.credential.value) }),
        },
      });
      const { channel } = await launchItential('Backup Devices');
      follow(channel, ECHOED_AND_REDACTED);
    });

    async function submitIacm(channel: string) {
      const { ack, view } = await h.commandModal(ALICE, 'iacm run', channel);
      record('command', ack);
      const picker = record(
        'module picker',
        await h.driver.blockSuggestion({
          user: ALICE,
          view,
          blockId: 'module',
          actionId: 'fd.field.module',
          value: 'vpc',
        }),
      );
      expect(picker.status).toBe(200);
      const planExecutionId = `plan${String(Date.now()).padStart(18, '0')}`;
      addModuleTests(harness, {
        planExecutionId,
        runSequence: 41,
        stages: [{ id: 'plan', name: 'Plan' }],
        steps: [{ status: 'Queued' }],
      });
      const sub = record(
        'iacm submission',
        await h.driver.viewSubmission(view, iacmRunValues(moduleId, planExecutionId), ALICE),
      );
      expect(sub.body).toBe('');
    }

    it('Harness: a create refused with 401 whose message echoes the API key', async () => {
      harness.failNext('createExecution', 401, { message: echo(HARNESS_KEY), id: 'err-401' });
      const channel = newChannel();
      await submitIacm(channel);
      follow(channel, ECHOED_AND_REDACTED);
    });

    it('Harness: the module picker answered by an error page echoing the key', async () => {
      harness.inject(
        'listModules',
        { kind: 'ng', status: 401, code: 'INVALID_TOKEN', message: echo(HARNESS_KEY) },
        3,
      );
      const { ack, view } = await h.commandModal(ALICE, 'iacm run', CHANNEL);
      record('command', ack);
      const res = record(
        'module picker',
        await h.driver.blockSuggestion({
          user: ALICE,
          view,
          blockId: 'module',
          actionId: 'fd.field.module',
          value: 'vpc',
        }),
      );
      expect(res.status).toBe(200);
      record(
        'executions',
        await h.driver.command(`iacm executions ${moduleId}`, { userId: ALICE, channelId: CHANNEL }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
    });

    const zitadelForm = (channelId: string) =>
      zitadelConditionForm(h, { user: ALICE, channelId, kind: 'event', scope: 'event', onAnswer: record });

    it('Zitadel: a change whose preview and write are refused with the token echoed back', async () => {
      const channel = newChannel();
      const form = await zitadelForm(channel);
      const targets = record(
        'target picker',
        await h.driver.blockSuggestion({
          user: ALICE,
          view: form,
          blockId: 'targets',
          actionId: 'fd.field.targets',
          value: 'audit',
        }),
      );
      const target = JSON.stringify(targets.body).match(/"value":"([^"]+)"/)?.[1] ?? 'unknown';
      zitadel.inject('ListExecutions', {
        kind: 'grpc',
        code: 16,
        message: echo(ZITADEL_TOKEN),
        errorId: 'AUTH-7fs1e',
      });
      const values = {
        kind: 'event',
        scope: 'event',
        event: 'user.human.added',
        targets: [{ value: target, text: 'audit-log' }],
      };
      const refused = record('zitadel submission', await h.driver.viewSubmission(form, values, ALICE));
      expect(refused.status).toBe(200);
      // The refusal replaced the form; a second form gets through to the preview.
      const again = await zitadelForm(channel);
      const previewed = record('zitadel submission', await h.driver.viewSubmission(again, values, ALICE));
      expect(previewed.body).toMatchObject({
        response_action: 'update',
        view: { callback_id: 'fd.preview' },
      });
      const preview = await waitFor(() => {
        const v = h.slack.openStack(ALICE).at(-1);
        return v && v.callback_id === 'fd.preview' && v.submit ? v : undefined;
      }, 3000);
      zitadel.inject('SetExecution', {
        kind: 'grpc',
        code: 7,
        message: echo(ZITADEL_TOKEN),
        errorId: 'AUTHZ-5x',
      });
      record('zitadel confirmation', await h.driver.viewSubmission(preview, {}, ALICE));
      follow(channel, ECHOED_AND_REDACTED);
      record(
        'executions',
        await h.driver.command('zitadel executions', { userId: ALICE, channelId: CHANNEL }),
      );
      zitadel.inject('ListExecutions', { kind: 'grpc', code: 16, message: echo(ZITADEL_TOKEN) }, 3);
      record(
        'executions',
        await h.driver.command('zitadel executions', { userId: ALICE, channelId: CHANNEL }),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
    });

    /** Scanned once, after every path above ran; the tests below each judge one kind of secret. */
    let scan: ScanResult | undefined;
    async function scanned(): Promise<ScanResult> {
      if (scan) return scan;
      await settled();
      await h.bot.afterAck.drain();
      const secrets = [...COMMON, scenario.credential, ...issuedTokens()];
      scan = await scanEverything(h, secrets, answers);
      totals.scenarios += 1;
      totals.slackCalls += scan.slackCalls;
      totals.responseUrlPosts += scan.responseUrlPosts;
      totals.httpAnswers += scan.httpAnswers;
      totals.logLines += scan.logLines;
      totals.auditRecords += scan.auditRecords;
      for (const s of secrets) totals.secrets.add(s.value);
      const runs = await h.bot.store.listRuns({ limit: 100 });
      if (runs.some((run) => JSON.stringify(run.input).includes(VARIABLES.password))) {
        totals.runsHoldVariables = true;
      }
      return scan;
    }

    it('finds no credential and no issued token in any Slack call, response_url post, HTTP answer, log line or audit record', async () => {
      const result = await scanned();
      expect(issuedTokens().length > 0 || scenario.credential.name === 'ITENTIAL_TOKEN').toBe(true);
      expect(result.slackCalls).toBeGreaterThan(20);
      expect(result.logLines).toBeGreaterThan(scenario.level === 'info' ? 5 : 100);
      expect(result.hits.filter((hit) => !isVariable(hit))).toEqual([]);
    });

    // Upstreams echo variable values back in errors; the registry masks every secret-named input's value.
    it('finds no value of a secret-named job variable anywhere either', async () => {
      const result = await scanned();
      expect(result.hits.filter(isVariable)).toEqual([]);
    });

    it('shows variable names, never their values, on a run that went well', async () => {
      // The first run (its own channel) succeeded; its status line is edited a moment after the thread reply.
      const [first] = runChannels;
      const succeeded = await waitFor(() => {
        const parent = first ? h.slack.messages(first).find((m) => !m.threadTs) : undefined;
        const text = parent ? blocksText(parent) : '';
        return text.includes('Succeeded') ? text : undefined;
      }, 5_000);
      expect(succeeded).toContain('device, password=••••••, apiKey=••••••, token=••••••, db_secret=••••••');
      for (const value of Object.values(VARIABLES)) expect(succeeded).not.toContain(value);
    });
  },
);
