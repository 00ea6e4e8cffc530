import { adapterError, FakeItential, scripts, steps } from '../../fakes/itential';

/** The fake's own contract, over raw HTTP: what end-to-end tests can rely on. */

let fake: FakeItential;
let token = '';

beforeEach(async () => {
  fake = await new FakeItential({
    workflows: [
      { name: 'Happy', script: scripts.happy() },
      { name: 'Broken', script: [steps.adapterFailure('pushConfig', 'device unreachable')] },
    ],
    advanceOnPoll: false,
  }).start();
  const login = await fetch(`${fake.url}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: { username: 'flightdeck', password: 'pw-Sup3r-secret' } }),
  });
  token = await login.text();
});
afterEach(() => fake.close());

const call = async (method: string, path: string, body?: unknown) => {
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${fake.url}${path}${sep}token=${token}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test('login answers a raw token; routes without it are 401', async () => {
  expect(token).toMatch(/^[0-9a-f]{32}$/);
  const res = await fetch(`${fake.url}/operations-manager/jobs`);
  expect(res.status).toBe(401);
});

test('jobs/start validates the body like the seed schema', async () => {
  const extra = await call('POST', '/operations-manager/jobs/start', {
    workflow: 'Happy',
    options: {},
    variables: {},
  });
  expect(extra.status).toBe(400);
  expect(extra.body.metadata).toEqual({
    errors: [{ instancePath: '', message: 'must NOT have additional properties (variables)' }],
  });
  const unknown = await call('POST', '/operations-manager/jobs/start', { workflow: 'Nope', options: {} });
  expect(unknown).toEqual({
    status: 404,
    body: { message: 'Workflow "Nope" not found', data: null, metadata: {} },
  });
});

test('a job walks its script on advance(); include projects the fields', async () => {
  const started = await call('POST', '/operations-manager/jobs/start', {
    workflow: 'Happy',
    options: { description: 'd' },
  });
  const id = (started.body.data as { _id: string })._id;
  expect(fake.jobs.get(id)?.status).toBe('running');
  fake.advance(id);
  const got = await call('GET', `/operations-manager/jobs/${id}?include=status,tasks`);
  const data = got.body.data as Record<string, unknown>;
  expect(Object.keys(data).sort()).toEqual(['_id', 'status', 'tasks']);
  expect(Object.values(data.tasks as Record<string, { type: string; status: string }>)).toContainEqual(
    expect.objectContaining({ type: 'manual', status: 'running' }),
  );
});

test('a failing script records the nested adapter error on the failing task', async () => {
  const started = await call('POST', '/operations-manager/jobs/start', { workflow: 'Broken', options: {} });
  const job = fake.jobs.get((started.body.data as { _id: string })._id);
  expect(job?.status).toBe('error');
  expect(job?.error[0]?.message).toEqual(adapterError('device unreachable'));
  expect(job?.tasks[job.error[0]?.task ?? '']?.name).toBe('pushConfig');
});

test('the job list filters, sorts newest first and limits', async () => {
  for (const description of ['a', 'b', 'c']) {
    await call('POST', '/operations-manager/jobs/start', { workflow: 'Happy', options: { description } });
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await call('POST', '/operations-manager/jobs/start', { workflow: 'Broken', options: {} });
  const list = await call(
    'GET',
    '/operations-manager/jobs?equals[name]=Happy&sort=metrics.start_time&order=-1&limit=2&include=description',
  );
  expect((list.body.data as { description: string }[]).map((j) => j.description)).toEqual(['c', 'b']);
  expect(list.body.metadata).toEqual({ total: 3, skip: 0, limit: 2 });
});

test('cancelling a finished job is the 500 Itential sends, with a data map', async () => {
  const started = await call('POST', '/operations-manager/jobs/start', { workflow: 'Happy', options: {} });
  const id = (started.body.data as { _id: string })._id;
  expect((await call('POST', '/operations-manager/jobs/cancel', { jobIds: [id] })).status).toBe(200);
  expect(await call('POST', '/operations-manager/jobs/cancel', { jobIds: [id] })).toEqual({
    status: 500,
    body: {
      message: 'Failed to cancel all jobs',
      data: { [id]: `Job ${id} is already canceled` },
      metadata: {},
    },
  });
  expect(fake.count('POST', '/operations-manager/jobs/cancel')).toBe(2);
});

test('a waiting manual task holds its job until it is claimed and finished; finish validates its body', async () => {
  fake.addWorkflow({ name: 'Gated', script: [steps.manualWaiting('Approve change'), steps.complete()] });
  const started = await call('POST', '/operations-manager/jobs/start', { workflow: 'Gated', options: {} });
  const jobId = (started.body.data as { _id: string })._id;
  fake.advance(jobId);
  expect(fake.jobs.get(jobId)?.status).toBe('running');
  const listed = await call('GET', '/operations-manager/tasks?equals[type]=manual&equals[status]=running');
  const [task] = listed.body.data as { _id: string; job: { _id: string; task: string } }[];
  expect(task?.job._id).toBe(jobId);
  const finish = `/operations-manager/jobs/${jobId}/tasks/${task?.job.task}/finish`;
  expect((await call('POST', finish, { taskData: { finish_state: 'success' } })).status).toBe(400);
  expect(
    (await call('POST', finish, { taskData: { finish_state: 'success', variables: {} } })).body.message,
  ).toMatch(/must be claimed/);
  expect((await call('POST', `/operations-manager/tasks/${task?._id}/claim`)).status).toBe(200);
  expect((await call('POST', finish, { taskData: { finish_state: 'success', variables: {} } })).status).toBe(
    200,
  );
  expect(fake.jobs.get(jobId)?.status).toBe('complete');
});
