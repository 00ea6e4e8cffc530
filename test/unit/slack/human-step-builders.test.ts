import { link, txt } from '../../../src/core/kit/text';
import type { HumanStep } from '../../../src/core/operations/contract';
import {
  humanStepBlocks,
  parseStepButton,
  stepClickReply,
  stepDecisionLine,
  stepFormModal,
} from '../../../src/slack/ui/human-step';
import { readStepFormMetadata } from '../../../src/slack/modal-metadata';
import { validateBlocks, validateView } from '../../support/block-kit';
import { transitionRecord } from '../../support/run-fixtures';
import { blocksText } from '../../support/flightdeck-harness';

const RUN = '3b1d6a52-0000-4000-8000-000000000001';
const at = new Date('2026-12-07T10:00:00Z');
const step: HumanStep = {
  id: 'appr-1',
  title: 'Harness approval · stage Approve',
  message: txt`Apply <!channel> to prod? See ${link('https://example.com/plan', 'the plan')}`,
  decisions: ['approve', 'reject'],
  fields: [],
};
const offered = (steps: HumanStep[], more = 0) => ({
  runId: RUN,
  seq: 4,
  steps,
  more,
  upstreamUrl: 'https://harness.example/run',
});
const withForm: HumanStep = {
  ...step,
  id: 'appr-2',
  title: 'Harness approval 2 of 2',
  fields: [{ id: 'in.s.ticket', kind: 'text', label: 'ticket', optional: true, initial: 'CHG-1' }],
};

describe('human step builders', () => {
  it('shows the step, its message escaped, and one valid button per decision carrying the run and step', () => {
    const blocks = humanStepBlocks('Harness IaCM', offered([step]));
    expect(validateBlocks(blocks, 'message')).toBeUndefined();
    const text = blocksText({ blocks });
    expect(text).toContain('*Harness approval · stage Approve*');
    expect(text).toContain('Apply &lt;!channel&gt; to prod?');
    expect(text).toContain('<https://example.com/plan|the plan>');
    const actions = blocks.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string; confirm?: unknown }[];
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['fd.step.approve', 'fd.step.reject']);
    expect(actions.elements.map((e) => parseStepButton(e.value))).toEqual([
      { run: RUN, step: 'appr-1', seq: 4 },
      { run: RUN, step: 'appr-1', seq: 4 },
    ]);
    expect(actions.elements[0]?.confirm).toBeUndefined();
    expect(actions.elements[1]?.confirm).toBeDefined();
  });

  it('offers only the decisions the upstream takes, and no longer sends anyone upstream for a form', () => {
    const blocks = humanStepBlocks(
      'Itential',
      offered([{ ...step, message: undefined, decisions: ['approve'] }]),
    );
    expect(validateBlocks(blocks, 'message')).toBeUndefined();
    expect(JSON.stringify(blocks)).not.toContain('fd.step.reject');
    expect(blocksText({ blocks })).not.toContain('own page');
  });

  it('offers each waiting step with its own buttons, says how many more wait, and where', () => {
    const blocks = humanStepBlocks('Harness IaCM', offered([step, withForm], 3));
    expect(validateBlocks(blocks, 'message')).toBeUndefined();
    const actions = blocks.filter((b) => b.type === 'actions') as {
      elements: { text: { text: string }; value: string }[];
    }[];
    expect(actions.map((a) => parseStepButton(a.elements[0]?.value)?.step)).toEqual(['appr-1', 'appr-2']);
    expect(actions.map((a) => a.elements[0]?.text.text)).toEqual(['Approve', 'Approve…']);
    const text = blocksText({ blocks });
    expect(text).toContain(
      '…and 3 more steps wait: decide them in <https://harness.example/run|Harness IaCM>.',
    );
    expect(text).toContain('Approve… asks for the values');
  });

  it('shows who decided a step in place of its buttons; the steps not decided keep theirs', () => {
    const decidedLine = ':white_check_mark: Approved by <@U0BOB>';
    const blocks = humanStepBlocks(
      'Harness IaCM',
      offered([step, withForm]),
      new Map([['appr-1', decidedLine]]),
    );
    expect(validateBlocks(blocks, 'message')).toBeUndefined();
    const actions = blocks.filter((b) => b.type === 'actions') as { elements: { value: string }[] }[];
    expect(actions.map((a) => parseStepButton(a.elements[0]?.value)?.step)).toEqual(['appr-2']);
    const text = blocksText({ blocks });
    expect(text).toContain('Harness approval · stage Approve');
    expect(text).toContain(decidedLine);
  });

  it("opens a step's form pre-filled, submitted as Approve, carrying the run, step and channel", () => {
    const view = stepFormModal('Harness IaCM', withForm, { run: RUN, step: 'appr-2', channel: 'C0OPS' });
    expect(validateView(view)).toBeUndefined();
    expect(view.submit?.text).toBe('Approve');
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"CHG-1"');
    expect(readStepFormMetadata(view.private_metadata)).toEqual({
      run: RUN,
      step: 'appr-2',
      channel: 'C0OPS',
    });
    expect(readStepFormMetadata('{"run":"r"}')).toBeUndefined();
  });

  it('reads back only button values it wrote', () => {
    expect(parseStepButton(undefined)).toBeUndefined();
    expect(parseStepButton('not json')).toBeUndefined();
    expect(parseStepButton('{"run":"r"}')).toBeUndefined();
    expect(parseStepButton('x'.repeat(2001))).toBeUndefined();
  });

  it('says who decided, when, and which step; an upstream refusal says the step still waits', () => {
    const decided = transitionRecord({
      runId: RUN,
      seq: 3,
      at,
      kind: 'step_decided',
      actorId: 'U0BOB',
      payload: {
        kind: 'step_decision',
        stepId: 'appr-1',
        title: 'an approval in <stage>',
        decision: 'reject',
      },
    });
    const line = stepDecisionLine(decided, 'Harness IaCM');
    expect(line).toContain(':no_entry: Rejected by <@U0BOB> <!date^');
    expect(line).toContain('an approval in &lt;stage&gt;');
    const refused = stepDecisionLine(
      { ...decided, problem: { title: 'Harness IaCM: could not reject the pipeline', message: 'no' } },
      'Harness IaCM',
    );
    expect(refused).toContain('<@U0BOB> tried to reject');
    expect(refused).toContain('still waits');
  });

  it('tells a late clicker who decided first, and stays quiet where the thread speaks', () => {
    expect(
      stepClickReply({
        kind: 'already_decided',
        holder: { runId: RUN, stepId: 's', actorId: 'U0BOB', decision: 'approve', at },
      }),
    ).toContain('<@U0BOB> already approved this step');
    expect(
      stepClickReply({ kind: 'refused_upstream', problem: { title: 't', message: 'm' } }),
    ).toBeUndefined();
    expect(stepClickReply({ kind: 'not_waiting' })).toContain('no longer waits');
  });
});
