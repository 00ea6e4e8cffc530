import type { Clock } from '../../core/kit/clock';
import { CHOICE_MAX_LENGTH, type Choice } from '../../core/operations/contract';
import { truncate } from '../../core/kit/truncate';
import { TtlCache } from '../../core/kit/ttl-cache';
import { ChoiceValues } from '../shared/choice-value';
import type { ItentialApi } from './api';
import type { ItentialTuning } from './config';
import type { Workflow } from './schemas';

const DAY_MS = 24 * 60 * 60 * 1000;

interface Answer {
  workflows: Workflow[];
  /** Every workflow matching the query is in the list, so narrower queries can be answered from it. */
  complete: boolean;
}

export interface WorkflowSchema {
  /** False when Itential does not know the workflow or hides it from the bot. */
  found: boolean;
  inputSchema?: unknown;
}

const contains = (name: string, query: string) => name.toLowerCase().includes(query.toLowerCase());

/**
 * Workflows for the picker, and their input schemas for validation. Answers are reused for a short
 * while so that typing in the picker costs at most one call per keystroke, and none once the list
 * for a shorter query was complete.
 */
export class WorkflowCatalog {
  private readonly answers: TtlCache<string, Answer>;
  private readonly schemas: TtlCache<string, WorkflowSchema>;
  /** Names a picker cannot carry whole travel as a reference. */
  private readonly names: ChoiceValues;

  constructor(
    private readonly api: ItentialApi,
    clock: Clock,
    tuning: ItentialTuning,
  ) {
    this.answers = new TtlCache({ clock, ttlMs: tuning.searchCacheMs, maxEntries: 50 });
    this.schemas = new TtlCache({ clock, ttlMs: tuning.schemaCacheMs, maxEntries: 500 });
    this.names = new ChoiceValues({ clock, ttlMs: DAY_MS, maxEntries: 5000 });
  }

  async search(query: string): Promise<Choice[]> {
    const q = query.trim();
    const answer = this.cachedAnswer(q) ?? (await this.fetch(q));
    return answer.workflows.map((w) => this.choice(w.name, w.description));
  }

  /** The picker option for a workflow; long names travel as a short key. */
  choice(name: string, description?: string): Choice {
    const value = this.names.valueFor(name);
    return {
      value,
      label: name,
      ...(description ? { description: truncate(description, CHOICE_MAX_LENGTH) } : {}),
    };
  }

  /** The workflow name behind a picker value; undefined for a key this process no longer knows. */
  resolve(value: string): string | undefined {
    return this.names.recall(value);
  }

  cachedSchema(name: string): WorkflowSchema | undefined {
    return this.schemas.get(name);
  }

  /** The workflow's input schema, from the cache or Itential. Throws UpstreamError when Itential cannot answer. */
  async schemaFor(name: string, timeoutMs: number): Promise<WorkflowSchema> {
    const cached = this.schemas.get(name);
    if (cached) return cached;
    const detail = await this.api.workflowDetail(name, timeoutMs);
    const schema: WorkflowSchema = detail
      ? { found: true, inputSchema: detail.inputSchema }
      : { found: false };
    this.schemas.set(name, schema);
    return schema;
  }

  private cachedAnswer(q: string): Answer | undefined {
    const exact = this.answers.get(q);
    if (exact) return exact;
    for (const [key, answer] of this.answers.fresh()) {
      if (answer.complete && contains(q, key)) {
        return { workflows: answer.workflows.filter((w) => contains(w.name, q)), complete: true };
      }
    }
    return undefined;
  }

  private async fetch(q: string): Promise<Answer> {
    const answer = await this.api.searchWorkflows(q);
    this.answers.set(q, answer);
    for (const w of answer.workflows) {
      if ('inputSchema' in w) this.schemas.set(w.name, { found: true, inputSchema: w.inputSchema });
    }
    return answer;
  }
}
