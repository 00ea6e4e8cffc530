import { tz } from '@date-fns/tz';
import { format, formatDistance } from 'date-fns';
import type { Clock } from '../../core/kit/clock';
import type { Query, Report } from '../../core/operations/contract';
import { joinText, link, strong, type Text, txt } from '../../core/kit/text';
import type { HarnessApi } from './api';
import type { HarnessConfig } from './config';
import { EXECUTIONS_INFO } from './definition';
import { pipelineExecutionUrl } from './links';
import type { ModuleDirectory } from './module-directory';
import type { HarnessModule, ModuleExecution } from './schemas';

export interface ExecutionsQueryDeps {
  api: HarnessApi;
  modules: ModuleDirectory;
  config: HarnessConfig;
  clock: Clock;
}

const SHOWN = 15;
const PAGE_SIZE = 100;

/** Trigger info is a free-form map (§A.2); these keys name a person or a trigger when present. */
const TRIGGER_KEYS = [
  'triggered_by',
  'triggeredBy',
  'user',
  'username',
  'email',
  'name',
  'identifier',
  'trigger_type',
  'triggerType',
  'type',
];

function triggeredBy(execution: ModuleExecution): string | undefined {
  const trigger = execution.metadata?.trigger;
  if (!trigger) return undefined;
  const byKey = new Map(Object.entries(trigger).map(([key, value]) => [key.toLowerCase(), value]));
  for (const key of TRIGGER_KEYS) {
    const value = byKey.get(key.toLowerCase());
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** `/ops iacm executions <module>`: the module's latest executions, newest first. */
export class ExecutionsQuery implements Query {
  readonly id = EXECUTIONS_INFO.id;
  readonly system = EXECUTIONS_INFO.system;
  readonly verb = EXECUTIONS_INFO.verb;
  readonly title = EXECUTIONS_INFO.title;
  readonly usage = EXECUTIONS_INFO.usage;

  constructor(private readonly deps: ExecutionsQueryDeps) {}

  async run(args: string): Promise<Report> {
    const wanted = args.trim();
    if (!wanted) {
      return {
        title: this.title,
        lines: [],
        empty: 'Name a module: /ops iacm executions <module name or id>',
      };
    }
    const found = await this.deps.modules.lookup(wanted);
    if (!found.module) {
      return {
        title: `No module named ${wanted}`,
        lines: found.suggestions.map((m) => txt`Did you mean ${strong(m.name)}?`),
        empty: `Harness has no module named or with id "${wanted}".`,
      };
    }
    const executions = await this.latest(found.module);
    return {
      title: `Recent executions of ${found.module.name}`,
      lines: executions.slice(0, SHOWN).map((e) => this.line(e)),
      empty: `Module ${found.module.name} has no executions yet.`,
    };
  }

  /**
   * The API does not document its order, so the first and the last page are read: the newest are on one
   * of them whichever way Harness sorts. Sorted here by `created`, newest first.
   */
  private async latest(module: HarnessModule): Promise<ModuleExecution[]> {
    const first = await this.deps.api.listExecutions(module.id, { page: 1, limit: PAGE_SIZE });
    const last =
      first.totalPages > 1
        ? await this.deps.api.listExecutions(module.id, { page: first.totalPages, limit: PAGE_SIZE })
        : undefined;
    return [...first.items, ...(last?.items ?? [])].sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
  }

  private line(execution: ModuleExecution): Text {
    const meta = execution.metadata ?? {};
    const status = execution.status || 'unknown';
    const pipeline = meta.pipeline_name || meta.pipeline || 'unknown pipeline';
    const number = meta.pipeline_execution_number ? `#${meta.pipeline_execution_number}` : undefined;
    const url =
      meta.pipeline_execution_id && meta.pipeline && execution.org && execution.project
        ? pipelineExecutionUrl(
            this.deps.config.uiUrl,
            this.deps.config.accountId,
            { org: execution.org, project: execution.project },
            meta.pipeline,
            meta.pipeline_execution_id,
          )
        : undefined;
    const run = number ? (url ? link(url, number) : number) : url ? link(url, 'open') : undefined;
    const parts: Text[] = [[strong(status)], run ? txt`${pipeline} ${run}` : txt`${pipeline}`];
    if (meta.pipeline_stage_id) parts.push(txt`stage ${meta.pipeline_stage_id}`);
    if (execution.created) parts.push(txt`${this.when(execution.created)}`);
    const who = triggeredBy(execution);
    if (who) parts.push(txt`by ${who}`);
    return joinText(parts, ' · ');
  }

  private when(createdMs: number): string {
    const now = this.deps.clock.now();
    const at = new Date(createdMs);
    if (Number.isNaN(at.getTime())) return 'at an unknown time';
    return `${formatDistance(at, now, { addSuffix: true })} (${format(at, 'yyyy-MM-dd HH:mm', { in: tz('UTC') })} UTC)`;
  }
}
