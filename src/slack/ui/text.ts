import type { Text, TextPart } from '../../core/kit/text';
import { escapeMrkdwn, slackDate } from './blocks';

/**
 * Slack mrkdwn for one part. Words are always escaped, so text from a person or an upstream can neither
 * ping (`<!channel>`) nor forge a link; only the parts that are people, groups, channels and moments
 * become Slack's own tokens.
 */
function partMrkdwn(part: TextPart): string {
  switch (part.kind) {
    case 'text':
      return escapeMrkdwn(part.text);
    case 'strong':
      return `*${escapeMrkdwn(part.text)}*`;
    case 'em':
      return `_${escapeMrkdwn(part.text)}_`;
    case 'code':
      // A code span cannot be broken out of: it holds no backtick.
      return `\`${escapeMrkdwn(part.text.replace(/`/g, "'")) || ' '}\``;
    case 'user':
      return `<@${part.id}>`;
    case 'group':
      return `<!subteam^${part.id}>`;
    case 'channel':
      return `<#${part.id}>`;
    case 'time':
      return slackDate(part.at);
    case 'link':
      return `<${escapeMrkdwn(part.url).replace(/\|/g, '%7C')}|${escapeMrkdwn(part.text)}>`;
  }
}

/** Text as Slack mrkdwn. */
export function mrkdwnText(text: Text): string {
  return text.map(partMrkdwn).join('');
}
