import { type CredentialPattern, REDACTED, Redactor } from '../shared/redaction';
import type { ItentialAuth } from './config';

/** Patterns that carry a credential whatever its value: query tokens, bearer headers, token fields. */
const CREDENTIAL_PATTERNS: CredentialPattern[] = [
  [/([?&;]|\b)(token|access_token|client_secret|password)=[^&\s"'<>]*/gi, `$1$2=${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`],
  [/("(?:token|access_token|client_secret|password)"\s*:\s*)"[^"]*"/gi, `$1"${REDACTED}"`],
];

function secretsOf(auth: ItentialAuth): string[] {
  switch (auth.kind) {
    case 'token':
      return [auth.token];
    case 'login':
      return [auth.password];
    case 'oauth':
      return [auth.clientSecret];
  }
}

/** The configured credential and Itential's credential shapes; tokens Itential issues are added as they come. */
export function itentialRedactor(auth: ItentialAuth): Redactor {
  return new Redactor(secretsOf(auth), CREDENTIAL_PATTERNS);
}
