import type { Problem } from './problem';

/** Names of input fields whose values are secrets unless the config says otherwise. */
export const DEFAULT_SECRET_NAME_PATTERNS = [
  'password',
  'passwd',
  'secret',
  'token',
  'api[-_]?key',
  'credential',
  'private[-_]?key',
  'auth',
] as const;

/** Shorter values are too likely to occur by chance in ordinary text to be worth masking. */
const MIN_SECRET_LENGTH = 4;
const MASK = '[redacted]';

/**
 * Keeps the values of secret-named inputs (a job variable `password`, a `sensitive` module variable)
 * out of everything Flightdeck shows: an upstream that echoes a value back in an error message must not
 * carry it into a thread, a log line or the audit trail.
 */
export class SecretScrubber {
  private readonly names: RegExp;

  constructor(patterns: readonly string[] = DEFAULT_SECRET_NAME_PATTERNS) {
    this.names = new RegExp(patterns.join('|'), 'i');
  }

  /** Whether an input of this name holds a secret (`db_password`, `apiKey`). */
  isSecretName(name: string): boolean {
    return this.names.test(name);
  }

  /** Values found under secret-looking names anywhere in `input`, longest first. */
  secretValues(input: unknown): string[] {
    const found = new Set<string>();
    const walk = (value: unknown, secret: boolean, depth: number) => {
      if (depth > 20) return;
      if (typeof value === 'string' || typeof value === 'number') {
        const text = String(value);
        if (secret && text.length >= MIN_SECRET_LENGTH) found.add(text);
        return;
      }
      if (Array.isArray(value)) {
        for (const item of value) walk(item, secret, depth + 1);
        return;
      }
      if (typeof value === 'object' && value !== null) {
        for (const [key, child] of Object.entries(value))
          walk(child, secret || this.isSecretName(key), depth + 1);
      }
    };
    walk(input, false, 0);
    return [...found].sort((a, b) => b.length - a.length);
  }

  text(text: string, secrets: string[]): string {
    return secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
  }

  /** The problem with every secret value of `input` masked. */
  problem(problem: Problem, input: unknown): Problem {
    const secrets = this.secretValues(input);
    if (secrets.length === 0) return problem;
    const mask = (value: string | undefined) => (value === undefined ? undefined : this.text(value, secrets));
    return {
      ...problem,
      title: this.text(problem.title, secrets),
      message: this.text(problem.message, secrets),
      where: mask(problem.where),
      hint: mask(problem.hint),
      code: mask(problem.code),
      errorId: mask(problem.errorId),
    };
  }
}
