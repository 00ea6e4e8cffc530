const REDACTED = '[redacted]';

/** Patterns that carry a credential whatever its value: query tokens, bearer headers, token fields. */
const CREDENTIAL_PATTERNS: [RegExp, string][] = [
  [/([?&;]|\b)(token|access_token|client_secret|password)=[^&\s"'<>]*/gi, `$1$2=${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`],
  [/("(?:token|access_token|client_secret|password)"\s*:\s*)"[^"]*"/gi, `$1"${REDACTED}"`],
];

/**
 * Removes secrets from text that may reach Slack or logs: the configured credentials, every token
 * the bot was issued, and anything shaped like a credential.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: string[]) {
    for (const secret of secrets) this.add(secret);
  }

  /** Called with every token Itential issues, so a token echoed in an error is caught too. */
  add(secret: string): void {
    // Very short values would blank out ordinary words.
    if (secret.length >= 4) this.secrets.add(secret);
  }

  clean(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
