import type { FieldErrors, FormContext, FormValues, Operation } from './contract';

export type FormResult<I> = { ok: true; input: I } | { ok: false; errors: FieldErrors };

/** Parses form values with the operation's schema; each issue lands on the field its path names. */
export function parseForm<I>(op: Pick<Operation<I>, 'input'>, values: FormValues): FormResult<I> {
  const result = op.input.safeParse(values);
  if (result.success) return { ok: true, input: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (!errors[field]) errors[field] = issue.message;
  }
  return { ok: false, errors };
}

/** Runs the operation's upstream checks; an upstream that cannot answer in time does not block the form. */
export async function validateUpstream<I>(
  op: Operation<I>,
  input: I,
  deadlineMs: number,
): Promise<FieldErrors | undefined> {
  if (!op.validate) return undefined;
  return withinDeadline(op.validate(input, deadlineMs), deadlineMs);
}

/** Lets the operation fetch what its form needs; an upstream that cannot answer in time leaves the form as it is. */
export async function prepareForm(op: Operation, ctx: FormContext, deadlineMs: number): Promise<void> {
  if (op.prepare) await withinDeadline(op.prepare(ctx, deadlineMs), deadlineMs);
}

async function withinDeadline<T>(work: Promise<T>, deadlineMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), deadlineMs);
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
