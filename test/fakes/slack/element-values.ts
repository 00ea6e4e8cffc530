import { isJsonObject, type JsonObject } from './json';

/** Option as Slack reports a selection: `text` is looked up from the element when not given. */
export interface OptionInput {
  value: string;
  text?: string;
}

/**
 * What a user entered into an element: a string for text inputs, pickers of users/channels/dates and
 * single selects (by option value); an option for selects; an array for multi-selects and checkboxes;
 * null for "left empty".
 */
export type ElementInput = string | number | OptionInput | (string | OptionInput)[] | null;

export interface FoundElement {
  blockId: string;
  element: JsonObject;
}

function elementsOf(block: JsonObject): JsonObject[] {
  const single = [block.element, block.accessory].filter(isJsonObject);
  const many = Array.isArray(block.elements) ? block.elements.filter(isJsonObject) : [];
  return [...single, ...many];
}

/** The interactive element with `actionId` (in the block `blockId`, when given). */
export function findElement(
  blocks: JsonObject[],
  actionId: string,
  blockId?: string,
): FoundElement | undefined {
  for (const block of blocks) {
    if (blockId !== undefined && block.block_id !== blockId) continue;
    const element = elementsOf(block).find((e) => e.action_id === actionId);
    if (element && typeof block.block_id === 'string') return { blockId: block.block_id, element };
  }
  return undefined;
}

function optionsOf(element: JsonObject): JsonObject[] {
  const flat = Array.isArray(element.options) ? element.options.filter(isJsonObject) : [];
  const grouped = Array.isArray(element.option_groups)
    ? element.option_groups.filter(isJsonObject).flatMap((g) => (Array.isArray(g.options) ? g.options : []))
    : [];
  return [...flat, ...grouped.filter(isJsonObject)];
}

function option(element: JsonObject, input: string | OptionInput): JsonObject {
  const value = typeof input === 'string' ? input : input.value;
  const known = optionsOf(element).find((o) => o.value === value);
  const knownText =
    isJsonObject(known?.text) && typeof known.text.text === 'string' ? known.text.text : undefined;
  const text = (typeof input === 'string' ? undefined : input.text) ?? knownText ?? value;
  return { text: { type: 'plain_text', text, emoji: true }, value };
}

function list(input: ElementInput): (string | OptionInput)[] {
  if (input === null) return [];
  if (Array.isArray(input)) return input;
  return [typeof input === 'number' ? String(input) : input];
}

function single(input: ElementInput): string | OptionInput | null {
  if (input === null) return null;
  if (Array.isArray(input)) return input[0] ?? null;
  return typeof input === 'number' ? String(input) : input;
}

function plain(input: ElementInput): string | null {
  const one = single(input);
  return one === null || typeof one === 'string' ? one : one.value;
}

const PICKED: Record<string, string> = {
  users_select: 'selected_user',
  conversations_select: 'selected_conversation',
  channels_select: 'selected_channel',
  datepicker: 'selected_date',
  timepicker: 'selected_time',
};
const MULTI_PICKED: Record<string, string> = {
  multi_users_select: 'selected_users',
  multi_conversations_select: 'selected_conversations',
  multi_channels_select: 'selected_channels',
};

/** The value fields Slack sends for an element, in `state.values` and in `actions[]` alike. */
export function elementValue(element: JsonObject, input: ElementInput): JsonObject {
  const type = String(element.type);
  if (['static_select', 'external_select', 'radio_buttons', 'overflow'].includes(type)) {
    const one = single(input);
    return { selected_option: one === null ? null : option(element, one) };
  }
  if (['multi_static_select', 'multi_external_select', 'checkboxes'].includes(type)) {
    return { selected_options: list(input).map((o) => option(element, o)) };
  }
  const picked = PICKED[type];
  if (picked) return { [picked]: plain(input) };
  const multi = MULTI_PICKED[type];
  if (multi) return { [multi]: list(input).map((o) => (typeof o === 'string' ? o : o.value)) };
  if (type === 'datetimepicker') return { selected_date_time: input === null ? null : Number(plain(input)) };
  if (type === 'button') return { value: plain(input) ?? element.value };
  if (type === 'rich_text_input') {
    const text = plain(input);
    return {
      rich_text_value: {
        type: 'rich_text',
        elements: text ? [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] : [],
      },
    };
  }
  // plain_text_input, email_text_input, url_text_input, number_input
  return { value: plain(input) };
}

/** `view.state.values` for a submission: every input block, with the entries of `values` filled in. */
/** What an element shows before the user touches it: its initial value or option(s). */
function initialInput(element: JsonObject): ElementInput {
  if (typeof element.initial_value === 'string') return element.initial_value;
  const option = (o: unknown): { value: string; text?: string } | undefined => {
    if (!isJsonObject(o) || typeof o.value !== 'string') return undefined;
    const text = isJsonObject(o.text) && typeof o.text.text === 'string' ? o.text.text : undefined;
    return { value: o.value, ...(text ? { text } : {}) };
  };
  const single = option(element.initial_option);
  if (single) return single;
  if (Array.isArray(element.initial_options)) {
    return element.initial_options
      .map(option)
      .filter((o): o is { value: string; text?: string } => o !== undefined);
  }
  return null;
}

export function stateValues(
  blocks: JsonObject[],
  values: Record<string, ElementInput>,
): Record<string, Record<string, JsonObject>> {
  const inputs = blocks.filter((b) => b.type === 'input' && isJsonObject(b.element));
  const known = new Set(inputs.map((b) => b.block_id));
  const unknown = Object.keys(values).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`the view has no input blocks ${unknown.join(', ')}`);
  const state: Record<string, Record<string, JsonObject>> = {};
  for (const block of inputs) {
    const element = block.element as JsonObject;
    const blockId = String(block.block_id);
    // A field the user did not touch keeps what the bot put in it, as in Slack.
    const input = blockId in values ? (values[blockId] ?? null) : initialInput(element);
    state[blockId] = {
      [String(element.action_id)]: { type: element.type, ...elementValue(element, input) },
    };
  }
  return state;
}
