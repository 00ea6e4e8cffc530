import type {
  Choice,
  FieldErrors,
  FormField,
  FormValues,
  Operation,
  StepField,
} from '../core/operations/contract';
import type { StepFormCheck } from '../core/runs/human-steps';
import { parseForm, prepareForm, validateUpstream } from '../core/operations/forms';
import type { Terminal } from './terminal';
import { isUpstreamError } from '../core/errors';

/** What a prompt needs besides the operation: where to talk, and how long the upstream may take. */
export interface PromptDeps {
  terminal: Terminal;
  systemName: string;
  /** Upstream checks of the filled-in form (as in Slack's view submission). */
  validateDeadlineMs: number;
  searchDeadlineMs: number;
}

/** Typed at any prompt: leave the form, as closing the modal does. */
export const ABANDON = '/cancel';
const SHOWN_CHOICES = 20;

class Abandoned extends Error {}

export type FilledForm = { values: FormValues; input: unknown };

/**
 * The operation's modal as a series of prompts: each of its form fields in order, rebuilt after a field
 * that shapes the rest (`refreshOnChange`), pickers listing the upstream's choices through the operation's
 * `search`. Then the same checks a submission gets: the input schema, then the upstream; a field with an
 * error is asked again with the error shown. Undefined when abandoned.
 */
export async function fillForm(
  op: Operation,
  prefill: string | undefined,
  deps: PromptDeps,
  earlier: FormValues = {},
): Promise<FilledForm | undefined> {
  const { terminal } = deps;
  // A re-run's values: each field is still asked, with the earlier value offered as its default.
  const values: FormValues = { ...earlier };
  const answered = new Set<string>();
  terminal.print(`${deps.systemName}: ${op.title} (type ${ABANDON} to leave the form)`);
  try {
    for (;;) {
      await prepareForm(op, { prefill, values }, deps.searchDeadlineMs);
      const fields = op.fields({ prefill, values });
      const next = fields.find((f) => !answered.has(f.id));
      if (next) {
        const value = await askField(op, next, values, deps);
        values[next.id] = value;
        answered.add(next.id);
        continue;
      }
      const present = new Set(fields.map((f) => f.id));
      const submitted = Object.fromEntries(Object.entries(values).filter(([id]) => present.has(id)));
      const parsed = parseForm(op, submitted);
      const errors = parsed.ok
        ? await validateUpstream(op, parsed.input, deps.validateDeadlineMs)
        : parsed.errors;
      if (parsed.ok && (!errors || Object.keys(errors).length === 0))
        return { values: submitted, input: parsed.input };
      reask(errors ?? {}, fields, answered, terminal);
    }
  } catch (err) {
    if (err instanceof Abandoned) {
      terminal.print('Form left; nothing was started.');
      return undefined;
    }
    throw err;
  }
}

/** Shows each error under its field's name and forgets those answers, so they are asked again. */
function reask(errors: FieldErrors, fields: FormField[], answered: Set<string>, terminal: Terminal): void {
  for (const [id, message] of Object.entries(errors)) {
    const field = fields.find((f) => f.id === id);
    terminal.print(`✖ ${field?.label ?? 'Form'}: ${message}`);
    if (field) answered.delete(field.id);
    // An error about the form as a whole: every field is asked again.
    else fields.forEach((f) => answered.delete(f.id));
  }
}

async function read(terminal: Terminal, prompt: string): Promise<string> {
  const line = await terminal.ask(prompt);
  if (line === undefined || line.trim() === ABANDON) throw new Abandoned();
  return line.trim();
}

/**
 * A step's form (what its Approve button opens in Slack) as prompts: each field, pre-filled, then the check
 * of the step's system; a field with an error is asked again with the error shown. Undefined when abandoned.
 */
export async function fillStepForm(
  fields: StepField[],
  check: (values: FormValues) => Promise<StepFormCheck>,
  deps: Pick<PromptDeps, 'terminal' | 'systemName'>,
): Promise<FormValues | undefined> {
  const { terminal } = deps;
  terminal.print(`${deps.systemName}: approve the step (type ${ABANDON} to leave the form)`);
  const values: FormValues = {};
  const answered = new Set<string>();
  try {
    for (;;) {
      for (const field of fields.filter((f) => !answered.has(f.id))) {
        values[field.id] = await askPlainField(field, terminal);
        answered.add(field.id);
      }
      const checked = await check(values);
      if (checked.ok) return values;
      reask(checked.errors, fields, answered, terminal);
    }
  } catch (err) {
    if (err instanceof Abandoned) {
      terminal.print('Form left; the step was not decided.');
      return undefined;
    }
    throw err;
  }
}

/** A field answered from the terminal alone: typed text, or one of its own choices. */
async function askPlainField(field: StepField, terminal: Terminal): Promise<string | undefined> {
  printFieldHeading(field, terminal);
  if (field.kind === 'select') {
    const picked = await pick(terminal, field.label, field.choices, field.initial, false, field.optional);
    return picked[0];
  }
  const shown = field.initial
    ? ` [${field.initial}]`
    : field.placeholder
      ? ` (e.g. ${field.placeholder})`
      : '';
  const answer = await read(terminal, `  ${field.label}${shown}: `);
  return answer === '' ? field.initial || undefined : answer;
}

function printFieldHeading(field: FormField, terminal: Terminal): void {
  const note = [field.optional ? 'optional' : undefined, field.hint].filter(Boolean).join('; ');
  terminal.print(`• ${field.label}${note ? ` (${note})` : ''}`);
}

async function askField(
  op: Operation,
  field: FormField,
  values: FormValues,
  deps: PromptDeps,
): Promise<string | string[] | undefined> {
  const { terminal } = deps;
  switch (field.kind) {
    case 'text':
    case 'multiline':
    case 'select':
      return askPlainField(field, terminal);
    case 'search':
    case 'multi_search': {
      printFieldHeading(field, terminal);
      const many = field.kind === 'multi_search';
      const initial =
        field.kind === 'search' ? (field.initial ? [field.initial] : []) : (field.initial ?? []);
      for (;;) {
        const shown = initial.length > 0 ? ` [${initial.map((c) => c.label).join(', ')}]` : '';
        const hint = initial.length > 0 ? 'Enter keeps it, * lists all' : 'Enter lists all';
        const typed = await read(terminal, `  search ${field.label}${shown} (${hint}): `);
        if (typed === '' && initial.length > 0) return many ? initial.map((c) => c.value) : initial[0]?.value;
        const query = typed === '*' ? '' : typed;
        const choices = await search(op, field.id, query, values, deps);
        if (!choices) continue;
        if (choices.length === 0) {
          terminal.print(`  Nothing matches "${query}". Search again.`);
          continue;
        }
        const picked = await pick(
          terminal,
          field.label,
          choices.slice(0, SHOWN_CHOICES),
          undefined,
          many,
          field.optional,
        );
        return many ? (picked.length > 0 ? picked : undefined) : picked[0];
      }
    }
  }
}

/**
 * Numbered choices; the answer is numbers (several, comma-separated, when `many`) or an exact value.
 * Enter keeps the initial value, or picks none when the field is optional.
 */
async function pick(
  terminal: Terminal,
  label: string,
  choices: Choice[],
  initial: string | undefined,
  many: boolean,
  optional = false,
): Promise<string[]> {
  choices.forEach((c, i) =>
    terminal.print(`  [${i + 1}] ${c.label}${c.description ? ` — ${c.description}` : ''}`),
  );
  for (;;) {
    const shown = initial
      ? ` [${choices.find((c) => c.value === initial)?.label ?? initial}]`
      : optional
        ? ' (Enter for none)'
        : '';
    const answer = await read(
      terminal,
      `  ${label}: ${many ? 'numbers, comma-separated' : 'number'}${shown}: `,
    );
    if (answer === '' && initial) return [initial];
    if (answer === '' && optional) return [];
    const words = answer.split(/[\s,]+/).filter((w) => w !== '');
    const picked = words.map(
      (w) => choices[Number(w) - 1]?.value ?? choices.find((c) => c.value === w || c.label === w)?.value,
    );
    if (words.length > 0 && picked.every((v) => v !== undefined) && (many || picked.length === 1))
      return picked as string[];
    terminal.print(`  Pick ${many ? 'one or more of' : 'one of'} 1–${choices.length}.`);
  }
}

/** The operation's own option loader, under the picker's deadline; undefined (said why) when it cannot answer. */
async function search(
  op: Operation,
  fieldId: string,
  query: string,
  values: FormValues,
  deps: PromptDeps,
): Promise<Choice[] | undefined> {
  if (!op.search) return [];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('did not answer in time')), deps.searchDeadlineMs);
  });
  try {
    return await Promise.race([op.search(fieldId, query, values), late]);
  } catch (err) {
    const why = isUpstreamError(err) ? err.message : 'it did not answer in time';
    deps.terminal.print(`  ⚠ ${deps.systemName} could not list the choices (${why}). Search again.`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
