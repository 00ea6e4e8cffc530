import type { Clock } from '../../core/kit/clock';
import { CHOICE_MAX_LENGTH, type Choice } from '../../core/operations/contract';
import { TtlCache } from '../../core/kit/ttl-cache';
import { ChoiceValues, isChoiceRef, resolveChoice } from '../shared/choice-value';
import { type Execution, type ListKind, PAGE_SIZE, type ZitadelClient } from './api';
import { conditionKey, conditionLabel } from './condition';
import type { Target } from './schemas';

/** Long method names differ at the end, so a label keeps the end and drops the start. */
const tailLabel = (text: string) =>
  text.length <= CHOICE_MAX_LENGTH ? text : `…${text.slice(text.length - CHOICE_MAX_LENGTH + 1)}`;
/** Executions listed for the include picker are reused while the user types. */
const EXECUTIONS_TTL_MS = 15_000;
/** Target names and long picked values remembered, for describing an input without a round trip. */
const MAX_REMEMBERED = 5_000;

const matches = (query: string, ...texts: string[]) => {
  const q = query.trim().toLowerCase();
  return q === '' || texts.some((t) => t.toLowerCase().includes(q));
};

/** What the pickers offer, read from Zitadel and kept briefly. */
export class Catalog {
  private readonly lists: TtlCache<ListKind, string[]>;
  private readonly executions: TtlCache<'all', Execution[]>;
  private readonly targetNames = new TtlCache<string, string>({ maxEntries: MAX_REMEMBERED });
  private readonly longValues = new ChoiceValues({ maxEntries: MAX_REMEMBERED });

  constructor(
    private readonly client: ZitadelClient,
    clock: Clock,
    listTtlMs: number,
  ) {
    this.lists = new TtlCache({ clock, ttlMs: listTtlMs });
    this.executions = new TtlCache({ clock, ttlMs: EXECUTIONS_TTL_MS });
  }

  conditionValues(kind: ListKind): Promise<string[]> {
    return this.lists.load(kind, () => this.client.conditionValues(kind));
  }

  /** Zitadel's methods, services or functions containing `query`, at most one Slack page. */
  async searchValues(kind: ListKind, query: string): Promise<Choice[]> {
    const values = await this.conditionValues(kind);
    return values
      .filter((v) => matches(query, v))
      .slice(0, PAGE_SIZE)
      .map((v) => ({ value: this.longValues.valueFor(v), label: tailLabel(v) }));
  }

  /** The full method, service or function a picked value stands for, if Zitadel still offers it. */
  async lookupValue(kind: ListKind, picked: string): Promise<string | undefined> {
    const inList = resolveChoice(picked, await this.conditionValues(kind), (v) => v);
    if (inList !== undefined || !isChoiceRef(picked)) return inList;
    // A hash of something not in the cached list: the list may have grown since.
    this.lists.forget(kind);
    return resolveChoice(picked, await this.conditionValues(kind), (v) => v);
  }

  /** A picked long value already seen in this process, without a round trip. */
  peekValue(picked: string): string | undefined {
    return this.longValues.recall(picked);
  }

  async searchTargets(query: string): Promise<Choice[]> {
    const targets = await this.client.searchTargets(query);
    this.remember(targets);
    return targets.map((t) => ({ value: t.id, label: t.name || t.id, description: t.id }));
  }

  /** Names of these target ids; ids Zitadel does not know are absent from the map. */
  async targetsByIds(ids: string[]): Promise<Map<string, string>> {
    const targets = await this.client.targetsByIds(ids);
    this.remember(targets);
    return new Map(targets.map((t) => [t.id, t.name]));
  }

  peekTargetName(id: string): string | undefined {
    return this.targetNames.get(id);
  }

  /** Executions whose condition contains `query`, for the include picker. */
  async searchExecutions(query: string): Promise<Choice[]> {
    const executions = await this.executions.load('all', () => this.client.allExecutions());
    const choices: Choice[] = [];
    for (const e of executions) {
      if (!e.condition) continue;
      const label = conditionLabel(e.condition);
      if (!matches(query, label)) continue;
      const value = this.longValues.valueFor(conditionKey(e.condition), label);
      const count = e.targets.length;
      choices.push({
        value,
        label: tailLabel(label),
        description: `${count} target${count === 1 ? '' : 's'}`,
      });
      if (choices.length === PAGE_SIZE) break;
    }
    return choices;
  }

  private remember(targets: Target[]): void {
    for (const t of targets) this.targetNames.set(t.id, t.name);
  }
}
