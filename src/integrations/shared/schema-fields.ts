import {
  CHOICE_MAX_LENGTH,
  type Choice,
  type FieldErrors,
  type FormField,
  type FormValues,
} from '../../core/operations/contract';
import { truncate } from '../../core/kit/truncate';
import { isRecord } from './json';

/**
 * An upstream's input schema (JSON Schema: an Itential workflow's `inputSchema`, Harness module variables
 * turned into one) as one form field per input it can express. What it cannot express (objects, arrays,
 * `$ref`, unions, odd types, names Slack cannot carry) stays for the form's JSON box.
 *
 * A field's id carries its kind and the input's name (`in.n.vlan`), so submitted values are read back with
 * the right JSON types without the schema: the form may be submitted after the schema left the cache, on
 * another replica.
 */

/** s string, n number, i integer, b boolean, e enum (option values are the values as JSON); x… secret. */
type Code = 's' | 'n' | 'i' | 'b' | 'e';
const PREFIX = 'in.';
const ID = /^in\.(x?)([snibe])\.(.+)$/;
/** Slack shows at most 100 options in a static select. */
const MAX_OPTIONS = 100;
/** Slack's block id limit is 255; the id adds up to 5 characters to the encoded name. */
const MAX_ENCODED_NAME = 200;
const MAX_HINT = 150;
const MAX_LABEL = 48;
/** Property names are read off at most this many entries: a hostile schema may list a million. */
const MAX_PROPERTIES = 500;

export interface SchemaFormOptions {
  /** Whether an input of this name holds a secret (the scrubber's notion). */
  isSecretName(name: string): boolean;
  /** Values already in the form (a rebuild, a re-run); they win over the schema's defaults. */
  values?: FormValues;
  /** At most this many fields; the rest go to the JSON box. */
  maxFields: number;
}

/** What the schema became: its fields, and the inputs left to the JSON box (name and why). */
export interface SchemaForm {
  fields: FormField[];
  /** Input name → its field id. */
  fieldOf: Map<string, string>;
  /** Inputs without a field, "name (object)", for the JSON box's hint. */
  rest: string[];
}

interface Mapped {
  code: Code;
  choices?: Choice[];
}

const encodeName = (name: string) => encodeURIComponent(name);

const fieldId = (code: Code, secret: boolean, name: string) =>
  `${PREFIX}${secret ? 'x' : ''}${code}.${encodeName(name)}`;

/** Whether a form field id is one this module made. */
export const isSchemaFieldId = (id: string) => ID.test(id);

/** `['string', 'null']` is a string that may be left out; any other union is not a single field. */
function singleType(type: unknown): string | undefined {
  if (typeof type === 'string') return type;
  if (!Array.isArray(type)) return undefined;
  const types = type.filter((t) => t !== 'null');
  return types.length === 1 && typeof types[0] === 'string' ? types[0] : undefined;
}

const isPrimitive = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

function enumChoices(values: unknown[]): Choice[] | undefined {
  const choices: Choice[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (!isPrimitive(v)) return undefined;
    const value = JSON.stringify(v);
    if (value.length > CHOICE_MAX_LENGTH) return undefined;
    if (seen.has(value)) continue;
    seen.add(value);
    choices.push({
      value,
      label: truncate(typeof v === 'string' ? v || '(empty)' : value, CHOICE_MAX_LENGTH),
    });
  }
  return choices.length > 0 ? choices : undefined;
}

/** The field kind for one property, or why it has none. */
function mapProperty(prop: unknown): Mapped | string {
  if (!isRecord(prop)) return 'any value';
  if ('$ref' in prop) return 'reference';
  if ('anyOf' in prop || 'oneOf' in prop || 'allOf' in prop || 'not' in prop || 'if' in prop) return 'union';
  if ('const' in prop) return 'fixed value';
  if ('enum' in prop) {
    const choices = Array.isArray(prop.enum) ? enumChoices(prop.enum) : undefined;
    return choices ? { code: 'e', choices } : 'enum';
  }
  const type = singleType(prop.type);
  switch (type) {
    case 'string':
      return { code: 's' };
    case 'number':
      return { code: 'n' };
    case 'integer':
      return { code: 'i' };
    case 'boolean':
      return { code: 'b' };
    default:
      return typeof type === 'string' ? truncate(type, 20) : 'no single type';
  }
}

const finite = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

const text = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? truncate(v.trim().replace(/\s+/g, ' '), max) : undefined;

/** "Between 1 and 4094", "At least 0", "At most 64 characters". */
function bounds(code: Code, prop: Record<string, unknown>): string | undefined {
  if (code === 'n' || code === 'i') {
    const min = finite(prop.minimum) ?? finite(prop.exclusiveMinimum);
    const max = finite(prop.maximum) ?? finite(prop.exclusiveMaximum);
    const what = code === 'i' ? 'A whole number' : 'A number';
    if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
    if (min !== undefined) return `${what}, at least ${min}`;
    if (max !== undefined) return `${what}, at most ${max}`;
    return `${what}`;
  }
  if (code === 's') {
    const max = finite(prop.maxLength);
    return max !== undefined ? `At most ${max} characters` : undefined;
  }
  return undefined;
}

/** The schema default as the field's text or option value, when it is one the field can show. */
function defaultValue(mapped: Mapped, value: unknown): string | undefined {
  if (!isPrimitive(value)) return undefined;
  switch (mapped.code) {
    case 's':
      return typeof value === 'string' ? value : undefined;
    case 'n':
    case 'i':
      return typeof value === 'number' ? String(value) : undefined;
    case 'b':
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'e': {
      const json = JSON.stringify(value);
      return mapped.choices?.some((c) => c.value === json) ? json : undefined;
    }
  }
}

const BOOLEAN_CHOICES: Choice[] = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

function toField(
  name: string,
  prop: Record<string, unknown>,
  mapped: Mapped,
  required: boolean,
  options: SchemaFormOptions,
): FormField {
  const secret = options.isSecretName(name) || prop.writeOnly === true || prop.format === 'password';
  const id = fieldId(mapped.code, secret, name);
  const typed = options.values?.[id];
  const current = typeof typed === 'string' && typed !== '' ? typed : undefined;
  const initial = secret ? undefined : (current ?? defaultValue(mapped, prop.default));
  const description = text(prop.description, MAX_HINT);
  const limits = bounds(mapped.code, prop);
  const hint = truncate(
    [description, limits, secret ? 'A secret: never shown back, masked in the thread' : undefined]
      .filter(Boolean)
      .join('. '),
    MAX_HINT,
  );
  const base = {
    id,
    label: text(prop.title, MAX_LABEL) ?? truncate(name, MAX_LABEL),
    optional: !required,
    ...(hint ? { hint } : {}),
    ...(secret ? { secret: true } : {}),
  };
  if (mapped.code === 'b') return { ...base, kind: 'select', choices: BOOLEAN_CHOICES, initial };
  if (mapped.code === 'e') {
    const choices = mapped.choices ?? [];
    if (choices.length <= MAX_OPTIONS) return { ...base, kind: 'select', choices, initial };
    const picked = choices.find((c) => c.value === initial);
    return { ...base, kind: 'search', minQueryLength: 0, ...(picked ? { initial: picked } : {}) };
  }
  const maxLength = mapped.code === 's' ? finite(prop.maxLength) : undefined;
  return {
    ...base,
    kind: 'text',
    ...(initial !== undefined ? { initial } : {}),
    ...(maxLength !== undefined && maxLength >= 1
      ? { maxLength: Math.min(Math.floor(maxLength), 3000) }
      : {}),
    ...(mapped.code === 'n' || mapped.code === 'i'
      ? { placeholder: mapped.code === 'i' ? '12' : '1.5' }
      : {}),
  };
}

/** The schema as form fields; never throws, whatever the schema holds. */
export function schemaForm(schema: unknown, options: SchemaFormOptions): SchemaForm {
  const form: SchemaForm = { fields: [], fieldOf: new Map(), rest: [] };
  if (!isRecord(schema) || !isRecord(schema.properties)) return form;
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : [],
  );
  const names = Object.keys(schema.properties).slice(0, MAX_PROPERTIES);
  for (const name of names) {
    const prop = schema.properties[name];
    const mapped = mapProperty(prop);
    if (typeof mapped === 'string' || !isRecord(prop)) {
      form.rest.push(`${name} (${typeof mapped === 'string' ? mapped : 'any value'})`);
    } else if (encodeName(name).length > MAX_ENCODED_NAME || name === '') {
      form.rest.push(`${truncate(name, 40)} (long name)`);
    } else if (form.fields.length >= options.maxFields) {
      form.rest.push(name);
    } else {
      const field = toField(name, prop, mapped, required.has(name), options);
      form.fields.push(field);
      form.fieldOf.set(name, field.id);
    }
  }
  return form;
}

/** The inputs a submitted form holds: plain ones, secret ones, and each field whose text is not its type. */
export interface SchemaValues {
  variables: Record<string, unknown>;
  secrets: Record<string, unknown>;
  errors: FieldErrors;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function readValue(code: Code, raw: string): { value: unknown } | { error: string } {
  const trimmed = raw.trim();
  switch (code) {
    case 's':
      return { value: raw };
    case 'n':
    case 'i': {
      const n = Number(trimmed);
      if (!NUMBER.test(trimmed) || !Number.isFinite(n)) {
        return { error: code === 'i' ? 'Enter a whole number, like 12' : 'Enter a number, like 1.5' };
      }
      if (code === 'i' && !Number.isSafeInteger(n)) return { error: 'Enter a whole number, like 12' };
      return { value: n };
    }
    case 'b':
      if (trimmed === 'true' || trimmed === 'false') return { value: trimmed === 'true' };
      return { error: 'Pick Yes or No' };
    case 'e':
      try {
        const value: unknown = JSON.parse(trimmed);
        if (isPrimitive(value)) return { value };
      } catch {
        // Falls through: not one of the offered values.
      }
      return { error: 'Pick one of the offered values' };
  }
}

/** Reads every schema field among `values` back into typed inputs; fields left empty are left out. */
export function readSchemaValues(values: FormValues): SchemaValues {
  const variables: [string, unknown][] = [];
  const secrets: [string, unknown][] = [];
  const errors: FieldErrors = {};
  for (const [id, raw] of Object.entries(values)) {
    const match = ID.exec(id);
    if (!match || typeof raw !== 'string' || raw.trim() === '') continue;
    const [, secret, code, encoded] = match;
    let name: string;
    try {
      name = decodeURIComponent(encoded ?? '');
    } catch {
      continue;
    }
    const read = readValue(code as Code, raw);
    if ('error' in read) errors[id] = read.error;
    else (secret ? secrets : variables).push([name, read.value]);
  }
  // fromEntries defines own properties, so an input named `__proto__` stays an input.
  return { variables: Object.fromEntries(variables), secrets: Object.fromEntries(secrets), errors };
}

/** Options of a search-backed enum field (more than Slack's 100), filtered by what was typed. */
export function schemaChoices(schema: unknown, fieldIdWanted: string, query: string, limit = 100): Choice[] {
  if (!isRecord(schema) || !isRecord(schema.properties)) return [];
  const match = ID.exec(fieldIdWanted);
  if (!match) return [];
  let name: string;
  try {
    name = decodeURIComponent(match[3] ?? '');
  } catch {
    return [];
  }
  if (!Object.prototype.hasOwnProperty.call(schema.properties, name)) return [];
  const mapped = mapProperty(schema.properties[name]);
  if (typeof mapped === 'string' || !mapped.choices) return [];
  const q = query.trim().toLowerCase();
  return mapped.choices.filter((c) => c.label.toLowerCase().includes(q)).slice(0, limit);
}

/** One problem the schema check found: the top-level input it concerns (when one does), and what is wrong. */
export interface InputProblem {
  input?: string;
  message: string;
}

/**
 * Puts each problem on the field of the input it concerns, or on the JSON box (`boxId`) when that input
 * has no field; several problems on one field are joined.
 */
export function problemsByField(
  problems: readonly InputProblem[],
  fieldOf: ReadonlyMap<string, string>,
  boxId: string,
): FieldErrors {
  const byField = new Map<string, string[]>();
  for (const problem of problems) {
    const id = (problem.input !== undefined && fieldOf.get(problem.input)) || boxId;
    byField.set(id, [...(byField.get(id) ?? []), problem.message]);
  }
  return Object.fromEntries([...byField].map(([id, messages]) => [id, truncate(messages.join('; '), 1500)]));
}

/**
 * The form values that show `variables` again (a re-run): each input with a field in its field, the rest
 * (all of them without a `form`) as the JSON box's text. Secrets are left blank, to be typed again.
 */
export function schemaFormValues(
  form: Pick<SchemaForm, 'fieldOf'> | undefined,
  variables: Record<string, unknown>,
  boxId: string,
): FormValues {
  const values: FormValues = {};
  const rest: [string, unknown][] = [];
  for (const [name, value] of Object.entries(variables)) {
    const id = form?.fieldOf.get(name);
    const match = id ? ID.exec(id) : null;
    if (!id || !match || !isPrimitive(value)) {
      rest.push([name, value]);
      continue;
    }
    if (match[1] !== 'x') values[id] = match[2] === 'e' ? JSON.stringify(value) : String(value);
  }
  if (rest.length > 0) values[boxId] = JSON.stringify(Object.fromEntries(rest), null, 2);
  return values;
}
