import { TtlCache } from '../../core/kit/ttl-cache';
import type { HarnessApi } from './api';
import { MODULE_NAME_PREFIX } from './identifiers';
import type { HarnessModule } from './schemas';
import { isUpstreamError } from '../../core/errors';

export type ModuleLookup = { module: HarnessModule } | { module?: undefined; suggestions: HarnessModule[] };

const REMEMBERED = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds modules by name or id, and remembers the names it has seen so forms and facts can show them. */
export class ModuleDirectory {
  private readonly names = new TtlCache<string, string>({ maxEntries: REMEMBERED });

  constructor(private readonly api: HarnessApi) {}

  nameOf(moduleId: string): string | undefined {
    return this.names.get(moduleId);
  }

  /** The module seen most recently whose name is exactly `name` (any case). */
  knownByName(name: string): HarnessModule | undefined {
    const wanted = name.toLowerCase();
    for (const [id, known] of this.names.fresh())
      if (known.toLowerCase() === wanted) return { id, name: known };
    return undefined;
  }

  async search(term: string, limit: number): Promise<HarnessModule[]> {
    const modules = await this.api.searchModules(term, limit);
    modules.forEach((m) => this.remember(m));
    return modules;
  }

  /** `nameOrId` as typed by a person: an exact name (any case) or a module id. */
  async lookup(nameOrId: string): Promise<ModuleLookup> {
    const term = nameOrId.trim();
    const found = await this.search(term, 50);
    const exact =
      found.find((m) => m.id === term) ?? found.find((m) => m.name.toLowerCase() === term.toLowerCase());
    if (exact) return { module: exact };
    if (UUID.test(term)) {
      const byId = await this.byId(term);
      if (byId) return { module: byId };
    }
    return { suggestions: found.slice(0, 5) };
  }

  /** A form value: a module id from the picker, or `name:<name>` from the command line. */
  async resolve(ref: string): Promise<ModuleLookup> {
    if (ref.startsWith(MODULE_NAME_PREFIX)) return this.lookup(ref.slice(MODULE_NAME_PREFIX.length));
    const module = await this.byId(ref);
    return module ? { module } : { suggestions: [] };
  }

  private async byId(moduleId: string): Promise<HarnessModule | undefined> {
    try {
      const module = await this.api.getModule(moduleId);
      this.remember(module);
      return module;
    } catch (err) {
      if (isUpstreamError(err) && err.httpStatus === 404) return undefined;
      throw err;
    }
  }

  private remember(module: HarnessModule): void {
    this.names.set(module.id, module.name);
  }
}
