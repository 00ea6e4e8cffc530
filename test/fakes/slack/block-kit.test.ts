import { blocksTextLength, validateBlocks, validateView } from '../../support/block-kit';

const section = (text: string, blockId?: string) => ({
  type: 'section',
  ...(blockId ? { block_id: blockId } : {}),
  text: { type: 'mrkdwn', text },
});

const input = {
  type: 'input',
  block_id: 'workflow',
  label: { type: 'plain_text', text: 'Workflow' },
  element: { type: 'plain_text_input', action_id: 'value' },
};

const modal = (overrides: Record<string, unknown> = {}) => ({
  type: 'modal',
  callback_id: 'ops.launch',
  title: { type: 'plain_text', text: 'Start a job' },
  submit: { type: 'plain_text', text: 'Start' },
  blocks: [input],
  ...overrides,
});

const select = (text: string, value: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: 'Pick' },
  accessory: {
    type: 'static_select',
    action_id: 'pick',
    options: [{ text: { type: 'plain_text', text }, value }],
  },
});

describe('validateBlocks', () => {
  test('accepts ordinary message blocks', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Run 42' } },
      section('*Job* started', 'status'),
      { type: 'divider' },
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'run.cancel', text: { type: 'plain_text', text: 'Cancel' } }],
      },
    ];
    expect(validateBlocks(blocks, 'message')).toBeUndefined();
  });

  test('names the deepest failing field, not the oneOf noise', () => {
    expect(validateBlocks([section('')], 'message')).toBe(
      '/0/text/text must NOT have fewer than 1 characters',
    );
  });

  test('rejects unknown block types and blocks from another surface', () => {
    expect(validateBlocks([{ type: 'banner' }], 'message')).toBe("/0/type unknown block type 'banner'");
    expect(validateBlocks([{ type: 'markdown', text: 'hi' }], 'modal')).toMatch(/not allowed in a modal/);
    expect(validateBlocks([{ type: 'markdown', text: 'hi' }], 'message')).toBeUndefined();
  });

  test('caps messages at 50 blocks and views at 100', () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    expect(validateBlocks(blocks, 'message')).toBe('/ must NOT have more than 50 items');
    expect(validateBlocks(blocks, 'home')).toBeUndefined();
  });

  test('enforces text limits of sections and headers', () => {
    expect(validateBlocks([section('x'.repeat(3000))], 'message')).toBeUndefined();
    expect(validateBlocks([section('x'.repeat(3001))], 'message')).toMatch(
      /^\/0\/text\/text must NOT have more/,
    );
    const header = { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } };
    expect(validateBlocks([header], 'message')).toMatch(/^\/0\/text\/text/);
  });

  test('holds option text and value to 75 characters', () => {
    expect(validateBlocks([select('a', 'v'.repeat(75))], 'message')).toBeUndefined();
    expect(validateBlocks([select('a', 'v'.repeat(76))], 'message')).toBe(
      '/0/accessory/options/0/value must NOT have more than 75 characters',
    );
    expect(validateBlocks([select('t'.repeat(76), 'v')], 'message')).toMatch(/options\/0\/text\/text/);
  });

  test('rejects long or repeated block ids', () => {
    expect(validateBlocks([section('a', 'b'.repeat(256))], 'message')).toMatch(/^\/0\/block_id/);
    expect(validateBlocks([section('a', 'same'), section('b', 'same')], 'message')).toBe(
      "/1/block_id 'same' is not unique",
    );
  });

  test('limits the total text of a message', () => {
    const blocks = Array.from({ length: 5 }, () => section('y'.repeat(2500)));
    expect(blocksTextLength(blocks)).toBe(12500);
    expect(validateBlocks(blocks, 'message')).toMatch(
      /text must NOT have more than 12000 characters in total/,
    );
    expect(validateBlocks(blocks, 'home')).toBeUndefined();
  });
});

describe('validateView', () => {
  test('accepts a modal with input and submit, and a home view', () => {
    expect(validateView(modal())).toBeUndefined();
    expect(validateView({ type: 'home', blocks: [section('Recent runs')] })).toBeUndefined();
  });

  test('requires submit when the modal has an input block', () => {
    expect(validateView(modal({ submit: undefined }))).toMatch(/submit/);
  });

  test('limits title, private_metadata and blocks', () => {
    expect(validateView(modal({ title: { type: 'plain_text', text: 't'.repeat(25) } }))).toMatch(
      /^\/title\/text/,
    );
    expect(validateView(modal({ private_metadata: 'm'.repeat(3001) }))).toMatch(/^\/private_metadata/);
    expect(validateView(modal({ blocks: [section('')] }))).toBe(
      '/blocks/0/text/text must NOT have fewer than 1 characters',
    );
    expect(validateView(modal({ blocks: [] }))).toMatch(/^\/blocks must NOT have fewer than 1/);
  });

  test('rejects things that are not views', () => {
    expect(validateView({ type: 'message', blocks: [] })).toBe("/type must be 'modal' or 'home'");
    expect(validateView(modal({ colour: 'red' }))).toMatch(/additional properties/);
  });
});
