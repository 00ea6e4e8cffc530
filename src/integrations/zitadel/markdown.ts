/**
 * Upstream names and user text inside Slack mrkdwn: a code span cannot be broken out of (no
 * backticks), and `&`, `<`, `>` are escaped so nothing can ping a channel or forge a link.
 */
export function code(text: string): string {
  const safe = text.replace(/`/g, "'").replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `\`${safe || ' '}\``;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
