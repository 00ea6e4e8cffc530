import type { FormField } from '../../../src/core/operations/contract';
import { fieldErrorsFor, operationModal } from '../../../src/slack/ui/operation-modal';

const text = (id: string, label: string): FormField => ({ id, kind: 'text', label });
/** The form for the submitted values: a trigger, the field that depends on it, then targets. */
const fields = [text('kind', 'Trigger'), text('function', 'Function'), text('targets', 'Targets')];
const submitted = (ids: string[]) =>
  operationModal(
    { id: 'x.op', system: 'x', verb: 'op', title: 'Op', usage: '' },
    ids.map((id) => text(id, id)),
    { operationId: 'x.op', channelId: 'C1' },
    { systemName: 'X', reviewsFirst: false },
  ).blocks;

describe('fieldErrorsFor', () => {
  it('puts an error under the block of its own field when the submitted view shows it', () => {
    expect(
      fieldErrorsFor(submitted(['kind', 'function', 'targets']), fields, {
        function: 'Choose a function.',
        targets: 'Too many.',
      }),
    ).toEqual({ function: 'Choose a function.', targets: 'Too many.' });
  });

  it('names a field the view does not show and puts it under the nearest shown field before it', () => {
    expect(
      fieldErrorsFor(submitted(['kind', 'scope', 'targets']), fields, { function: 'Choose a function.' }),
    ).toEqual({ kind: 'Function: Choose a function.' });
  });

  it('puts an error about an unknown field under the first input, never on a block that is not an input', () => {
    const blocks = submitted(['kind', 'targets']);
    expect(blocks[0]).toMatchObject({ type: 'context' });
    expect(fieldErrorsFor(blocks, fields, { '': 'Something is off.' })).toEqual({
      kind: 'Something is off.',
    });
  });

  it('keeps every message that lands on one block, its own first', () => {
    expect(
      fieldErrorsFor(submitted(['kind', 'targets']), fields, {
        function: 'Choose a function.',
        kind: 'Choose a trigger.',
      }),
    ).toEqual({ kind: 'Choose a trigger. Function: Choose a function.' });
  });

  it('cuts a long message to what the modal shows', () => {
    const errors = fieldErrorsFor(submitted(['kind']), fields, { kind: 'x'.repeat(400) });
    expect(errors.kind).toHaveLength(300);
    expect(errors.kind?.endsWith('…')).toBe(true);
  });
});
