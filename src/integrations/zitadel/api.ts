import type { Log } from '../../core/kit/log';
import { type Condition, fromWire, toWire } from './condition';
import type { ZitadelHttp } from './http';
import {
  conditionValuesSchema,
  type ExecutionFilter,
  listExecutionsSchema,
  listTargetsSchema,
  setExecutionSchema,
  type Target,
  type TargetFilter,
  type WireCondition,
} from './schemas';

/** Zitadel's default page size; also the most options Slack shows at once. */
export const PAGE_SIZE = 100;
/** A bound on paging through a list, so a misbehaving server cannot keep Flightdeck looping. */
const MAX_PAGES = 100;
/** Zitadel's limit on a target name filter. */
const MAX_NAME_FILTER = 200;

export interface Execution {
  /** Undefined when Zitadel lists a condition type Flightdeck does not know. */
  condition?: Condition;
  wire?: WireCondition;
  targets: string[];
  changeDate?: string;
}

export type ListKind = 'methods' | 'services' | 'functions';

/** The Actions v2 calls Flightdeck makes, with paging. Reads retry; SetExecution is one attempt. */
export class ZitadelClient {
  constructor(
    private readonly http: ZitadelHttp,
    private readonly log: Log,
  ) {}

  async conditionValues(kind: ListKind): Promise<string[]> {
    const body = await this.http.send({
      method: 'GET',
      path: `/v2/actions/executions/${kind}`,
      schema: conditionValuesSchema,
      action: `list the ${kind} Zitadel offers for conditions`,
      permission: 'authenticated',
    });
    return body[kind] ?? [];
  }

  /** One page of targets whose name contains `query` (case-insensitive), sorted by name. */
  async searchTargets(query: string): Promise<Target[]> {
    const trimmed = query.trim().slice(0, MAX_NAME_FILTER);
    const filters: TargetFilter[] = trimmed
      ? [{ targetNameFilter: { targetName: trimmed, method: 'TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE' } }]
      : [];
    const page = await this.targetPage(filters, 0, 'TARGET_FIELD_NAME_NAME');
    return page.items;
  }

  /** The targets with these ids that exist; missing ids are simply absent. */
  async targetsByIds(ids: string[]): Promise<Target[]> {
    if (ids.length === 0) return [];
    const unique = [...new Set(ids)];
    const found: Target[] = [];
    for (let i = 0; i < unique.length; i += PAGE_SIZE) {
      const chunk = unique.slice(i, i + PAGE_SIZE);
      found.push(
        ...(await this.allPages((offset) =>
          this.targetPage([{ inTargetIdsFilter: { targetIds: chunk } }], offset),
        )),
      );
    }
    return found;
  }

  /** The current execution of each condition that has at least one target. */
  async executionsFor(conditions: Condition[]): Promise<Execution[]> {
    if (conditions.length === 0) return [];
    return this.allExecutions([{ inConditionsFilter: { conditions: conditions.map(toWire) } }]);
  }

  /** Every execution with at least one target (Zitadel omits the empty ones). */
  async allExecutions(filters: ExecutionFilter[] = []): Promise<Execution[]> {
    const wire = await this.allPages(async (offset) => {
      const page = await this.http.send({
        method: 'POST',
        path: '/v2/actions/executions/search',
        body: {
          pagination: { offset: String(offset), limit: PAGE_SIZE, asc: true },
          sortingColumn: 'EXECUTION_FIELD_NAME_ID',
          filters,
        },
        schema: listExecutionsSchema,
        action: 'read the executions',
        permission: 'action.execution.read',
      });
      return { total: page.total, items: page.executions };
    });
    return wire.map((e) => ({
      condition: fromWire(e.condition),
      wire: e.condition,
      targets: e.targets ?? [],
      ...(e.changeDate ? { changeDate: e.changeDate } : {}),
    }));
  }

  /** Replaces the condition's whole target list; `[]` removes them all. One attempt: the caller decides on retries. */
  async setExecution(
    condition: Condition,
    targets: string[],
    notFound?: string,
  ): Promise<{ setDate?: string }> {
    return this.http.send({
      method: 'PUT',
      path: '/v2/actions/executions',
      body: { condition: toWire(condition), targets },
      schema: setExecutionSchema,
      action: 'set the execution',
      permission: 'action.execution.write',
      write: true,
      ...(notFound ? { notFound } : {}),
    });
  }

  private async targetPage(
    filters: TargetFilter[],
    offset: number,
    sortingColumn = 'TARGET_FIELD_NAME_CREATED_DATE',
  ): Promise<{ total?: number; items: Target[] }> {
    const page = await this.http.send({
      method: 'POST',
      path: '/v2/actions/targets/search',
      body: { pagination: { offset: String(offset), limit: PAGE_SIZE, asc: true }, sortingColumn, filters },
      schema: listTargetsSchema,
      action: 'list the targets',
      permission: 'action.target.read',
    });
    return { total: page.total, items: page.targets };
  }

  private async allPages<T>(
    fetch: (offset: number) => Promise<{ total?: number; items: T[] }>,
  ): Promise<T[]> {
    const all: T[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const { total, items } = await fetch(all.length);
      all.push(...items);
      // Zitadel may apply a smaller limit than asked, so the total decides when it says one.
      const done = total !== undefined ? all.length >= total || items.length === 0 : items.length < PAGE_SIZE;
      if (done) return all;
    }
    this.log.warn(
      { system: 'zitadel', count: all.length },
      'stopped paging a Zitadel list at the page bound',
    );
    return all;
  }
}
