import { truncate } from '../../core/kit/truncate';

export const REDACTED = '[redacted]';

/** A pattern whose matches carry a credential whatever its value, and what replaces them. */
export type CredentialPattern = readonly [pattern: RegExp, replacement: string];

/**
 * Removes secrets from text that may reach Slack or logs: the configured credentials, every token a
 * system issues later (`add`), and whatever matches the system's credential patterns.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(
    secrets: readonly string[],
    private readonly patterns: readonly CredentialPattern[] = [],
  ) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string): void {
    // Very short values would blank out ordinary words.
    if (secret.length >= 4) this.secrets.add(secret);
  }

  clean(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of this.patterns) out = out.replace(pattern, replacement);
    return out;
  }

  /** Cleaned first, then cut: cutting first could leave a secret's head that no longer matches. */
  clip(text: string, max: number): string {
    return truncate(this.clean(text), max);
  }
}
