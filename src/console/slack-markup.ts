/**
 * TEMPORARY — delete once helper "data" lands structured values (user/group/channel/time/code parts) in
 * the core's reasons, previews and reports. Until then some core strings still carry Slack markup
 * (`<@U…>`, `<#C…>`, `<!subteam^S…>`, `<!date^…|…>`, `<url|label>`, and mrkdwn code, *bold*, _italic_, :emoji:), and this one function turns such a
 * string into plain text for the console. Every call site is listed in the console's report.
 */
export function slackMarkupToPlainText(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, (_, fallback: string) => fallback)
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<#([CG][A-Z0-9]+)(?:\|[^>]*)?>/g, '#$1')
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/:[a-z][a-z0-9_+-]*: ?/g, '')
    .replace(/(^|\s)\*([^*\n]+)\*/g, '$1$2')
    .replace(/(^|\s)_([^_\n]+)_/g, '$1$2');
}
