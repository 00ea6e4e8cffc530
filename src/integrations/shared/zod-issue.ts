import type { z } from 'zod';

/** The first problem zod found, as `path: message` (`root` names an empty path); undefined when it lists none. */
export function firstIssue(error: z.ZodError, root: string): string | undefined {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || root}: ${issue.message}` : undefined;
}
