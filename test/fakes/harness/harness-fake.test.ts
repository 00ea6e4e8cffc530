import { HarnessFake } from './harness-fake';

describe('the Harness fake follows the seed and upstream-apis.md §A', () => {
  let fake: HarnessFake;
  let headers: Record<string, string>;

  beforeEach(async () => {
    fake = await HarnessFake.start();
    headers = {
      'x-api-key': fake.apiKey,
      'Harness-Account': fake.accountId,
      'content-type': 'application/json',
    };
  });
  afterEach(() => fake.close());

  const get = (path: string, h: Record<string, string> = headers) =>
    fetch(`${fake.baseUrl}${path}`, { headers: h });
  const post = (path: string, body: unknown) =>
    fetch(`${fake.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

  it('answers 401 with a goa error without the right x-api-key', async () => {
    const res = await get('/iacm/api/modules', { 'Harness-Account': fake.accountId });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/vnd.goa.error');
    expect(await res.json()).toEqual({
      name: 'unauthorized',
      id: expect.any(String),
      message: 'invalid or missing API key',
      temporary: false,
      timeout: false,
      fault: false,
    });
  });

  it('needs the account as Harness-Account or accountIdentifier on module-registry reads', async () => {
    const none = await get('/iacm/api/modules', { 'x-api-key': fake.apiKey });
    expect(none.status).toBe(400);
    const byQuery = await get(`/iacm/api/modules?accountIdentifier=${fake.accountId}`, {
      'x-api-key': fake.apiKey,
    });
    expect(byQuery.status).toBe(200);
    const other = await get('/iacm/api/modules', { 'x-api-key': fake.apiKey, 'Harness-Account': 'other' });
    expect(other.status).toBe(403);
  });

  it('pages 1-based with flat arrays and x-page-size / x-total-items / x-total-pages', async () => {
    for (const name of ['a', 'b', 'c']) fake.addModule({ name });
    const res = await get('/iacm/api/modules?page=2&limit=2');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-page-size')).toBe('2');
    expect(res.headers.get('x-total-items')).toBe('3');
    expect(res.headers.get('x-total-pages')).toBe('2');
    const body = (await res.json()) as { name: string }[];
    expect(body.map((m) => m.name)).toEqual(['c']);
    expect((await get('/iacm/api/modules?page=0')).status).toBe(400);
    expect((await get('/iacm/api/modules?limit=1001')).status).toBe(400);
  });

  it('serves the same API with and without the /gateway prefix', async () => {
    const res = await fetch(`${fake.rootUrl}/iacm/api/modules`, { headers });
    expect(res.status).toBe(200);
    expect(fake.requests.map((r) => r.gateway)).toEqual([false]);
  });

  it('validates the create body and names the missing field', async () => {
    const module = fake.addModule({ name: 'vpc' });
    const body = {
      account: fake.accountId,
      org: 'default',
      project: 'infra',
      pipeline: 'p',
      pipelineExecutionId: 'e1',
      pipelineStageId: 's1',
    };
    const missing = await post(`/iacm/api/modules/${module.id}/executions`, {
      ...body,
      pipelineStageId: undefined,
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toBe(
      'missing required payload field "pipelineStageId"',
    );
    const created = await post(`/iacm/api/modules/${module.id}/executions`, body);
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({
      account: fake.accountId,
      moduleId: module.id,
      created: expect.any(Number),
      metadata: { pipeline: 'p', pipeline_execution_id: 'e1', pipeline_stage_id: 's1' },
    });
    expect((await post(`/iacm/api/modules/${module.id}/executions`, body)).status).toBe(409);
    expect((await post('/iacm/api/modules/nope/executions', body)).status).toBe(404);
  });

  it('answers the pipeline service with the NG envelope and follows the scripted statuses', async () => {
    fake.addPipelineExecution({
      planExecutionId: 'e1',
      org: 'default',
      project: 'infra',
      pipeline: 'p',
      stages: [{ id: 's1', name: 'Stage one' }],
      steps: [{ status: 'Queued' }, { status: 'Success' }],
    });
    const path = '/pipeline/api/pipelines/execution/v2/e1';
    const missing = await get(path);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      status: 'ERROR',
      code: 'INVALID_REQUEST',
      correlationId: expect.any(String),
    });
    const query = `?accountIdentifier=${fake.accountId}&orgIdentifier=default&projectIdentifier=infra`;
    const statuses: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const body = (await (await get(`${path}${query}`)).json()) as {
        data: { pipelineExecutionSummary: { status: string } };
      };
      statuses.push(body.data.pipelineExecutionSummary.status);
    }
    expect(statuses).toEqual(['Queued', 'Success', 'Success']);
    expect(
      (await get(`${path}?accountIdentifier=${fake.accountId}&orgIdentifier=x&projectIdentifier=infra`))
        .status,
    ).toBe(404);
  });

  it('moves a manual script only when told to, and aborts it', async () => {
    fake.addPipelineExecution({
      planExecutionId: 'e2',
      org: 'default',
      project: 'infra',
      pipeline: 'p',
      stages: [{ id: 's1', name: 'Stage one' }],
      steps: [
        { status: 'Running', stage: 's1' },
        { status: 'ApprovalWaiting', stage: 's1' },
      ],
      advance: 'manual',
    });
    const query = `?accountIdentifier=${fake.accountId}&orgIdentifier=default&projectIdentifier=infra`;
    type Detail = {
      data: {
        pipelineExecutionSummary: { status: string; layoutNodeMap: Record<string, { status: string }> };
      };
    };
    const read = async () =>
      ((await (await get(`/pipeline/api/pipelines/execution/v2/e2${query}`)).json()) as Detail).data
        .pipelineExecutionSummary;
    expect((await read()).status).toBe('Running');
    expect((await read()).status).toBe('Running');
    fake.advance('e2');
    const waiting = await read();
    expect(waiting.status).toBe('ApprovalWaiting');
    expect(waiting.layoutNodeMap['uuid-s1']?.status).toBe('ApprovalWaiting');
    const interrupt = (type: string) =>
      fetch(`${fake.baseUrl}/pipeline/api/pipeline/execute/interrupt/e2${query}&interruptType=${type}`, {
        method: 'PUT',
        headers,
      });
    expect((await interrupt('Bogus')).status).toBe(400);
    expect((await interrupt('AbortAll')).status).toBe(200);
    const again = await interrupt('AbortAll');
    expect(await again.json()).toMatchObject({ code: 'ABORT_ALL_ALREADY_NG' });
    expect((await read()).status).toBe('Aborted');
  });

  it('injects faults once, in order', async () => {
    fake.failNext('listModules', 423, { id: 'lock-1' });
    fake.inject('listModules', { kind: 'html', status: 502 });
    const locked = await get('/iacm/api/modules');
    expect(locked.status).toBe(423);
    expect(await locked.json()).toMatchObject({ name: 'locked', id: 'lock-1' });
    const html = await get('/iacm/api/modules');
    expect(html.headers.get('content-type')).toBe('text/html');
    expect((await get('/iacm/api/modules')).status).toBe(200);
  });

  it('holds a pipeline on its Harness Approval until the activity is posted, and refuses a key that may not approve', async () => {
    const pipeline = fake.addPipelineExecution({
      planExecutionId: 'planApproval1',
      org: 'default',
      project: 'infra',
      pipeline: 'module_tests',
      stages: [{ id: 'approve', name: 'Approve' }],
      steps: [
        { status: 'ApprovalWaiting', stage: 'approve', approval: { message: 'Go?' } },
        { status: 'Success' },
      ],
    });
    pipeline.read();
    pipeline.read();
    expect(pipeline.now().status).toBe('ApprovalWaiting');
    const listed = await get(
      `/pipeline/api/v1/orgs/default/projects/infra/approvals/execution/planApproval1?approval_status=WAITING`,
    );
    const [approval] = (await listed.json()) as { id: string; details: { approvalMessage: string } }[];
    expect(approval?.details.approvalMessage).toBe('Go?');
    const activity = `/pipeline/api/approvals/${approval?.id}/harness/activity?accountIdentifier=${fake.accountId}`;
    expect((await post(activity, { comments: 'no action' })).status).toBe(400);
    fake.keyMayApprove = false;
    const refused = await post(activity, { action: 'APPROVE' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/not authorized/),
    });
    fake.keyMayApprove = true;
    expect((await post(activity, { action: 'APPROVE', comments: 'ok' })).status).toBe(200);
    pipeline.read();
    expect(pipeline.now().status).toBe('Success');
  });
});
