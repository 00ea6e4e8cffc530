/** At most `max` characters; a cut is marked with "…". The one cut the Slack layer and the integrations share. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
