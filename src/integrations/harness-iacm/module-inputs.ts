import type { Clock } from '../../core/kit/clock';
import { TtlCache } from '../../core/kit/ttl-cache';
import type { HarnessApi } from './api';
import type { ModuleDirectory } from './module-directory';
import type { ModuleVariable } from './schemas';

const CACHE_MS = 10 * 60 * 1000;

/** Terraform's simple types as JSON Schema; lists, maps, objects and `any` have no single field. */
const SIMPLE_TYPES: Record<string, string> = { string: 'string', number: 'number', bool: 'boolean' };

function typedDefault(type: string | undefined, raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') return raw;
  if (type === 'number') return Number.isFinite(Number(raw)) ? Number(raw) : undefined;
  if (type === 'bool') return raw === 'true' ? true : raw === 'false' ? false : undefined;
  // A string default may come JSON-quoted (UNCONFIRMED which form the registry keeps).
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

/**
 * A module version's variables as a JSON Schema the shared form builder reads: simple types become fields,
 * `variable_required` makes one mandatory, `variable_sensitive` a secret (`writeOnly`), the rest stays for
 * the JSON box.
 */
export function variablesSchema(variables: readonly ModuleVariable[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const v of variables) {
    const type = v.variable_type?.trim();
    const jsonType = type ? SIMPLE_TYPES[type] : undefined;
    const initial = typedDefault(type, v.variable_default);
    Object.defineProperty(properties, v.variable_name, {
      value: {
        // A Terraform type the form cannot show (`list(string)`) names itself in the JSON box's hint.
        type: jsonType ?? type ?? 'any',
        ...(v.variable_description ? { description: v.variable_description } : {}),
        ...(initial !== undefined ? { default: initial } : {}),
        ...(v.variable_sensitive ? { writeOnly: true } : {}),
      },
      enumerable: true,
    });
    if (v.variable_required) required.push(v.variable_name);
  }
  return { type: 'object', properties, required };
}

/** `1.10.0` after `1.9.2`; `v2` after `1.0`; anything unreadable sorts by text. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/i, '').split(/[.+-]/);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const [x, y] = [pa[i] ?? '', pb[i] ?? ''];
    const [nx, ny] = [Number(x), Number(y)];
    const diff =
      x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * The input schema of a module for the form, from the variables of its latest version. `fields()` cannot
 * wait for Harness, so `load` (the operation's `prepare`) fetches it and `schemaOf` answers from the cache.
 */
export class ModuleInputs {
  private readonly schemas: TtlCache<string, { version: string; schema: Record<string, unknown> }>;

  constructor(
    private readonly api: HarnessApi,
    private readonly modules: ModuleDirectory,
    clock: Clock,
  ) {
    this.schemas = new TtlCache({ clock, ttlMs: CACHE_MS, maxEntries: 200 });
  }

  /** The module's input schema and the version it comes from, when loaded. `ref` is a form value. */
  schemaOf(ref: string): { version: string; schema: Record<string, unknown> } | undefined {
    return this.schemas.get(ref);
  }

  /** Throws UpstreamError when Harness cannot answer; a module without versions has no inputs to load. */
  async load(ref: string): Promise<void> {
    if (this.schemas.get(ref)) return;
    const found = await this.modules.resolve(ref);
    const versions = [...(found.module?.versions ?? [])].sort(compareVersions);
    const version = versions[versions.length - 1];
    if (!found.module || version === undefined) return;
    const variables = await this.api.moduleVariables(found.module.id, version);
    const loaded = { version, schema: variablesSchema(variables) };
    // A name typed on the command line becomes the module's id in the form once Harness has named it.
    this.schemas.set(ref, loaded);
    this.schemas.set(found.module.id, loaded);
  }
}
