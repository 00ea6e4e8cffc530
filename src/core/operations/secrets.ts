import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { FormValues } from './contract';
import type { Problem } from './problem';
import { UnreadableSecretsError } from '../errors';

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
/** Marks sealed secret inputs: AES-256-GCM, then base64 of IV, tag and ciphertext. */
const SEALED = 'fdsealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Keeps the values of secret-named inputs (a job variable `password`, a `sensitive` module variable)
 * out of everything Flightdeck shows: an upstream that echoes a value back in an error message must not
 * carry it into a thread, a log line or the audit trail.
 */
export class SecretScrubber {
  private readonly names: RegExp;

  private readonly key: Buffer;

  /**
   * `sealKey` seals secret inputs (`FLIGHTDECK_SECRETS_KEY`); without one the process makes up its own, so a
   * run that waits for an approval across a restart, or on another replica, cannot open them.
   */
  constructor(patterns: readonly string[] = DEFAULT_SECRET_NAME_PATTERNS, sealKey?: string) {
    this.names = new RegExp(patterns.join('|'), 'i');
    this.key = createHash('sha256')
      .update(sealKey ?? randomBytes(32))
      .digest();
  }

  /** Secret input values as one opaque string, so that they are stored with the run but never in clear. */
  seal(values: Record<string, unknown>): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
    return `${SEALED}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** The values `seal` sealed. Throws UnreadableSecretsError when this key did not seal them. */
  open(sealed: string): Record<string, unknown> {
    try {
      if (!sealed.startsWith(SEALED)) throw new Error('not sealed');
      const raw = Buffer.from(sealed.slice(SEALED.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      const values: unknown = JSON.parse(text.toString('utf8'));
      if (typeof values !== 'object' || values === null || Array.isArray(values))
        throw new Error('not an object');
      return values as Record<string, unknown>;
    } catch {
      throw new UnreadableSecretsError('the secret inputs cannot be opened with this process’s key');
    }
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
      if (typeof value === 'string' && value.startsWith(SEALED)) {
        let opened: Record<string, unknown> | undefined;
        try {
          opened = this.open(value);
        } catch {
          opened = undefined;
        }
        if (opened) walk(opened, true, depth + 1);
        return;
      }
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

  text(text: string, secrets: string[], mask = MASK): string {
    return secrets.reduce((out, secret) => out.split(secret).join(mask), text);
  }

  /** `input` with every value under a secret-looking name emptied, for a form to ask for it again. */
  blanked(input: unknown): unknown {
    const walk = (value: unknown, secret: boolean, depth: number): unknown => {
      if (depth > 20) return secret ? '' : value;
      if (Array.isArray(value)) return value.map((item) => walk(item, secret, depth + 1));
      if (typeof value === 'object' && value !== null) {
        return Object.fromEntries(
          Object.entries(value).map(([key, child]) => [
            key,
            walk(child, secret || this.names.test(key), depth + 1),
          ]),
        );
      }
      return secret && (typeof value === 'string' || typeof value === 'number') ? '' : value;
    };
    return walk(input, false, 0);
  }

  /**
   * Form values with no secret of `input` left in them, as typed or as JSON writes it: what `blanked`
   * missed (a secret an operation copied elsewhere) is cut out rather than shown.
   */
  blankedForm(values: FormValues, input: unknown): FormValues {
    const secrets = this.secretValues(input).flatMap((secret) => {
      const escaped = JSON.stringify(secret).slice(1, -1);
      return escaped === secret ? [secret] : [secret, escaped];
    });
    if (secrets.length === 0) return values;
    const blank = (text: string) => this.text(text, secrets, '');
    return Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        key,
        Array.isArray(value) ? value.map(blank) : value === undefined ? undefined : blank(value),
      ]),
    );
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
