import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { ACK_DEADLINE_MS, SlackDriver } from '../../support/slack-driver';
import { FakeSlack, waitFor } from '.';

const SIGNING_SECRET = 'test-signing-secret';

const launchModal = {
  type: 'modal' as const,
  callback_id: 'ops.start',
  notify_on_close: true,
  private_metadata: JSON.stringify({ channel: 'C0OPS' }),
  title: { type: 'plain_text' as const, text: 'Start a job' },
  submit: { type: 'plain_text' as const, text: 'Start' },
  blocks: [
    {
      type: 'input',
      block_id: 'workflow',
      label: { type: 'plain_text' as const, text: 'Workflow' },
      element: {
        type: 'static_select' as const,
        action_id: 'choice',
        options: [
          { text: { type: 'plain_text' as const, text: 'Provision VLAN' }, value: 'vlan' },
          { text: { type: 'plain_text' as const, text: 'Reboot' }, value: 'reboot' },
        ],
      },
    },
    {
      type: 'input',
      block_id: 'reason',
      optional: true,
      label: { type: 'plain_text' as const, text: 'Reason' },
      element: { type: 'plain_text_input' as const, action_id: 'text' },
    },
  ],
};

const cancelBlocks = [
  { type: 'section', block_id: 'status', text: { type: 'mrkdwn', text: 'Run 1 running' } },
  {
    type: 'actions',
    block_id: 'controls',
    elements: [
      {
        type: 'button',
        action_id: 'run.cancel',
        value: 'run-1',
        text: { type: 'plain_text', text: 'Cancel' },
      },
    ],
  },
];

let fake: FakeSlack;
let app: App;
let driver: SlackDriver;
const retries: (number | undefined)[] = [];

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = new App({
    token: fake.botToken,
    signingSecret: SIGNING_SECRET,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/ops', async ({ ack, body, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: launchModal });
  });
  app.view('ops.start', async ({ ack, view, body, client }) => {
    const workflow = view.state.values.workflow?.choice?.selected_option?.value;
    if (!workflow) {
      await ack({ response_action: 'errors', errors: { workflow: 'Pick a workflow' } });
      return;
    }
    await ack();
    const { channel } = JSON.parse(view.private_metadata) as { channel: string };
    await client.chat.postMessage({
      channel,
      text: `${body.user.id} started ${workflow}`,
      blocks: cancelBlocks,
    });
  });
  app.view({ callback_id: 'ops.start', type: 'view_closed' }, async ({ ack }) => {
    await ack();
  });
  app.action('run.cancel', async ({ ack, respond, action }) => {
    await ack();
    const value = 'value' in action ? action.value : undefined;
    await respond({ replace_original: true, text: `Canceled ${value ?? '?'}` });
  });
  app.options('workflow_search', async ({ ack, payload }) => {
    await ack({
      options: [{ text: { type: 'plain_text', text: `match ${payload.value}` }, value: payload.value }],
    });
  });
  app.event('app_home_opened', async ({ event, client, context }) => {
    retries.push(context.retryNum);
    await client.views.publish({
      user_id: event.user,
      view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Your runs' } }] },
    });
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  driver = new SlackDriver({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET, fake });
});

afterAll(async () => {
  await driver.close();
  await app.stop();
  await fake.close();
});

test('a signed slash command is acked in time and its views.open reaches the fake', async () => {
  const res = await driver.command('itential start', { userId: 'U0ALICE', channelId: 'C0OPS' });
  expect(res.status).toBe(200);
  expect(res.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
  const call = await fake.waitForCall('views.open', (c) => c.params.trigger_id === res.triggerId);
  expect(call.response).toMatchObject({ ok: true });
  expect(fake.openStack('U0ALICE').map((v) => v.callback_id)).toEqual(['ops.start']);
});

test('a submission missing a required pick gets inline errors; a full one closes the modal and posts', async () => {
  await driver.command('', { userId: 'U0BOB', channelId: 'C0OPS' });
  const view = await waitFor(() => fake.openStack('U0BOB')[0]);

  const empty = await driver.viewSubmission(view, {});
  expect(empty.body).toEqual({ response_action: 'errors', errors: { workflow: 'Pick a workflow' } });
  expect(empty.viewProblem).toBeUndefined();
  expect(fake.isViewOpen(view.id)).toBe(true);

  const full = await driver.viewSubmission(view, { workflow: 'vlan', reason: 'ticket 42' });
  expect(full.status).toBe(200);
  expect(full.values).toEqual({
    workflow: {
      choice: {
        type: 'static_select',
        selected_option: { text: { type: 'plain_text', text: 'Provision VLAN', emoji: true }, value: 'vlan' },
      },
    },
    reason: { text: { type: 'plain_text_input', value: 'ticket 42' } },
  });
  expect(fake.isViewOpen(view.id)).toBe(false);
  await fake.waitForCall('chat.postMessage');
  expect(fake.messages('C0OPS').map((m) => m.text)).toEqual(['U0BOB started vlan']);
});

test('a button on a message reaches the bot, and respond() replaces the message through the response_url', async () => {
  const posted = await app.client.chat.postMessage({
    channel: 'C0OPS',
    text: 'Run 1 running',
    blocks: cancelBlocks,
  });
  const ts = posted.ts ?? '';
  const res = await driver.blockAction({
    user: 'U0ALICE',
    channelId: 'C0OPS',
    messageTs: ts,
    actionId: 'run.cancel',
  });
  expect(res.status).toBe(200);
  expect(res.latencyMs).toBeLessThan(ACK_DEADLINE_MS);
  await waitFor(() => fake.responses(res.responseUrl).find((r) => r.status === 200));
  expect(fake.message('C0OPS', ts)?.text).toBe('Canceled run-1');
});

test('an external select asks for options and gets them in the ack', async () => {
  const res = await driver.blockSuggestion({
    user: 'U0ALICE',
    channelId: 'C0OPS',
    blockId: 'workflow',
    actionId: 'workflow_search',
    value: 'vl',
  });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ options: [{ text: { type: 'plain_text', text: 'match vl' }, value: 'vl' }] });
});

test('closing a modal with notify_on_close sends view_closed and closes it in the fake', async () => {
  await driver.command('', { userId: 'U0CAROL', channelId: 'C0OPS' });
  const view = await waitFor(() => fake.openStack('U0CAROL')[0]);
  const res = await driver.viewClosed(view);
  expect(res.status).toBe(200);
  expect(fake.openStack('U0CAROL')).toEqual([]);
});

test('events are acked at once; a retry carries its number to the listener', async () => {
  const first = await driver.appHomeOpened('U0ALICE');
  expect(first.status).toBe(200);
  await waitFor(() => fake.homeView('U0ALICE'));
  const retry = await driver.appHomeOpened('U0ALICE', { eventId: first.eventId, retryNum: 1 });
  expect(retry.status).toBe(200);
  await waitFor(() => (retries.length === 2 ? retries : undefined));
  expect(retries).toEqual([undefined, 1]);
});

describe('request verification', () => {
  test('a forged or missing signature is 401 and reaches no listener', async () => {
    const forged = await driver.command('help', {
      userId: 'U0ALICE',
      channelId: 'C0OPS',
      signature: 'forged',
    });
    expect(forged.status).toBe(401);
    const missing = await driver.command('help', {
      userId: 'U0ALICE',
      channelId: 'C0OPS',
      signature: 'missing',
    });
    expect(missing.status).toBe(401);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.calls('views.open').map((c) => c.params.trigger_id)).not.toContain(forged.triggerId);
  });

  test('a timestamp older than five minutes is 401', async () => {
    const stale = await driver.command('help', {
      userId: 'U0ALICE',
      channelId: 'C0OPS',
      timestampOffsetSec: -301,
    });
    expect(stale.status).toBe(401);
  });

  test('Bolt insists on the exact form content type', async () => {
    const res = await driver.command('help', {
      userId: 'U0ALICE',
      channelId: 'C0OPS',
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    });
    expect(res.status).toBe(400);
  });
});
