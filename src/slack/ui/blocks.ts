import type { types } from '@slack/bolt';
import { truncate } from '../../core/kit/truncate';

export type KnownBlock = types.KnownBlock;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type PlainTextOption = types.PlainTextOption;
export type InputBlockElement = types.InputBlockElement;

/** A message body: `text` is the notification and screen-reader fallback Slack asks for. */
export interface MessageContent {
  text: string;
  blocks: KnownBlock[];
}

/** Slack's documented limits (research slack-platform.md §4.1). */
export const LIMITS = {
  sectionText: 3000,
  header: 150,
  plainLabel: 2000,
  buttonText: 75,
  optionText: 75,
  optionValue: 75,
  modalTitle: 24,
  modalButton: 24,
  messageBlocks: 50,
  viewBlocks: 100,
  fallbackText: 4000,
  privateMetadata: 3000,
  contextElements: 10,
  sectionFields: 10,
  fieldText: 2000,
} as const;

// One cut for the whole bot; re-exported so the builders keep importing their tools from here.
export { truncate };

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, so upstream or user text
 * cannot ping a channel (`<!channel>`) or forge a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function plain(
  text: string,
  max: number = LIMITS.plainLabel,
): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text, max) || ' ', emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: truncate(text, max) || ' ' };
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function context(...texts: string[]): KnownBlock {
  return { type: 'context', elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t)) };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: plain(text, LIMITS.header) };
}

export function option(value: string, label: string, description?: string): PlainTextOption {
  return {
    value: truncate(value, LIMITS.optionValue),
    text: plain(label, LIMITS.optionText),
    ...(description ? { description: plain(description, LIMITS.optionText) } : {}),
  };
}

/** Slack renders this in the reader's own time zone. */
export function slackDate(date: Date, format = '{date_short_pretty} {time}'): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^${format}|${date.toISOString()}>`;
}
