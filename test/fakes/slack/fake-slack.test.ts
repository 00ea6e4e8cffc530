import { webApi } from '@slack/bolt';
import { FakeSlack } from '.';

const { WebClient, WebAPIPlatformError, WebAPIHTTPError, WebAPIRateLimitedError, WebAPIRequestError } =
  webApi;

let fake: FakeSlack;
let client: webApi.WebClient;

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const modal = (title = 'Start a job', extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  callback_id: 'ops.start',
  title: { type: 'plain_text' as const, text: title },
  submit: { type: 'plain_text' as const, text: 'Start' },
  blocks: [
    {
      type: 'input',
      block_id: 'workflow',
      label: { type: 'plain_text', text: 'Workflow' },
      element: { type: 'plain_text_input', action_id: 'value' },
    },
  ],
  ...extra,
});

// WebClient logs Slack's response_metadata messages as errors; the tests assert on them instead.
const silent: webApi.Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => webApi.LogLevel.ERROR,
  setName: () => undefined,
};

function clientFor(token: string | undefined, options: webApi.WebClientOptions = {}): webApi.WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: silent,
    ...options,
  });
}

/** The Slack error code of a failed call, so tests can assert on it in one line. */
async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof WebAPIPlatformError) return error.data.error;
    throw error;
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  fake = await FakeSlack.start();
  client = clientFor(fake.botToken);
});

afterEach(() => fake.reset());
afterAll(() => fake.close());

describe('chat', () => {
  test('posts, threads and updates messages, and keeps them readable', async () => {
    const parent = await client.chat.postMessage({
      channel: 'C0OPS',
      text: 'Run 1 queued',
      blocks: [section('*Run 1* queued')],
      metadata: { event_type: 'run', event_payload: { run_id: 'r1' } },
    });
    expect(parent.ok).toBe(true);
    const ts = parent.ts ?? '';
    expect(ts).toMatch(/^\d{10}\.\d{6}$/);

    const first = await client.chat.postMessage({ channel: 'C0OPS', thread_ts: ts, text: 'running' });
    const second = await client.chat.postMessage({ channel: 'C0OPS', thread_ts: ts, text: 'succeeded' });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));

    const updated = await client.chat.update({ channel: 'C0OPS', ts, text: 'Run 1 succeeded' });
    expect(updated.text).toBe('Run 1 succeeded');

    expect(fake.messages('C0OPS').map((m) => m.text)).toEqual(['Run 1 succeeded']);
    expect(fake.thread('C0OPS', ts).map((m) => m.text)).toEqual(['running', 'succeeded']);
    const current = fake.message('C0OPS', ts);
    expect(current?.edits).toBe(1);
    expect(current?.blocks?.[0]).toMatchObject({ type: 'section', text: { text: '*Run 1* queued' } });
    expect(current?.blocks?.[0]?.block_id).toEqual(expect.any(String));

    const replies = await client.conversations.replies({ channel: 'C0OPS', ts, include_all_metadata: true });
    expect(replies.messages?.map((m) => m.text)).toEqual(['Run 1 succeeded', 'running', 'succeeded']);
    expect(replies.messages?.[0]?.metadata).toEqual({ event_type: 'run', event_payload: { run_id: 'r1' } });
    const withoutMetadata = await client.conversations.replies({ channel: 'C0OPS', ts });
    expect(withoutMetadata.messages?.[0]?.metadata).toBeUndefined();

    const call = await fake.waitForCall('chat.update');
    expect(call.token).toBe(fake.botToken);
    expect(call.contentType).toBe('application/x-www-form-urlencoded');
  });

  test('conversations.history: the channel newest first, a page at a time, metadata only when asked', async () => {
    const posted: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await client.chat.postMessage({
        channel: 'C0OPS',
        text: `digest ${String(i)}`,
        metadata: { event_type: 'flightdeck_digest', event_payload: { schedule_id: 's1', part: i } },
      });
      posted.push(res.ts ?? '');
    }
    await client.chat.postMessage({ channel: 'C0OPS', thread_ts: posted[0], text: 'in a thread' });
    const oldest = posted[0] ?? '';

    const first = await client.conversations.history({
      channel: 'C0OPS',
      oldest,
      inclusive: true,
      include_all_metadata: true,
      limit: 2,
    });
    expect(first.messages?.map((m) => m.text)).toEqual(['digest 2', 'digest 1']);
    expect(first.messages?.[0]?.metadata).toEqual({
      event_type: 'flightdeck_digest',
      event_payload: { schedule_id: 's1', part: 2 },
    });
    expect(first.has_more).toBe(true);
    const second = await client.conversations.history({
      channel: 'C0OPS',
      oldest,
      inclusive: true,
      include_all_metadata: true,
      limit: 2,
      cursor: first.response_metadata?.next_cursor,
    });
    expect(second.messages?.map((m) => [m.text, m.reply_count])).toEqual([['digest 0', 1]]);
    expect(second.response_metadata?.next_cursor).toBe('');

    const exclusive = await client.conversations.history({ channel: 'C0OPS', oldest });
    expect(exclusive.messages?.map((m) => m.text)).toEqual(['digest 2', 'digest 1']);
    expect(exclusive.messages?.[0]?.metadata).toBeUndefined();
    await expect(errorOf(client.conversations.history({ channel: 'C0NOPE' }))).resolves.toBe(
      'channel_not_found',
    );
  });

  test('refuses bad blocks the way Slack does', async () => {
    await expect(
      errorOf(client.chat.postMessage({ channel: 'C0OPS', text: 'x', blocks: [section('')] })),
    ).resolves.toBe('invalid_blocks');
    const call = fake.calls('chat.postMessage')[0];
    expect(call?.response).toMatchObject({
      ok: false,
      response_metadata: { messages: [expect.stringContaining('[json-pointer:/blocks/0/text/text]')] },
    });
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    await expect(
      errorOf(client.chat.postMessage({ channel: 'C0OPS', text: 'x', blocks: tooMany })),
    ).resolves.toBe('invalid_blocks');
    const tooLong = Array.from({ length: 5 }, () => section('y'.repeat(2600)));
    await expect(
      errorOf(client.chat.postMessage({ channel: 'C0OPS', text: 'x', blocks: tooLong })),
    ).resolves.toBe('msg_blocks_too_long');
    await expect(errorOf(client.chat.postMessage({ channel: 'C0OPS', text: '' }))).resolves.toBe('no_text');
    expect(fake.messages('C0OPS')).toEqual([]);
  });

  test('knows which channels the bot may post to', async () => {
    const post = (channel: string) => errorOf(client.chat.postMessage({ channel, text: 'hi' }));
    await expect(post('C0NOPE')).resolves.toBe('channel_not_found');
    // A private channel the bot is not in does not exist for it.
    await expect(post('C0PRIVATE')).resolves.toBe('channel_not_found');
    await expect(post('C0OLD')).resolves.toBe('is_archived');
    fake.addToken({ token: 'xoxb-no-public', scopes: ['chat:write'] });
    await expect(
      errorOf(clientFor('xoxb-no-public').chat.postMessage({ channel: 'C0RANDOM', text: 'hi' })),
    ).resolves.toBe('not_in_channel');
    // With chat:write.public (the bot's default scopes) public channels work without joining.
    await expect(client.chat.postMessage({ channel: 'C0RANDOM', text: 'hi' })).resolves.toMatchObject({
      ok: true,
    });
    // A user id posts into the DM with that user.
    const dm = await client.chat.postMessage({ channel: 'U0ALICE', text: 'approve?' });
    expect(dm.channel).toBe('D0ALICE');
    expect(fake.messages('U0ALICE').map((m) => m.text)).toEqual(['approve?']);
  });

  test('update, delete, ephemeral and permalink errors', async () => {
    const theirs = fake.postAsUser({ channel: 'C0OPS', user: 'U0ALICE', text: 'mine' });
    await expect(errorOf(client.chat.update({ channel: 'C0OPS', ts: theirs.ts, text: 'x' }))).resolves.toBe(
      'cant_update_message',
    );
    await expect(errorOf(client.chat.delete({ channel: 'C0OPS', ts: theirs.ts }))).resolves.toBe(
      'cant_delete_message',
    );
    await expect(errorOf(client.chat.update({ channel: 'C0OPS', ts: '1.000001', text: 'x' }))).resolves.toBe(
      'message_not_found',
    );
    const ours = await client.chat.postMessage({ channel: 'C0OPS', text: 'status' });
    const ts = ours.ts ?? '';
    await expect(errorOf(client.chat.update({ channel: 'C0OPS', ts, text: 'z'.repeat(4001) }))).resolves.toBe(
      'msg_too_long',
    );

    const link = await client.chat.getPermalink({ channel: 'C0OPS', message_ts: ts });
    expect(link.permalink).toBe(`https://flightdeck-test.slack.com/archives/C0OPS/p${ts.replace('.', '')}`);

    await expect(
      errorOf(client.chat.postEphemeral({ channel: 'C0OPS', user: 'U0NOBODY', text: 'x' })),
    ).resolves.toBe('user_not_in_channel');
    const ephemeral = await client.chat.postEphemeral({ channel: 'C0OPS', user: 'U0BOB', text: 'only you' });
    expect(ephemeral.message_ts).toEqual(expect.any(String));
    expect(fake.ephemerals('C0OPS', 'U0BOB').map((e) => e.text)).toEqual(['only you']);

    await client.chat.delete({ channel: 'C0OPS', ts });
    expect(fake.message('C0OPS', ts)).toBeUndefined();
  });

  test('a broadcast reply shows in the channel and in its thread', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0OPS', text: 'Run 2 queued' });
    const ts = parent.ts ?? '';
    await client.chat.postMessage({ channel: 'C0OPS', thread_ts: ts, text: 'failed', reply_broadcast: true });
    expect(fake.messages('C0OPS').map((m) => m.text)).toEqual(['Run 2 queued', 'failed']);
    expect(fake.thread('C0OPS', ts).map((m) => m.text)).toEqual(['failed']);
  });

  test('accepts JSON bodies as well as forms', async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fake.botToken}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ channel: 'C0OPS', text: 'json', blocks: [section('json')] }),
    });
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toMatchObject({ ok: true, channel: 'C0OPS' });
    expect(fake.messages('C0OPS')[0]?.blocks).toHaveLength(1);
  });
});

describe('auth and unknown methods', () => {
  test('no token is not_authed, a wrong one invalid_auth', async () => {
    await expect(errorOf(clientFor(undefined).auth.test())).resolves.toBe('not_authed');
    await expect(errorOf(clientFor('xoxb-wrong').auth.test())).resolves.toBe('invalid_auth');
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT' });
  });

  test('an unknown method is an ok:false platform error', async () => {
    const error = await client.apiCall('chat.teleport', { channel: 'C0OPS' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebAPIPlatformError);
    expect((error as InstanceType<typeof WebAPIPlatformError>).data.error).toBe('unknown_method');
  });
});

describe('directory', () => {
  test('users carry their time zone', async () => {
    const { user } = await client.users.info({ user: 'U0CAROL' });
    expect(user).toMatchObject({ tz: 'Asia/Kolkata', tz_offset: 19800, real_name: 'Carol Example' });
    await expect(errorOf(client.users.info({ user: 'U0NOBODY' }))).resolves.toBe('user_not_found');
  });

  test('channels and user groups', async () => {
    await expect(client.conversations.info({ channel: 'C0OPS' })).resolves.toMatchObject({
      channel: { id: 'C0OPS', name: 'ops', is_member: true, is_private: false, is_archived: false },
    });
    await expect(client.usergroups.users.list({ usergroup: 'S0ONCALL' })).resolves.toMatchObject({
      users: ['U0ALICE', 'U0BOB'],
    });
    await expect(errorOf(client.usergroups.users.list({ usergroup: 'S0NONE' }))).resolves.toBe(
      'no_such_subteam',
    );
  });
});

describe('conversations.members', () => {
  const everyone = Array.from({ length: 250 }, (_, i) => `U${String(i).padStart(4, '0')}`);

  test('pages through members with response_metadata.next_cursor, empty on the last page', async () => {
    fake.addChannel({ id: 'C0BIG', name: 'big', isPrivate: false, isArchived: false, members: everyone });
    const first = await client.conversations.members({ channel: 'C0BIG', limit: 200 });
    expect(first.members).toEqual(everyone.slice(0, 200));
    const cursor = first.response_metadata?.next_cursor ?? '';
    expect(cursor).not.toBe('');
    const last = await client.conversations.members({ channel: 'C0BIG', limit: 200, cursor });
    expect(last.members).toEqual(everyone.slice(200));
    expect(last.response_metadata?.next_cursor).toBe('');
    const defaults = await client.conversations.members({ channel: 'C0BIG' });
    expect(defaults.members).toHaveLength(100);
  });

  test('a private channel the bot is not in does not exist for it; bad cursors and limits are refused', async () => {
    await expect(client.conversations.members({ channel: 'C0OPS' })).resolves.toMatchObject({
      members: ['U0BOT', 'U0ALICE', 'U0BOB', 'U0CAROL'],
      response_metadata: { next_cursor: '' },
    });
    await expect(errorOf(client.conversations.members({ channel: 'C0PRIVATE' }))).resolves.toBe(
      'channel_not_found',
    );
    await expect(errorOf(client.conversations.members({ channel: 'C0NOPE' }))).resolves.toBe(
      'channel_not_found',
    );
    await expect(
      errorOf(client.conversations.members({ channel: 'C0OPS', cursor: 'not-a-cursor' })),
    ).resolves.toBe('invalid_cursor');
    await expect(errorOf(client.conversations.members({ channel: 'C0OPS', limit: 0 }))).resolves.toBe(
      'invalid_limit',
    );
  });
});

describe('views', () => {
  test('a trigger_id opens one modal, once, while fresh', async () => {
    const trigger = fake.issueTriggerId({ userId: 'U0ALICE' });
    const opened = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(opened.view).toMatchObject({ callback_id: 'ops.start', state: { values: {} } });
    expect(opened.view?.id).toMatch(/^V/);
    expect(fake.openStack('U0ALICE').map((v) => v.id)).toEqual([opened.view?.id]);

    await expect(errorOf(client.views.open({ trigger_id: trigger, view: modal() }))).resolves.toBe(
      'exchanged_trigger_id',
    );
    const stale = fake.issueTriggerId({ userId: 'U0ALICE', issuedAt: Date.now() - 3000 });
    await expect(errorOf(client.views.open({ trigger_id: stale, view: modal() }))).resolves.toBe(
      'expired_trigger_id',
    );
    await expect(errorOf(client.views.open({ trigger_id: 'not-a-trigger', view: modal() }))).resolves.toBe(
      'invalid_trigger_id',
    );
    expect(fake.openedViews()).toHaveLength(1);
  });

  test('an invalid view is invalid_arguments with the reason, and leaves the trigger usable', async () => {
    const trigger = fake.issueTriggerId({ userId: 'U0ALICE' });
    const error = await client.views
      .open({ trigger_id: trigger, view: modal('A title far too long for Slack') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebAPIPlatformError);
    expect((error as InstanceType<typeof WebAPIPlatformError>).data).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: { messages: [expect.stringContaining('[json-pointer:/view/title/text]')] },
    });
    await expect(client.views.open({ trigger_id: trigger, view: modal() })).resolves.toMatchObject({
      ok: true,
    });
  });

  test('push stacks at most three views; update checks the hash', async () => {
    const root = await client.views.open({
      trigger_id: fake.issueTriggerId({ userId: 'U0BOB' }),
      view: modal(),
    });
    const rootId = root.view?.id ?? '';
    for (let i = 0; i < 2; i += 1) {
      const trigger = fake.issueTriggerId({ userId: 'U0BOB', viewId: rootId });
      const pushed = await client.views.push({ trigger_id: trigger, view: modal(`Step ${i + 2}`) });
      expect(pushed.view?.root_view_id).toBe(rootId);
    }
    const fourth = fake.issueTriggerId({ userId: 'U0BOB', viewId: rootId });
    await expect(errorOf(client.views.push({ trigger_id: fourth, view: modal() }))).resolves.toBe(
      'push_limit_reached',
    );
    expect(fake.openStack('U0BOB')).toHaveLength(3);

    const hash = root.view?.hash ?? '';
    const updated = await client.views.update({ view_id: rootId, hash, view: modal('Updated') });
    expect(updated.view?.hash).not.toBe(hash);
    expect(fake.view(rootId)?.title).toMatchObject({ text: 'Updated' });
    await expect(errorOf(client.views.update({ view_id: rootId, hash, view: modal() }))).resolves.toBe(
      'hash_conflict',
    );
    await expect(errorOf(client.views.update({ view_id: 'VNOPE', view: modal() }))).resolves.toBe(
      'not_found',
    );

    fake.closeView(rootId);
    expect(fake.openStack('U0BOB')).toEqual([]);
    await expect(errorOf(client.views.update({ view_id: rootId, view: modal() }))).resolves.toBe('not_found');
  });

  test('external_id addresses a view and must be unique', async () => {
    const first = fake.issueTriggerId({ userId: 'U0ALICE' });
    await client.views.open({ trigger_id: first, view: modal('One', { external_id: 'run-1' }) });
    await client.views.update({ external_id: 'run-1', view: modal('Two', { external_id: 'run-1' }) });
    expect(fake.openedViews()[0]?.title).toMatchObject({ text: 'Two' });
    const second = fake.issueTriggerId({ userId: 'U0BOB' });
    await expect(
      errorOf(client.views.open({ trigger_id: second, view: modal('Dup', { external_id: 'run-1' }) })),
    ).resolves.toBe('duplicate_external_id');
  });

  test('publishes one Home tab per user', async () => {
    const home = { type: 'home' as const, blocks: [section('Recent runs')] };
    const first = await client.views.publish({ user_id: 'U0ALICE', view: home });
    const second = await client.views.publish({ user_id: 'U0ALICE', hash: first.view?.hash, view: home });
    expect(second.view?.id).toBe(first.view?.id);
    expect(fake.homeView('U0ALICE')?.blocks).toHaveLength(1);
    await expect(
      errorOf(client.views.publish({ user_id: 'U0ALICE', hash: first.view?.hash, view: home })),
    ).resolves.toBe('hash_conflict');
    await expect(
      errorOf(client.views.publish({ user_id: 'U0ALICE', view: { ...home, type: 'modal' } as never })),
    ).resolves.toBe('invalid_arguments');
  });
});

describe('what Slack does with a view_submission ack', () => {
  async function openFor(user: string) {
    const opened = await client.views.open({
      trigger_id: fake.issueTriggerId({ userId: user }),
      view: modal(),
    });
    return opened.view?.id ?? '';
  }

  test('no response_action closes the view; update replaces it; push stacks; clear closes all', async () => {
    const id = await openFor('U0ALICE');
    expect(fake.applySubmissionAck(id, { response_action: 'update', view: modal('Step 2') })).toBeUndefined();
    expect(fake.view(id)?.title).toMatchObject({ text: 'Step 2' });
    expect(fake.applySubmissionAck(id, { response_action: 'push', view: modal('Step 3') })).toBeUndefined();
    expect(fake.openStack('U0ALICE').map((v) => v.title?.text)).toEqual(['Step 2', 'Step 3']);
    expect(fake.applySubmissionAck(id, { response_action: 'clear' })).toBeUndefined();
    expect(fake.openStack('U0ALICE')).toEqual([]);

    const again = await openFor('U0ALICE');
    expect(fake.applySubmissionAck(again, '')).toBeUndefined();
    expect(fake.isViewOpen(again)).toBe(false);
  });

  test('errors must name input blocks; an invalid view is reported', async () => {
    const id = await openFor('U0BOB');
    expect(
      fake.applySubmissionAck(id, { response_action: 'errors', errors: { workflow: 'Pick one' } }),
    ).toBeUndefined();
    expect(fake.applySubmissionAck(id, { response_action: 'errors', errors: { nope: 'x' } })).toBe(
      'errors name block_ids that are not input blocks: nope',
    );
    expect(fake.applySubmissionAck(id, { response_action: 'update', view: modal('t'.repeat(30)) })).toMatch(
      /^invalid_arguments: \[ERROR\] .*json-pointer:\/view\/title\/text/,
    );
    expect(fake.isViewOpen(id)).toBe(true);
  });
});

describe('faults', () => {
  test('429 with Retry-After: WebClient waits and retries, or rejects when told to', async () => {
    fake.inject('chat.postMessage', { kind: 'rate_limited', retryAfterSec: 1 });
    const patient = clientFor(fake.botToken, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const started = Date.now();
    await expect(patient.chat.postMessage({ channel: 'C0OPS', text: 'eventually' })).resolves.toMatchObject({
      ok: true,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.calls('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);

    fake.inject('chat.postMessage', { kind: 'rate_limited', retryAfterSec: 7 });
    const strict = clientFor(fake.botToken, { rejectRateLimitedCalls: true });
    const error = await strict.chat.postMessage({ channel: 'C0OPS', text: 'now' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect((error as InstanceType<typeof WebAPIRateLimitedError>).retryAfter).toBe(7);
  });

  test('injected ok:false, HTTP 500, delay and reset reach the caller as Slack errors', async () => {
    fake.inject('chat.update', { kind: 'error', error: 'ratelimited' });
    await expect(errorOf(client.chat.update({ channel: 'C0OPS', ts: '1.1', text: 'x' }))).resolves.toBe(
      'ratelimited',
    );

    fake.inject('auth.test', { kind: 'http', status: 500 });
    const http = await client.auth.test().catch((e: unknown) => e);
    expect(http).toBeInstanceOf(WebAPIHTTPError);
    expect((http as InstanceType<typeof WebAPIHTTPError>).statusCode).toBe(500);

    fake.inject('auth.test', { kind: 'reset' });
    await expect(client.auth.test()).rejects.toBeInstanceOf(WebAPIRequestError);

    fake.inject('auth.test', { kind: 'delay', ms: 150 });
    const started = Date.now();
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    fake.inject('*', { kind: 'error', error: 'fatal_error' }, 2);
    await expect(errorOf(client.users.info({ user: 'U0BOB' }))).resolves.toBe('fatal_error');
    await expect(errorOf(client.auth.test())).resolves.toBe('fatal_error');
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });
});

describe('response_url', () => {
  async function post(url: string, body: Record<string, unknown>): Promise<number> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  }

  test('works five times, records what was sent and acts on it', async () => {
    const original = await client.chat.postMessage({ channel: 'C0OPS', text: 'Approve run 7?' });
    const url = fake.issueResponseUrl({ channelId: 'C0OPS', userId: 'U0BOB', messageTs: original.ts });
    expect(await post(url, { text: 'Only you can see this' })).toBe(200);
    expect(await post(url, { response_type: 'in_channel', text: 'Run 7 approved by Bob' })).toBe(200);
    expect(await post(url, { replace_original: true, text: 'Approved' })).toBe(200);
    expect(await post(url, { text: 'four' })).toBe(200);
    expect(await post(url, { text: 'five' })).toBe(200);
    expect(await post(url, { text: 'six' })).toBe(404);

    expect(fake.ephemerals('C0OPS', 'U0BOB').map((e) => e.text)).toEqual([
      'Only you can see this',
      'four',
      'five',
    ]);
    expect(fake.messages('C0OPS').map((m) => m.text)).toEqual(['Approved', 'Run 7 approved by Bob']);
    expect(fake.responses(url).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 404]);
    expect(fake.responses(url)[2]?.body).toEqual({ replace_original: true, text: 'Approved' });
  });

  test('blocks Slack would refuse are a 400', async () => {
    const url = fake.issueResponseUrl({ channelId: 'C0OPS', userId: 'U0BOB' });
    expect(await post(url, { text: 'x', blocks: [section('')] })).toBe(400);
    expect(fake.ephemerals()).toEqual([]);
  });

  test('an unknown or expired url is 404', async () => {
    expect(await post(`${fake.url}/response/nope`, { text: 'x' })).toBe(404);
    const short = await FakeSlack.start({ responseUrlTtlMs: 0 });
    try {
      const url = short.issueResponseUrl({ channelId: 'C0OPS', userId: 'U0BOB' });
      await new Promise((r) => setTimeout(r, 5));
      expect(await post(url, { text: 'late' })).toBe(404);
    } finally {
      await short.close();
    }
  });
});
