import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Log } from '../../core/kit/log';
import { isRecord } from '../shared/json';
import type { InputProblem } from '../shared/schema-fields';
import { truncate } from '../../core/kit/truncate';

const MAX_MESSAGES = 6;
const MAX_TEXT = 1500;

/** The steps of a JSON Pointer, unescaped. */
function pointerSteps(instancePath: string): string[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const variableName = (instancePath: string) => pointerSteps(instancePath).join('.');

/** The top-level input an error is about: the first step of its path, or the missing property at the top. */
function inputOf(error: ErrorObject): string | undefined {
  const [first] = pointerSteps(error.instancePath);
  if (first !== undefined) return first;
  const params: Record<string, unknown> = error.params;
  return error.keyword === 'required' && typeof params.missingProperty === 'string'
    ? params.missingProperty
    : undefined;
}

function describe(error: ErrorObject): string {
  const params: Record<string, unknown> = error.params;
  const at = variableName(error.instancePath);
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    const name = at ? `${at}.${params.missingProperty}` : params.missingProperty;
    return `'${name}' is required (rule: required)`;
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return `'${params.additionalProperty}' is not an input of this workflow (rule: additionalProperties)`;
  }
  const detail =
    error.keyword === 'enum' && Array.isArray(params.allowedValues)
      ? `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
      : (error.message ?? 'is not valid');
  return `${at ? `'${at}'` : 'the variables'} ${detail} (rule: ${error.keyword})`;
}

/**
 * Checks job variables against a workflow's `inputSchema` (JSON Schema) before the job starts, so
 * mistakes show under the form field instead of as a failed job.
 */
export class VariablesCheck {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, ValidateFunction | undefined>();

  constructor(private readonly log: Log) {
    addFormats(this.ajv);
  }

  /**
   * One line per problem, joined; an empty string when the variables fit. Undefined when the
   * workflow declares no usable schema (nothing to check against).
   */
  check(inputSchema: unknown, variables: Record<string, unknown>): string | undefined {
    const problems = this.problems(inputSchema, variables);
    if (!problems) return undefined;
    const messages = problems.map((p) => p.message);
    const shown = [...new Set(messages)].slice(0, MAX_MESSAGES);
    const more = messages.length > shown.length ? ` (and ${messages.length - shown.length} more)` : '';
    return truncate(`${shown.join('; ')}${more}`, MAX_TEXT);
  }

  /**
   * Each problem with the top-level input it concerns, so a form can show it under that input's field.
   * Empty when the variables fit; undefined when the workflow declares no usable schema.
   */
  problems(inputSchema: unknown, variables: Record<string, unknown>): InputProblem[] | undefined {
    const validate = this.validator(inputSchema);
    if (!validate) return undefined;
    if (validate(variables)) return [];
    return (validate.errors ?? []).map((error) => ({ input: inputOf(error), message: describe(error) }));
  }

  private validator(inputSchema: unknown): ValidateFunction | undefined {
    if (!isRecord(inputSchema) || Object.keys(inputSchema).length === 0) return undefined;
    const key = JSON.stringify(inputSchema);
    if (this.compiled.has(key)) return this.compiled.get(key);
    // Itential stores draft-07 schemas; another `$schema` would make Ajv refuse the schema, and a
    // repeated `$id` would clash with the copy compiled before the workflow changed.
    const { $schema: _schema, $id: _id, ...schema } = inputSchema;
    let validate: ValidateFunction | undefined;
    try {
      validate = this.ajv.compile(schema);
    } catch (err) {
      this.log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'workflow input schema not usable; not checking variables',
      );
      validate = undefined;
    }
    if (this.compiled.size >= 200) this.compiled.clear();
    this.compiled.set(key, validate);
    return validate;
  }
}
