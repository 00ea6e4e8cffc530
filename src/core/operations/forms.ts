import type { FieldErrors, FormValues, Operation } from './contract';

export type FormResult<I> = { ok: true; input: I } | { ok: false; errors: FieldErrors };

/** Parses form values with the operation's schema; each issue lands on the field its path names. */
export function parseForm<I>(op: Operation<I>, values: FormValues): FormResult<I> {
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
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), deadlineMs);
  });
  try {
    return await Promise.race([op.validate(input, deadlineMs).catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
