import { conditionOfId, EXECUTION_TYPES, isObject, type Json, parseCondition } from './conditions';
import { GrpcError } from './grpc-error';

export interface FakeTarget {
  id: string;
  name: string;
  endpoint: string;
  type: 'restWebhook' | 'restCall' | 'restAsync';
  /** A secret Zitadel returns with every target; the bot must never show it. */
  signingKey: string;
  created: number;
}

export interface FakeExecution {
  id: string;
  targets: string[];
  created: number;
  changed: number;
}

export interface StoreSeed {
  methods: string[];
  services: string[];
  functions: string[];
  targets: { id?: string; name: string; endpoint?: string; type?: FakeTarget['type'] }[];
  executions: { condition: Json; targets: string[] }[];
}

const TEXT_METHODS = [
  'EQUALS',
  'EQUALS_IGNORE_CASE',
  'STARTS_WITH',
  'STARTS_WITH_IGNORE_CASE',
  'CONTAINS',
  'CONTAINS_IGNORE_CASE',
  'ENDS_WITH',
  'ENDS_WITH_IGNORE_CASE',
];

function textMatches(method: unknown, have: string, want: string): boolean {
  const name =
    typeof method === 'number'
      ? TEXT_METHODS[method]
      : String(method ?? 'TEXT_FILTER_METHOD_EQUALS').replace('TEXT_FILTER_METHOD_', '');
  if (!name || !TEXT_METHODS.includes(name))
    throw new GrpcError(3, `invalid TargetNameFilter.Method: value must be one of the defined enum values`);
  const fold = name.endsWith('IGNORE_CASE');
  const a = fold ? have.toLowerCase() : have;
  const b = fold ? want.toLowerCase() : want;
  if (name.startsWith('EQUALS')) return a === b;
  if (name.startsWith('STARTS_WITH')) return a.startsWith(b);
  if (name.startsWith('ENDS_WITH')) return a.endsWith(b);
  return a.includes(b);
}

/** Zitadel's PaginationRequest: offset (uint64, string or number), limit (default 100, max 1000), asc (default false). */
function paginate<T>(sorted: T[], pagination: unknown): Json & { items: T[] } {
  const p = isObject(pagination) ? pagination : {};
  const offset = Number(p.offset ?? 0);
  const limit = p.limit === undefined || Number(p.limit) === 0 ? 100 : Number(p.limit);
  if (!Number.isInteger(offset) || offset < 0) throw new GrpcError(3, 'invalid PaginationRequest.Offset');
  if (!Number.isInteger(limit) || limit > 1000)
    throw new GrpcError(3, 'Errors.Query.LimitExceeded', 'QUERY-4M9fs');
  const ordered = p.asc === true ? sorted : [...sorted].reverse();
  return {
    items: ordered.slice(offset, offset + limit),
    pagination: { totalResult: String(sorted.length), appliedLimit: String(limit) },
  };
}

function filtersOf(body: Json): Json[] {
  const filters = body.filters ?? [];
  if (!Array.isArray(filters) || !filters.every(isObject))
    throw new GrpcError(3, 'proto: invalid value for message field filters');
  return filters;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Targets and executions as one Zitadel instance holds them. */
export class ZitadelStore {
  readonly methods: string[];
  readonly services: string[];
  readonly functions: string[];
  readonly targets = new Map<string, FakeTarget>();
  readonly executions = new Map<string, FakeExecution>();
  private sequence = 0;
  private nextId = 310_000_000_000_000_000n;

  constructor(seed: StoreSeed) {
    this.methods = [...seed.methods];
    this.services = [...seed.services];
    this.functions = [...seed.functions];
    for (const target of seed.targets) this.addTarget(target);
    for (const execution of seed.executions) this.put(execution.condition, execution.targets);
  }

  private tick(): number {
    this.sequence += 1;
    return Date.UTC(2025, 0, 1) + this.sequence * 1000;
  }

  addTarget(target: StoreSeed['targets'][number]): FakeTarget {
    this.nextId += 1n;
    const id = target.id ?? String(this.nextId);
    const created = this.tick();
    const stored: FakeTarget = {
      id,
      name: target.name,
      endpoint: target.endpoint ?? `https://hooks.example.com/${encodeURIComponent(target.name)}`,
      type: target.type ?? 'restWebhook',
      signingKey: `signing-key-${id}-SECRET`,
      created,
    };
    this.targets.set(id, stored);
    return stored;
  }

  /** Replaces the condition's targets without any check; `[]` removes the execution. */
  put(condition: Json, targets: string[]): FakeExecution | undefined {
    return this.putById(parseCondition(condition).id, targets);
  }

  private putById(id: string, targets: string[]): FakeExecution | undefined {
    const now = this.tick();
    if (targets.length === 0) {
      this.executions.delete(id);
      return undefined;
    }
    const existing = this.executions.get(id);
    const execution = { id, targets: [...targets], created: existing?.created ?? now, changed: now };
    this.executions.set(id, execution);
    return execution;
  }

  /** SetExecution: validation as Zitadel does it, then a full replace. */
  setExecution(body: Json): { setDate: string } {
    const parsed = parseCondition(body.condition);
    const targets = body.targets ?? [];
    if (!Array.isArray(targets) || !targets.every((t): t is string => typeof t === 'string')) {
      throw new GrpcError(3, 'proto: (line 1:60): invalid value for string field targets: {');
    }
    const known = (list: string[], value: string) => list.some((v) => v.replace(/^\//, '') === value);
    const offered =
      parsed.value === undefined ||
      (parsed.option === 'method' && known(this.methods, parsed.value)) ||
      (parsed.option === 'service' && known(this.services, parsed.value)) ||
      (parsed.option === 'name' && known(this.functions, parsed.value)) ||
      parsed.option === 'event' ||
      parsed.option === 'group';
    if (!offered) throw new GrpcError(5, 'Condition is invalid', 'COMMAND-vysplsevt8');
    const unknown = targets.find((t) => !this.targets.has(t));
    if (unknown !== undefined) throw new GrpcError(5, `Target not found: ${unknown}`, 'COMMAND-17e8fq1ggk');
    const current = this.executions.get(parsed.id)?.targets ?? [];
    const same = current.length === targets.length && current.every((t, i) => targets[i] === t);
    if (!same) this.putById(parsed.id, targets);
    return { setDate: iso(this.tick()) };
  }

  listExecutions(body: Json): Json {
    const filters = filtersOf(body);
    const matchers = filters.map((f) => {
      const keys = ['inConditionsFilter', 'executionTypeFilter', 'targetFilter'].filter(
        (k) => f[k] !== undefined,
      );
      if (keys.length !== 1) throw new GrpcError(3, 'List.Query.Invalid', 'GRPC-vR9nC');
      if (isObject(f.inConditionsFilter)) {
        const conditions = Array.isArray(f.inConditionsFilter.conditions)
          ? f.inConditionsFilter.conditions
          : [];
        const ids = new Set(conditions.map((c) => parseCondition(c).id));
        return (e: FakeExecution) => ids.has(e.id);
      }
      if (isObject(f.executionTypeFilter)) {
        const kind = EXECUTION_TYPES[String(f.executionTypeFilter.executionType)];
        return (e: FakeExecution) => kind !== undefined && (e.id === kind || e.id.startsWith(`${kind}/`));
      }
      if (isObject(f.targetFilter)) {
        const target = String(f.targetFilter.targetId ?? '');
        return (e: FakeExecution) => e.targets.includes(target);
      }
      throw new GrpcError(3, 'List.Query.Invalid', 'GRPC-vR9nC');
    });
    const column = body.sortingColumn ?? 'EXECUTION_FIELD_NAME_CREATED_DATE';
    const sorted = [...this.executions.values()]
      .filter((e) => e.targets.length > 0 && matchers.every((m) => m(e)))
      .sort((a, b) =>
        column === 'EXECUTION_FIELD_NAME_ID'
          ? a.id.localeCompare(b.id)
          : column === 'EXECUTION_FIELD_NAME_CHANGED_DATE'
            ? a.changed - b.changed
            : a.created - b.created,
      );
    const { items, pagination } = paginate(sorted, body.pagination);
    return {
      pagination,
      executions: items.map((e) => ({
        condition: conditionOfId(e.id),
        creationDate: iso(e.created),
        changeDate: iso(e.changed),
        targets: e.targets,
      })),
    };
  }

  listTargets(body: Json): Json {
    const matchers = filtersOf(body).map((f) => {
      if (isObject(f.targetNameFilter)) {
        const name = String(f.targetNameFilter.targetName ?? '');
        if (name.length > 200)
          throw new GrpcError(
            3,
            'invalid TargetNameFilter.TargetName: value length must be at most 200 runes',
          );
        const method = f.targetNameFilter.method;
        return (t: FakeTarget) => textMatches(method, t.name, name);
      }
      if (isObject(f.inTargetIdsFilter)) {
        const ids = new Set(
          Array.isArray(f.inTargetIdsFilter.targetIds) ? f.inTargetIdsFilter.targetIds.map(String) : [],
        );
        return (t: FakeTarget) => ids.has(t.id);
      }
      throw new GrpcError(3, 'List.Query.Invalid', 'GRPC-vR9nC');
    });
    const column = body.sortingColumn ?? 'TARGET_FIELD_NAME_CREATED_DATE';
    const sorted = [...this.targets.values()]
      .filter((t) => matchers.every((m) => m(t)))
      .sort((a, b) =>
        column === 'TARGET_FIELD_NAME_NAME'
          ? a.name.localeCompare(b.name)
          : column === 'TARGET_FIELD_NAME_ID'
            ? a.id.localeCompare(b.id)
            : a.created - b.created,
      );
    const { items, pagination } = paginate(sorted, body.pagination);
    return {
      pagination,
      targets: items.map((t) => ({
        id: t.id,
        creationDate: iso(t.created),
        changeDate: iso(t.created),
        name: t.name,
        [t.type]: t.type === 'restAsync' ? {} : { interruptOnError: false },
        timeout: '10s',
        endpoint: t.endpoint,
        signingKey: t.signingKey,
        payloadType: 'PAYLOAD_TYPE_JSON',
      })),
    };
  }
}
