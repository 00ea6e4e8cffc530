import {
  isRecord,
  json,
  serveLoopback,
  type LoopbackServer,
  type SimReply,
  type SimRequest,
} from './loopback';
import { Script, type Pace } from './scenario';

/**
 * A scripted Harness for the demo: the IaCM module registry and module executions (upstream-apis.md §A),
 * the pipeline executions they are registered against, each walking through a fixed story once a module
 * execution is registered on it (a Harness Approval holds its story until someone decides it), and the
 * org, project and pipeline lists the form's pickers read.
 */

export const HARNESS_DEMO = {
  account: 'demoAccount01',
  org: 'platform',
  project: 'network',
  pipeline: 'iacm_apply',
  stage: 'apply',
};

type StageStatus = 'NotStarted' | 'Running' | 'ApprovalWaiting' | 'ApprovalRejected' | 'Success' | 'Failed';

interface Step {
  status: StageStatus;
  plan: StageStatus;
  apply: StageStatus;
  failure?: string;
  /** A Harness Approval waits here with this message until its activity is posted. */
  approval?: string;
}

interface Entity {
  identifier: string;
  name: string;
}

export const HARNESS_ORGS: Entity[] = [
  { identifier: HARNESS_DEMO.org, name: 'Platform' },
  { identifier: 'payments', name: 'Payments' },
];

export const HARNESS_PROJECTS: (Entity & { org: string })[] = [
  { org: HARNESS_DEMO.org, identifier: HARNESS_DEMO.project, name: 'Network' },
  { org: HARNESS_DEMO.org, identifier: 'identity', name: 'Identity' },
  { org: 'payments', identifier: 'checkout', name: 'Checkout' },
];

export const HARNESS_PIPELINES: (Entity & { org: string; project: string })[] = [
  {
    org: HARNESS_DEMO.org,
    project: HARNESS_DEMO.project,
    identifier: HARNESS_DEMO.pipeline,
    name: 'IaCM apply',
  },
  {
    org: HARNESS_DEMO.org,
    project: HARNESS_DEMO.project,
    identifier: 'iacm_drift',
    name: 'IaCM drift check',
  },
  { org: 'payments', project: 'checkout', identifier: 'iacm_apply', name: 'IaCM apply' },
];

interface DemoPipelineExecution {
  id: string;
  number: number;
  story: Step[];
}

export const HARNESS_MODULES = [
  { id: 'vpc-core', name: 'vpc-core', system: 'opentofu', description: 'Core VPC and subnets' },
  { id: 'edge-firewall', name: 'edge-firewall', system: 'terraform', description: 'Edge firewall rules' },
];

export const HARNESS_PIPELINE_EXECUTIONS: DemoPipelineExecution[] = [
  {
    id: 'demoApplyOk42',
    number: 42,
    story: [
      { status: 'Running', plan: 'Running', apply: 'NotStarted' },
      {
        status: 'ApprovalWaiting',
        plan: 'Success',
        apply: 'ApprovalWaiting',
        approval: 'The plan adds 2 subnets and changes 1 route table. Apply it?',
      },
      { status: 'Running', plan: 'Success', apply: 'Running' },
      { status: 'Success', plan: 'Success', apply: 'Success' },
    ],
  },
  {
    id: 'demoApplyBad43',
    number: 43,
    story: [
      { status: 'Running', plan: 'Running', apply: 'NotStarted' },
      {
        status: 'Failed',
        plan: 'Failed',
        apply: 'NotStarted',
        failure:
          'Error: creating EC2 Subnet: UnauthorizedOperation: You are not authorized to perform this operation.',
      },
    ],
  },
];

interface Registered {
  moduleId: string;
  execution: DemoPipelineExecution;
  script: Script<Step>;
  created: number;
  aborted: boolean;
  rejected: boolean;
}

/** The demo's approval instance of a pipeline execution: one approval stage per story. */
const approvalIdOf = (executionId: string) => `${executionId}-approval`;

export class HarnessSimulator {
  /** By pipeline execution id: the demo registers one module execution per pipeline execution. */
  private readonly registered = new Map<string, Registered>();

  constructor(private readonly pace: Pace) {}

  route(req: SimRequest): SimReply {
    const { method, path } = req;
    if (method === 'GET' && path === '/iacm/api/modules') {
      const term = (req.query.get('searchTerm') ?? '').toLowerCase();
      return json(200, HARNESS_MODULES.filter((m) => m.name.includes(term)).map(moduleJson));
    }
    const module = /^\/iacm\/api\/modules\/([^/]+)$/.exec(path);
    if (method === 'GET' && module?.[1]) {
      const found = HARNESS_MODULES.find((m) => m.id === decodeURIComponent(module[1] ?? ''));
      return found ? json(200, moduleJson(found)) : goa(404, 'not_found', 'module not found');
    }
    const executions = /^\/iacm\/api\/modules\/([^/]+)\/executions$/.exec(path);
    if (executions?.[1] && method === 'POST')
      return this.register(decodeURIComponent(executions[1]), req.body);
    if (executions?.[1] && method === 'GET') return this.list(decodeURIComponent(executions[1]));
    const pipeline = /^\/pipeline\/api\/pipelines\/execution\/v2\/([^/]+)$/.exec(path);
    if (method === 'GET' && pipeline?.[1]) return this.pipeline(decodeURIComponent(pipeline[1]));
    const interrupt = /^\/pipeline\/api\/pipeline\/execute\/interrupt\/([^/]+)$/.exec(path);
    if (method === 'PUT' && interrupt?.[1]) return this.abort(decodeURIComponent(interrupt[1]));
    const approvals =
      /^\/pipeline\/api\/v1\/orgs\/[^/]+\/projects\/[^/]+\/approvals\/execution\/([^/]+)$/.exec(path);
    if (method === 'GET' && approvals?.[1]) return this.approvals(decodeURIComponent(approvals[1]));
    const activity = /^\/pipeline\/api\/approvals\/([^/]+)\/harness\/activity$/.exec(path);
    if (method === 'POST' && activity?.[1]) return this.decide(decodeURIComponent(activity[1]), req.body);
    const term = (req.query.get('searchTerm') ?? '').toLowerCase();
    if (method === 'GET' && path === '/ng/api/organizations')
      return ngPage(HARNESS_ORGS, term, (organization) => ({ organization }));
    if (method === 'GET' && path === '/ng/api/projects')
      return ngPage(
        HARNESS_PROJECTS.filter((p) => p.org === req.query.get('orgIdentifier')),
        term,
        (project) => ({ project }),
      );
    if (method === 'POST' && path === '/pipeline/api/pipelines/list')
      return ngPage(
        HARNESS_PIPELINES.filter(
          (p) => p.org === req.query.get('orgIdentifier') && p.project === req.query.get('projectIdentifier'),
        ),
        term,
        (pipeline) => pipeline,
      );
    return goa(404, 'not_found', `no route ${method} ${path}`);
  }

  private register(moduleId: string, body: unknown): SimReply {
    const b = isRecord(body) ? body : {};
    const execution = HARNESS_PIPELINE_EXECUTIONS.find((e) => e.id === b.pipelineExecutionId);
    if (!HARNESS_MODULES.some((m) => m.id === moduleId)) return goa(404, 'not_found', 'module not found');
    if (!execution) return goa(400, 'bad_request', 'pipeline execution not found');
    if (this.registered.has(execution.id))
      return goa(409, 'conflict', 'an execution is already registered for this pipeline execution and stage');
    const record: Registered = {
      moduleId,
      execution,
      script: new Script(execution.story, this.pace, (step) => step.approval !== undefined),
      created: this.pace.now(),
      aborted: false,
      rejected: false,
    };
    this.registered.set(execution.id, record);
    return json(200, this.executionJson(record));
  }

  private list(moduleId: string): SimReply {
    const items = [...this.registered.values()].filter((r) => r.moduleId === moduleId);
    return json(
      200,
      items.map((r) => this.executionJson(r)),
      { 'x-total-pages': '1' },
    );
  }

  private pipeline(id: string): SimReply {
    const execution = HARNESS_PIPELINE_EXECUTIONS.find((e) => e.id === id);
    if (!execution) return ng(404, 'ENTITY_NOT_FOUND', `Execution ${id} not found`);
    const record = this.registered.get(id);
    const step: Step = record
      ? record.aborted
        ? { ...record.script.current, status: 'Failed' }
        : record.rejected
          ? { ...record.script.current, status: 'ApprovalRejected', apply: 'ApprovalRejected' }
          : record.script.look()
      : { status: 'Running', plan: 'NotStarted', apply: 'NotStarted' };
    const status = record?.aborted ? 'Aborted' : step.status;
    const stage = (identifier: 'plan' | 'apply', stageStatus: StageStatus) => ({
      nodeType: 'IACM',
      nodeGroup: 'STAGE',
      nodeIdentifier: identifier,
      name: identifier === 'plan' ? 'Plan' : 'Apply',
      status: stageStatus,
      ...(step.failure && stageStatus === 'Failed' ? { failureInfo: { message: step.failure } } : {}),
    });
    return json(200, {
      status: 'SUCCESS',
      data: {
        pipelineExecutionSummary: {
          planExecutionId: id,
          pipelineIdentifier: HARNESS_DEMO.pipeline,
          name: 'IaCM apply',
          status,
          runSequence: execution.number,
          startTs: record?.created,
          ...(step.failure ? { failureInfo: { message: step.failure } } : {}),
          layoutNodeMap: { plan: stage('plan', step.plan), [HARNESS_DEMO.stage]: stage('apply', step.apply) },
        },
      },
    });
  }

  private abort(id: string): SimReply {
    const record = this.registered.get(id);
    if (!record) return ng(404, 'ENTITY_NOT_FOUND', `Execution ${id} not found`);
    record.aborted = true;
    return json(200, { status: 'SUCCESS' });
  }

  /** The Harness Approval the execution waits on, while it waits (a bare array of ApprovalInstanceResponseBody). */
  private approvals(executionId: string): SimReply {
    if (!HARNESS_PIPELINE_EXECUTIONS.some((e) => e.id === executionId))
      return ng(
        404,
        'ENTITY_NOT_FOUND',
        `Plan Execution Summary does not exist for planExecutionId: ${executionId}`,
      );
    const record = this.registered.get(executionId);
    const message = record?.script.current.approval;
    if (!record || record.aborted || record.rejected || !record.script.held || message === undefined)
      return json(200, []);
    return json(200, [
      {
        id: approvalIdOf(executionId),
        type: 'HarnessApproval',
        status: 'WAITING',
        deadline: record.created + 86_400_000,
        details: { approvalMessage: message, approverInputs: [] },
      },
    ]);
  }

  /** An approval activity: APPROVE lets the story go on, REJECT ends it ApprovalRejected. */
  private decide(approvalId: string, body: unknown): SimReply {
    const action = isRecord(body) ? body.action : undefined;
    if (action !== 'APPROVE' && action !== 'REJECT')
      return ng(
        400,
        'INVALID_REQUEST',
        'Invalid request: action: must not be null and one of [APPROVE, REJECT]',
      );
    const record = [...this.registered.values()].find((r) => approvalIdOf(r.execution.id) === approvalId);
    if (!record)
      return ng(
        400,
        'INVALID_REQUEST',
        `Invalid request: Approval instance with id ${approvalId} does not exist`,
      );
    if (record.aborted || record.rejected || !record.script.held)
      return ng(
        400,
        'INVALID_REQUEST',
        `Invalid request: Approval instance ${approvalId} has already completed`,
      );
    if (action === 'APPROVE') record.script.release();
    else record.rejected = true;
    return json(200, {
      status: 'SUCCESS',
      data: { id: approvalId, status: action === 'APPROVE' ? 'APPROVED' : 'REJECTED' },
    });
  }

  private executionJson(record: Registered): Record<string, unknown> {
    return {
      account: HARNESS_DEMO.account,
      created: record.created,
      moduleId: record.moduleId,
      org: HARNESS_DEMO.org,
      project: HARNESS_DEMO.project,
      status: 'created',
      metadata: {
        pipeline: HARNESS_DEMO.pipeline,
        pipeline_execution_id: record.execution.id,
        pipeline_execution_number: String(record.execution.number),
        pipeline_stage_id: HARNESS_DEMO.stage,
      },
    };
  }
}

function moduleJson(m: (typeof HARNESS_MODULES)[number]): Record<string, unknown> {
  return { ...m, org: HARNESS_DEMO.org, project: HARNESS_DEMO.project };
}

/** A NextGen page as the org, project and pipeline lists answer (`data.content`), filtered by `searchTerm`. */
function ngPage(items: Entity[], term: string, wrap: (item: Entity) => unknown): SimReply {
  const content = items
    .filter((i) => i.identifier.toLowerCase().includes(term) || i.name.toLowerCase().includes(term))
    .map((i) => wrap({ identifier: i.identifier, name: i.name }));
  return json(200, { status: 'SUCCESS', data: { content, totalItems: content.length, pageIndex: 0 } });
}

/** The NextGen (pipeline service) error envelope. */
function ng(status: number, code: string, message: string): SimReply {
  return json(status, { status: 'ERROR', code, message });
}

/** Harness IaCM's goa error body. */
function goa(status: number, name: string, message: string): SimReply {
  return json(status, {
    name,
    id: `demo-${status}`,
    message,
    temporary: false,
    timeout: false,
    fault: false,
  });
}

export async function startHarnessSimulator(pace: Pace): Promise<LoopbackServer> {
  const sim = new HarnessSimulator(pace);
  return serveLoopback((req) => sim.route(req));
}
