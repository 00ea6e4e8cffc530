import {
  isRecord,
  json,
  serveLoopback,
  type LoopbackServer,
  type SimReply,
  type SimRequest,
} from './loopback';

/**
 * A Zitadel instance for the demo: the Actions v2 targets and executions (upstream-apis.md §B), seeded
 * with a few targets and one execution, so the set-execution diff has something to show and to revert.
 */

export const ZITADEL_TARGETS = [
  { id: '312909075211944350', name: 'audit-webhook' },
  { id: '312909075211944351', name: 'enrich-token' },
  { id: '312909075211944352', name: 'block-disposable-email' },
];

const METHODS = [
  '/zitadel.user.v2.UserService/AddHumanUser',
  '/zitadel.user.v2.UserService/DeleteUser',
  '/zitadel.session.v2.SessionService/CreateSession',
];
const SERVICES = ['zitadel.user.v2.UserService', 'zitadel.session.v2.SessionService'];
const FUNCTIONS = ['preuserinfo', 'preaccesstoken', 'presamlresponse'];

interface Execution {
  condition: Record<string, unknown>;
  targets: string[];
  changeDate: string;
}

/** A condition's identity: the same condition always serialises the same way. */
const keyOf = (condition: unknown) => JSON.stringify(sortKeys(condition));

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

export class ZitadelSimulator {
  private readonly executions = new Map<string, Execution>();

  constructor(private readonly now: () => number) {
    const seeded = { request: { method: METHODS[0] } };
    this.executions.set(keyOf(seeded), {
      condition: seeded,
      targets: [ZITADEL_TARGETS[0]?.id ?? ''],
      changeDate: new Date(now()).toISOString(),
    });
  }

  route(req: SimRequest): SimReply {
    const { method, path, body } = req;
    if (method === 'GET' && path === '/v2/actions/executions/methods') return json(200, { methods: METHODS });
    if (method === 'GET' && path === '/v2/actions/executions/services')
      return json(200, { services: SERVICES });
    if (method === 'GET' && path === '/v2/actions/executions/functions')
      return json(200, { functions: FUNCTIONS });
    if (method === 'POST' && path === '/v2/actions/targets/search') return this.targets(body);
    if (method === 'POST' && path === '/v2/actions/executions/search') return this.search(body);
    if (method === 'PUT' && path === '/v2/actions/executions') return this.set(body);
    return json(404, { code: 5, message: 'Not Found', details: [] });
  }

  private targets(body: unknown): SimReply {
    const filters = isRecord(body) && Array.isArray(body.filters) ? body.filters : [];
    let targets = ZITADEL_TARGETS;
    for (const filter of filters.filter(isRecord)) {
      const byName = isRecord(filter.targetNameFilter) ? filter.targetNameFilter.targetName : undefined;
      const byIds = isRecord(filter.inTargetIdsFilter) ? filter.inTargetIdsFilter.targetIds : undefined;
      if (typeof byName === 'string')
        targets = targets.filter((t) => t.name.toLowerCase().includes(byName.toLowerCase()));
      if (Array.isArray(byIds)) targets = targets.filter((t) => byIds.includes(t.id));
    }
    return json(200, { pagination: { totalResult: String(targets.length) }, targets });
  }

  private search(body: unknown): SimReply {
    const filters = isRecord(body) && Array.isArray(body.filters) ? body.filters : [];
    let executions = [...this.executions.values()];
    for (const filter of filters.filter(isRecord)) {
      const conditions = isRecord(filter.inConditionsFilter)
        ? filter.inConditionsFilter.conditions
        : undefined;
      if (Array.isArray(conditions)) {
        const wanted = new Set(conditions.map(keyOf));
        executions = executions.filter((e) => wanted.has(keyOf(e.condition)));
      }
    }
    return json(200, { pagination: { totalResult: String(executions.length) }, executions });
  }

  private set(body: unknown): SimReply {
    const b = isRecord(body) ? body : {};
    const targets = Array.isArray(b.targets) ? b.targets.map(String) : [];
    if (!isRecord(b.condition)) return json(400, { code: 3, message: 'condition is required', details: [] });
    const unknown = targets.filter((id) => !ZITADEL_TARGETS.some((t) => t.id === id));
    if (unknown.length > 0)
      return json(404, {
        code: 5,
        message: `target ${unknown[0] ?? ''} not found (Errors.Target.NotFound)`,
        details: [],
      });
    const setDate = new Date(this.now()).toISOString();
    if (targets.length === 0) this.executions.delete(keyOf(b.condition));
    else this.executions.set(keyOf(b.condition), { condition: b.condition, targets, changeDate: setDate });
    return json(200, { setDate });
  }
}

export async function startZitadelSimulator(now: () => number): Promise<LoopbackServer> {
  const sim = new ZitadelSimulator(now);
  return serveLoopback((req) => sim.route(req));
}
