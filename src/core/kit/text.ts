/**
 * Text for people, as data: the core and the integrations say what a sentence is made of (words, a
 * person, a user group, a channel, a moment, a code span, a link) and each surface renders it its own way
 * (Slack mrkdwn in src/slack/ui, plain text for a console or a log). Nothing here is markup: a `text` part
 * is shown as it is, whatever characters it holds.
 */
export type TextPart =
  | { kind: 'text'; text: string }
  /** Emphasised words: a label, a status. */
  | { kind: 'strong'; text: string }
  /** Words set apart as a remark: "no targets". */
  | { kind: 'em'; text: string }
  /** An identifier or a value as typed: an operation id, a glob, an upstream name. */
  | { kind: 'code'; text: string }
  /** A Slack user id. */
  | { kind: 'user'; id: string }
  /** A Slack user-group id. */
  | { kind: 'group'; id: string }
  /** A Slack channel id. */
  | { kind: 'channel'; id: string }
  /** A moment, shown in the reader's time zone where the surface can. */
  | { kind: 'time'; at: Date }
  | { kind: 'link'; url: string; text: string };

export type Text = TextPart[];

export const user = (id: string): TextPart => ({ kind: 'user', id });
export const group = (id: string): TextPart => ({ kind: 'group', id });
export const channel = (id: string): TextPart => ({ kind: 'channel', id });
export const code = (text: string): TextPart => ({ kind: 'code', text });
export const strong = (text: string): TextPart => ({ kind: 'strong', text });
export const em = (text: string): TextPart => ({ kind: 'em', text });
export const time = (at: Date): TextPart => ({ kind: 'time', at });
export const link = (url: string, text: string): TextPart => ({ kind: 'link', url, text });

const textPart = (text: string): TextPart => ({ kind: 'text', text });

type Piece = string | number | TextPart | Text;

function isPart(piece: TextPart | Text): piece is TextPart {
  return !Array.isArray(piece);
}

/** Text from pieces: strings and numbers are plain words, parts and texts are kept as they are. */
export function textOf(...pieces: Piece[]): Text {
  const parts: Text = [];
  for (const piece of pieces) {
    if (typeof piece === 'string' || typeof piece === 'number') parts.push(textPart(String(piece)));
    else if (isPart(piece)) parts.push(piece);
    else parts.push(...piece);
  }
  // Adjacent words merge and empty ones go, so equal sentences are equal data.
  const out: Text = [];
  for (const part of parts) {
    if (part.kind === 'text' && part.text === '') continue;
    const last = out[out.length - 1];
    if (part.kind === 'text' && last?.kind === 'text') out[out.length - 1] = textPart(last.text + part.text);
    else out.push(part);
  }
  return out;
}

/**
 * Text from a template: `txt\`Rule ${code(id)} denies it.\``. Interpolated strings are plain words
 * (never markup); parts and texts are spliced in.
 */
export function txt(strings: TemplateStringsArray, ...values: Piece[]): Text {
  const pieces: Piece[] = [];
  strings.forEach((s, i) => {
    pieces.push(s);
    if (i < values.length) pieces.push(values[i] as Piece);
  });
  return textOf(...pieces);
}

/** `items` with `separator` between them (and `last` before the final one, when given: "a, b or c"). */
export function joinText(items: (TextPart | Text)[], separator: string, last = separator): Text {
  const pieces: Piece[] = [];
  items.forEach((item, i) => {
    if (i > 0) pieces.push(i === items.length - 1 ? last : separator);
    pieces.push(item);
  });
  return textOf(...pieces);
}

/**
 * Plain text, for logs, the audit trail and surfaces without markup: people, groups and channels by id
 * (`@U1`, `@S1`, `#C1`), moments as ISO 8601, code between backticks, links as "text (url)".
 */
export function plainText(text: Text): string {
  return text
    .map((part) => {
      switch (part.kind) {
        case 'text':
        case 'strong':
        case 'em':
          return part.text;
        case 'code':
          return `\`${part.text}\``;
        case 'user':
        case 'group':
          return `@${part.id}`;
        case 'channel':
          return `#${part.id}`;
        case 'time':
          return part.at.toISOString();
        case 'link':
          return `${part.text} (${part.url})`;
      }
    })
    .join('');
}
