import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isJsonObject } from '../fakes/slack/json';

export type Surface = 'message' | 'modal' | 'home';

// Limits from slack-platform.md §4.1 that the community schema states loosely or not at all.
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  viewTitle: 24,
  sectionText: 3000,
  headerText: 150,
  optionText: 75,
  optionValue: 75,
  privateMetadata: 3000,
  identifier: 255,
  // Slack answers msg_blocks_too_long at ~12-13k characters of block text (bolt-js#2509).
  messageBlocksText: 12000,
} as const;

const specs = join(__dirname, '..', 'contracts', 'specs', 'slack', 'block-kit');
const SCHEMA_KEY = 'block-kit';

interface BlockSurfaceRow {
  name: string;
  'available-in-surfaces': string[];
}

const surfaceNames: Record<Surface, string> = { message: 'Messages', modal: 'Modals', home: 'Home tabs' };

interface Compiled {
  ajv: Ajv2020;
  blockTypes: Map<string, Set<Surface>>;
  validators: Map<string, ValidateFunction>;
}

let compiled: Compiled | undefined;

function load(): Compiled {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(readFileSync(join(specs, 'slack-block-kit.schema.json'), 'utf8')), SCHEMA_KEY);
  const rows = JSON.parse(readFileSync(join(specs, 'blocks.json'), 'utf8')) as BlockSurfaceRow[];
  const blockTypes = new Map<string, Set<Surface>>();
  for (const row of rows) {
    const surfaces = (Object.keys(surfaceNames) as Surface[]).filter((s) =>
      row['available-in-surfaces'].includes(surfaceNames[s]),
    );
    blockTypes.set(row.name.toLowerCase().replace(/ /g, '_'), new Set(surfaces));
  }
  compiled = { ajv, blockTypes, validators: new Map() };
  return compiled;
}

function validatorFor(def: string): ValidateFunction {
  const { ajv, validators } = load();
  let validate = validators.get(def);
  if (!validate) {
    validate = ajv.getSchema(`${SCHEMA_KEY}#/$defs/${def}`);
    if (!validate) throw new Error(`block-kit schema has no $defs/${def}`);
    validators.set(def, validate);
  }
  return validate;
}

// `oneOf` reports every failed branch. The deepest path names the real mistake, and at equal depth a
// `const` miss only says that another branch (e.g. plain_text instead of mrkdwn) did not apply.
function firstError(errors: ErrorObject[] | null | undefined, prefix: string): string {
  const rank = (e: ErrorObject) => e.instancePath.split('/').length * 2 + (e.keyword === 'const' ? 0 : 1);
  const sorted = [...(errors ?? [])].sort((a, b) => rank(b) - rank(a));
  const error = sorted[0];
  if (!error) return `${prefix || '/'} is invalid`;
  return `${prefix}${error.instancePath} ${error.message ?? 'is invalid'}`;
}

function textOf(value: unknown): string | undefined {
  return isJsonObject(value) && typeof value.text === 'string' ? value.text : undefined;
}

function tooLong(path: string, value: string | undefined, max: number): string | undefined {
  return value !== undefined && value.length > max
    ? `${path} must NOT have more than ${max} characters`
    : undefined;
}

function optionProblem(option: unknown, path: string): string | undefined {
  if (!isJsonObject(option)) return undefined;
  return (
    tooLong(`${path}/text/text`, textOf(option.text), LIMITS.optionText) ??
    tooLong(`${path}/value`, typeof option.value === 'string' ? option.value : undefined, LIMITS.optionValue)
  );
}

// Walks a block for the per-field limits the schema leaves wider than Slack's own types.
function fieldProblem(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = fieldProblem(item, `${path}/${i}`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isJsonObject(value)) return undefined;
  for (const key of ['block_id', 'action_id']) {
    const id = value[key];
    if (typeof id !== 'string') continue;
    const problem = tooLong(`${path}/${key}`, id, LIMITS.identifier);
    if (problem) return problem;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}/${key}`;
    const options = key === 'options' || key === 'initial_options' ? child : undefined;
    if (Array.isArray(options)) {
      for (const [i, option] of options.entries()) {
        const problem = optionProblem(option, `${childPath}/${i}`);
        if (problem) return problem;
      }
    }
    if (key === 'initial_option') {
      const problem = optionProblem(child, childPath);
      if (problem) return problem;
    }
    const problem = fieldProblem(child, childPath);
    if (problem) return problem;
  }
  return undefined;
}

function blockProblem(
  block: unknown,
  path: string,
  surface: Surface,
  blockIds: Set<string>,
): string | undefined {
  if (!isJsonObject(block) || typeof block.type !== 'string') return `${path}/type must be a block type`;
  const surfaces = load().blockTypes.get(block.type);
  if (!surfaces) return `${path}/type unknown block type '${block.type}'`;
  if (!surfaces.has(surface)) return `${path}/type '${block.type}' blocks are not allowed in a ${surface}`;
  const validate = validatorFor(`${block.type}_block`);
  if (!validate(block)) return firstError(validate.errors, path);
  if (typeof block.block_id === 'string') {
    if (blockIds.has(block.block_id)) return `${path}/block_id '${block.block_id}' is not unique`;
    blockIds.add(block.block_id);
  }
  if (block.type === 'section') {
    const problem = tooLong(`${path}/text/text`, textOf(block.text), LIMITS.sectionText);
    if (problem) return problem;
  }
  if (block.type === 'header') {
    const problem = tooLong(`${path}/text/text`, textOf(block.text), LIMITS.headerText);
    if (problem) return problem;
  }
  return fieldProblem(block, path);
}

/** Characters of text the blocks carry: every `text` string, at any depth. */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + blocksTextLength(item), 0);
  if (!isJsonObject(value)) return 0;
  return Object.entries(value).reduce<number>(
    (sum, [key, child]) =>
      sum + (key === 'text' && typeof child === 'string' ? child.length : blocksTextLength(child)),
    0,
  );
}

function blocksProblem(blocks: unknown, surface: Surface, prefix: string): string | undefined {
  if (!Array.isArray(blocks)) return `${prefix || '/'} must be an array of blocks`;
  if (blocks.length === 0) return `${prefix || '/'} must NOT have fewer than 1 items`;
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  if (blocks.length > max) return `${prefix || '/'} must NOT have more than ${max} items`;
  const blockIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const problem = blockProblem(block, `${prefix}/${i}`, surface, blockIds);
    if (problem) return problem;
  }
  if (surface === 'message' && blocksTextLength(blocks) > LIMITS.messageBlocksText) {
    return `${prefix || '/'} text must NOT have more than ${LIMITS.messageBlocksText} characters in total`;
  }
  return undefined;
}

/** Why Slack would reject these blocks on that surface, or undefined when they are fine. */
export function validateBlocks(blocks: unknown, surface: Surface): string | undefined {
  return blocksProblem(blocks, surface, '');
}

/** Why Slack would reject this modal or Home tab view, or undefined when it is fine. */
export function validateView(view: unknown): string | undefined {
  if (!isJsonObject(view) || (view.type !== 'modal' && view.type !== 'home')) {
    return "/type must be 'modal' or 'home'";
  }
  const surface: Surface = view.type;
  const blocks = blocksProblem(view.blocks, surface, '/blocks');
  if (blocks) return blocks;
  const validate = validatorFor(surface === 'modal' ? 'modal_view' : 'home_view');
  if (!validate(view)) return firstError(validate.errors, '');
  for (const key of ['title', 'submit', 'close']) {
    const problem = tooLong(`/${key}/text`, textOf(view[key]), LIMITS.viewTitle);
    if (problem) return problem;
  }
  const metadata = typeof view.private_metadata === 'string' ? view.private_metadata : undefined;
  return (
    tooLong('/private_metadata', metadata, LIMITS.privateMetadata) ??
    tooLong(
      '/callback_id',
      typeof view.callback_id === 'string' ? view.callback_id : undefined,
      LIMITS.identifier,
    ) ??
    tooLong(
      '/external_id',
      typeof view.external_id === 'string' ? view.external_id : undefined,
      LIMITS.identifier,
    )
  );
}
