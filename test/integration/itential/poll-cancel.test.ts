import type { UpstreamRef } from '../../../src/core/operations/contract';
import type { StartInput } from '../../../src/integrations/itential/start-input';
import { type JobScript, scripts, steps } from '../../fakes/itential';
import { caught, type Rig, type RigOptions, startContext, startRig } from './rig';
import { type UpstreamError } from '../../../src/core/errors';

const WORKFLOWS: { name: string; script: JobScript }[] = [
  { name: 'Happy', script: scripts.happy() },
  { name: 'Adapter', script: scripts.adapterError() },
  { name: 'Pauses', script: [steps.running('a', 0.1), steps.paused(0.4), steps.canceled()] },
  { name: 'Incomplete', script: [steps.running('a', 0.1), steps.incomplete()] },
  {
    name: 'Odd error',
    script: [
      {
        status: 'error',
        task: { name: 'callApi', status: 'error' },
        error: [{ message: { code: 42, details: { list: Array.from({ length: 200 }, (_, i) => i) } } }],
      },
    ],
  },
  { name: 'Single', script: [steps.running('only', 0.3)] },
];

let rig: Rig;

async function setUp(options: RigOptions = {}) {
  rig = await startRig({ ...options, fake: { workflows: WORKFLOWS, ...options.fake } });
}
afterEach(() => rig.fake.close());

async function started(workflow: string): Promise<UpstreamRef<StartInput>> {
  const input: StartInput = { workflow, type: 'automation', variables: {}, groups: [] };
  const result = await rig.op.start(input, startContext());
  return { upstreamId: result.upstreamId, input };
}

const poll = (ref: UpstreamRef<StartInput>) => {
  if (!rig.op.poll) throw new Error('itential.start polls');
  return rig.op.poll(ref);
};
const jobGets = () => rig.fake.count('GET', /^\/operations-manager\/jobs\/[0-9a-f]{24}$/);

describe('poll maps Itential statuses', () => {
  beforeEach(() => setUp());

  test('running with a task → running with detail and progress; manual task → waiting; complete → succeeded', async () => {
    const ref = await started('Happy');
    // The fake advances a job one script step per GET.
    const manual = await poll(ref);
    expect(manual).toMatchObject({
      state: 'waiting',
      upstreamStatus: 'running',
      waitingFor: "manual task 'Approve change (ViewData)'",
      detail: 'task Approve change (ViewData)',
      progress: 0.5,
    });
    const done = await poll(ref);
    expect(done).toMatchObject({ state: 'succeeded', upstreamStatus: 'complete', progress: 1 });
    expect(done.problem).toBeUndefined();
    expect(done.url).toBe(`${rig.fake.url}/operations-manager/jobs/${ref.upstreamId}`);
  });

  test('asks only for the fields it reads', async () => {
    const ref = await started('Happy');
    await poll(ref);
    const get = rig.fake.requests.find((r) => r.path === `/operations-manager/jobs/${ref.upstreamId}`);
    expect(get?.query.include).toBe('name,description,status,error,metrics,tasks');
  });

  test('error → failed, may recover, with the failing task and the nested adapter message', async () => {
    const ref = await started('Adapter');
    const failed = await poll(ref);
    expect(failed).toMatchObject({ state: 'failed', upstreamStatus: 'error', mayRecover: true });
    expect(failed.problem).toEqual({
      title: "Itential job 'Adapter' failed at task Push config (pushConfig)",
      message:
        'Push config (pushConfig): transformations.run: Missing one of the following required instances: arg2, arg1',
      code: '500',
      errorId: ref.upstreamId,
      where: 'task Push config (pushConfig)',
      hint: expect.stringContaining('retry the task in Itential Operations Manager') as string,
    });
  });

  test('an error object without text falls back to truncated JSON', async () => {
    const ref = await started('Odd error');
    const failed = await poll(ref);
    expect(failed.problem?.message).toMatch(/^callApi: \{"code":42,"details":\{"list":\[0,1,2,/);
    expect(failed.problem?.message.length).toBeLessThan(330);
    expect(failed.problem?.message.endsWith('…')).toBe(true);
    expect(failed.problem?.where).toBe('task callApi');
  });

  test('paused → paused; canceled → canceled', async () => {
    const ref = await started('Pauses');
    expect(await poll(ref)).toMatchObject({ state: 'paused', upstreamStatus: 'paused', progress: 0.4 });
    expect(await poll(ref)).toMatchObject({ state: 'canceled', upstreamStatus: 'canceled' });
  });

  test('incomplete → failed for good, with the job-level message', async () => {
    const ref = await started('Incomplete');
    const failed = await poll(ref);
    expect(failed.state).toBe('failed');
    expect(failed.mayRecover).toBeUndefined();
    expect(failed.problem?.title).toBe("Itential job 'Incomplete' could not finish");
    expect(failed.problem?.message).toMatch(/^Job has no available transitions/);
    expect(failed.problem?.hint).toMatch(/end task/);
  });

  test('a status this code does not know keeps the run running and shows the word verbatim', async () => {
    const ref = await started('Single');
    rig.fake.setStatus(ref.upstreamId, 'archived-by-policy');
    expect(await poll(ref)).toMatchObject({
      state: 'running',
      upstreamStatus: 'archived-by-policy',
      detail: 'task only',
      progress: 0.3,
    });
  });

  test('a job that is gone is a readable 404 naming the job', async () => {
    const err = (await caught(
      poll({
        upstreamId: 'ffffffffffffffffffffffff',
        input: { workflow: 'x', type: 'a', variables: {}, groups: [] },
      }),
    )) as UpstreamError;
    expect(err.httpStatus).toBe(404);
    expect(err.upstreamCode).toBe('not_found');
    expect(err.hint).toMatch(/^Job ffffffffffffffffffffffff was not found/);
    expect(jobGets()).toBe(1);
  });
});

describe('reads retry transient failures only', () => {
  beforeEach(() => setUp({ fake: { advanceOnPoll: false } }));

  test('bounded: three 502 pages, then a readable error', async () => {
    const ref = await started('Single');
    rig.fake.inject({
      method: 'GET',
      path: /^\/operations-manager\/jobs\/.+/,
      times: 5,
      fault: { kind: 'html', status: 502 },
    });
    const err = (await caught(poll(ref))) as UpstreamError;
    expect(jobGets()).toBe(3);
    expect(err.message).toBe('HTTP 502: an HTML page titled "502 Bad Gateway"');
    expect(err.retryable).toBe(true);
    expect(err.hint).toMatch(/temporary/);
  });

  test('a 500 is not retried', async () => {
    const ref = await started('Single');
    rig.fake.inject({
      method: 'GET',
      path: /^\/operations-manager\/jobs\/.+/,
      fault: { kind: 'status', status: 500, body: '{"message":"Mongo is sad","data":null}' },
    });
    const err = (await caught(poll(ref))) as UpstreamError;
    expect(jobGets()).toBe(1);
    expect(err.message).toBe('HTTP 500: Mongo is sad');
  });

  test('a redirect (an SSO proxy) is not followed; the hint shows the path without its query', async () => {
    const ref = await started('Single');
    rig.fake.inject({
      method: 'GET',
      path: /^\/operations-manager\/jobs\/.+/,
      fault: {
        kind: 'status',
        status: 302,
        headers: { Location: 'https://sso.example.com/login?token=abc123secret' },
      },
    });
    const err = (await caught(poll(ref))) as UpstreamError;
    expect(jobGets()).toBe(1);
    expect(err.message).toBe('HTTP 302: no body');
    expect(err.hint).toMatch(/^Itential redirected the request to \/login: check ITENTIAL_BASE_URL/);
    expect(JSON.stringify(err)).not.toContain('abc123secret');
  });

  test('an HTML page with status 200 is a readable bad response', async () => {
    const ref = await started('Single');
    rig.fake.inject({
      method: 'GET',
      path: /^\/operations-manager\/jobs\/.+/,
      fault: {
        kind: 'status',
        status: 200,
        contentType: 'text/html',
        body: '<html><title>Sign in - SSO</title></html>',
      },
    });
    const err = (await caught(poll(ref))) as UpstreamError;
    expect(err.kind).toBe('bad_response');
    expect(err.message).toBe('Itential answered with an HTML page titled "Sign in - SSO" instead of JSON');
    expect(err.ambiguous).toBe(false);
  });

  test('a body of an unexpected shape is a readable bad response', async () => {
    const ref = await started('Single');
    rig.fake.inject({
      method: 'GET',
      path: /^\/operations-manager\/jobs\/.+/,
      fault: { kind: 'status', status: 200, body: '{"message":"ok","data":{"status":"running"}}' },
    });
    const err = (await caught(poll(ref))) as UpstreamError;
    expect(err.message).toBe(
      'Itential answered with an unexpected shape (data._id: Invalid input: expected string, received undefined)',
    );
  });
});

describe('size limit', () => {
  beforeEach(() => setUp({ fake: { advanceOnPoll: false }, tuning: { maxResponseBytes: 64 * 1024 } }));

  test('an oversized body is refused, readably', async () => {
    const ref = await started('Single');
    rig.fake.inject({
      method: 'GET',
      path: /^\/operations-manager\/jobs\/.+/,
      fault: { kind: 'oversized', bytes: 200_000 },
    });
    const err = (await caught(poll(ref))) as UpstreamError;
    expect(err.kind).toBe('bad_response');
    expect(err.message).toBe("Itential's answer was larger than the 64 KiB the bot accepts");
  });
});

describe('job links', () => {
  test('ITENTIAL_UI_URL as a template replaces the whole link', async () => {
    await setUp({ env: { ITENTIAL_UI_URL: 'https://ops.example.com/jobs/{jobId}/view' } });
    const ref = await started('Single');
    expect((await poll(ref)).url).toBe(`https://ops.example.com/jobs/${ref.upstreamId}/view`);
  });

  test('ITENTIAL_UI_URL as a base replaces the host', async () => {
    await setUp({ env: { ITENTIAL_UI_URL: 'https://ops.example.com/' } });
    const ref = await started('Single');
    expect((await poll(ref)).url).toBe(`https://ops.example.com/operations-manager/jobs/${ref.upstreamId}`);
  });
});

describe('cancel', () => {
  beforeEach(() => setUp({ fake: { advanceOnPoll: false } }));
  const cancel = (ref: UpstreamRef<StartInput>) => {
    if (!rig.op.cancel) throw new Error('itential.start cancels');
    return rig.op.cancel(ref);
  };
  const cancels = () => rig.fake.count('POST', '/operations-manager/jobs/cancel');

  test('requests the cancel; a second cancel of the finished job is already_finished', async () => {
    const ref = await started('Happy');
    expect(await cancel(ref)).toBe('requested');
    const sent = rig.fake.requests.find((r) => r.path === '/operations-manager/jobs/cancel');
    expect(sent?.body).toEqual({ jobIds: [ref.upstreamId] });
    expect((await poll(ref)).state).toBe('canceled');
    expect(await cancel(ref)).toBe('already_finished');
    expect(cancels()).toBe(2);
  });

  test('a completed job: already_finished', async () => {
    const ref = await started('Happy');
    rig.fake.advance(ref.upstreamId);
    rig.fake.advance(ref.upstreamId);
    expect(await cancel(ref)).toBe('already_finished');
  });

  test('cancel is safe to retry: a 503 is retried', async () => {
    const ref = await started('Happy');
    rig.fake.inject({ path: '/operations-manager/jobs/cancel', fault: { kind: 'status', status: 503 } });
    expect(await cancel(ref)).toBe('requested');
    expect(cancels()).toBe(2);
  });

  test('any other 500 is an error', async () => {
    const ref = await started('Happy');
    rig.fake.inject({
      path: '/operations-manager/jobs/cancel',
      fault: { kind: 'status', status: 500, body: '{"message":"Internal error"}' },
    });
    const err = (await caught(cancel(ref))) as UpstreamError;
    expect(err.message).toBe('HTTP 500: Internal error');
  });
});
