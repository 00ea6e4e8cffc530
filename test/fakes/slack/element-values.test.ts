import { elementValue, findElement, stateValues, type JsonObject } from '.';

const options = [
  { text: { type: 'plain_text', text: 'Provision VLAN' }, value: 'vlan' },
  { text: { type: 'plain_text', text: 'Reboot' }, value: 'reboot' },
];

const input = (blockId: string, element: JsonObject) => ({
  type: 'input',
  block_id: blockId,
  label: { type: 'plain_text', text: blockId },
  element,
});

describe('elementValue', () => {
  test('selects report the chosen option with the text the element offers', () => {
    expect(elementValue({ type: 'static_select', options }, 'reboot')).toEqual({
      selected_option: { text: { type: 'plain_text', text: 'Reboot', emoji: true }, value: 'reboot' },
    });
    expect(elementValue({ type: 'external_select' }, { value: 'w-1', text: 'Workflow 1' })).toEqual({
      selected_option: { text: { type: 'plain_text', text: 'Workflow 1', emoji: true }, value: 'w-1' },
    });
    expect(elementValue({ type: 'static_select', options }, null)).toEqual({ selected_option: null });
  });

  test('option groups are searched too', () => {
    const grouped = {
      type: 'static_select',
      option_groups: [{ label: { type: 'plain_text', text: 'g' }, options }],
    };
    expect(elementValue(grouped, 'vlan')).toMatchObject({
      selected_option: { text: { text: 'Provision VLAN' } },
    });
  });

  test('multi-selects and checkboxes report arrays', () => {
    expect(elementValue({ type: 'multi_static_select', options }, ['vlan', 'reboot'])).toMatchObject({
      selected_options: [{ value: 'vlan' }, { value: 'reboot' }],
    });
    expect(elementValue({ type: 'checkboxes', options }, null)).toEqual({ selected_options: [] });
    expect(elementValue({ type: 'multi_users_select' }, ['U0ALICE', 'U0BOB'])).toEqual({
      selected_users: ['U0ALICE', 'U0BOB'],
    });
  });

  test('pickers, text inputs and buttons', () => {
    expect(elementValue({ type: 'users_select' }, 'U0BOB')).toEqual({ selected_user: 'U0BOB' });
    expect(elementValue({ type: 'channels_select' }, 'C0OPS')).toEqual({ selected_channel: 'C0OPS' });
    expect(elementValue({ type: 'datepicker' }, '2026-01-31')).toEqual({ selected_date: '2026-01-31' });
    expect(elementValue({ type: 'datetimepicker' }, 1767225600)).toEqual({ selected_date_time: 1767225600 });
    expect(elementValue({ type: 'plain_text_input' }, 'hello')).toEqual({ value: 'hello' });
    expect(elementValue({ type: 'number_input' }, null)).toEqual({ value: null });
    expect(elementValue({ type: 'button', value: 'run-1' }, null)).toEqual({ value: 'run-1' });
  });
});

describe('stateValues', () => {
  const blocks = [
    input('workflow', { type: 'static_select', action_id: 'choice', options }),
    input('reason', { type: 'plain_text_input', action_id: 'text' }),
    { type: 'section', block_id: 'info', text: { type: 'mrkdwn', text: 'not an input' } },
  ];

  test('fills every input block, empty where nothing was entered', () => {
    expect(stateValues(blocks, { workflow: 'vlan' })).toEqual({
      workflow: {
        choice: {
          type: 'static_select',
          selected_option: {
            text: { type: 'plain_text', text: 'Provision VLAN', emoji: true },
            value: 'vlan',
          },
        },
      },
      reason: { text: { type: 'plain_text_input', value: null } },
    });
  });

  test('a value for a block that is not an input is a test mistake', () => {
    expect(() => stateValues(blocks, { info: 'x' })).toThrow('the view has no input blocks info');
  });
});

test('findElement looks in accessories, input elements and action rows', () => {
  const blocks = [
    { type: 'section', block_id: 's', accessory: { type: 'overflow', action_id: 'more' } },
    { type: 'actions', block_id: 'a', elements: [{ type: 'button', action_id: 'go' }] },
  ];
  expect(findElement(blocks, 'go')).toEqual({ blockId: 'a', element: { type: 'button', action_id: 'go' } });
  expect(findElement(blocks, 'more')?.blockId).toBe('s');
  expect(findElement(blocks, 'go', 's')).toBeUndefined();
});
