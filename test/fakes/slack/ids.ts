import { randomBytes } from 'node:crypto';
import { isJsonObject, type JsonObject } from './json';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(length: number, alphabet = ALPHABET): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

export const newViewId = () => `V${randomString(10)}`;
export const newHash = () => `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
export const newEventId = () => `Ev${randomString(10)}`;
// Slack's documented trigger format is `132456.7890123.abcdef`.
export const newTriggerId = () =>
  `${Math.floor(Date.now() / 1000)}.${randomString(10, '0123456789')}.${randomBytes(16).toString('hex')}`;
export const isWellFormedTriggerId = (value: string) => /^\d+\.\d+\.[0-9a-f]+$/.test(value);

function withActionId(element: unknown): unknown {
  if (!isJsonObject(element) || typeof element.action_id === 'string') return element;
  return { ...element, action_id: randomString(5, `${ALPHABET}abcdefghijklmnopqrstuvwxyz`) };
}

/** Slack gives every block a block_id and every interactive element an action_id when the app left them out. */
export function withGeneratedIds(blocks: JsonObject[]): JsonObject[] {
  return structuredClone(blocks).map((block) => {
    const filled: JsonObject = { ...block };
    if (typeof filled.block_id !== 'string')
      filled.block_id = randomString(5, `${ALPHABET}abcdefghijklmnopqrstuvwxyz`);
    if (filled.type === 'input') filled.element = withActionId(filled.element);
    if (filled.accessory !== undefined) filled.accessory = withActionId(filled.accessory);
    if (filled.type === 'actions' && Array.isArray(filled.elements))
      filled.elements = filled.elements.map(withActionId);
    return filled;
  });
}
