import type { Clock } from '../../../src/core/kit/clock';
import { CHOICE_MAX_LENGTH } from '../../../src/core/operations/contract';
import {
  ChoiceValues,
  choiceValue,
  isChoiceRef,
  resolveChoice,
} from '../../../src/integrations/shared/choice-value';

const LONG = `/zitadel.management.v1.ManagementService/${'UpdateHumanProfileWithAVeryLongName'.repeat(3)}`;
const OTHER_LONG = `${LONG}2`;

function manualClock(): Clock & { advance(ms: number): void } {
  let now = Date.parse('2025-01-01T00:00:00Z');
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

describe('choiceValue', () => {
  it('carries a value a picker can hold as it is', () => {
    const exact = 'x'.repeat(CHOICE_MAX_LENGTH);
    expect(choiceValue('Core: backup devices')).toBe('Core: backup devices');
    expect(choiceValue(exact)).toBe(exact);
    expect(isChoiceRef(exact)).toBe(false);
  });

  it('maps a long value to a stable short reference, and that reference back to the value', () => {
    const ref = choiceValue(LONG);
    expect(ref.length).toBeLessThanOrEqual(CHOICE_MAX_LENGTH);
    expect(isChoiceRef(ref)).toBe(true);
    expect(choiceValue(LONG)).toBe(ref);
    expect(choiceValue(OTHER_LONG)).not.toBe(ref);
    expect(resolveChoice(ref, ['short', OTHER_LONG, LONG], (v) => v)).toBe(LONG);
    expect(resolveChoice('short', ['short', LONG], (v) => v)).toBe('short');
    expect(resolveChoice(ref, ['short', OTHER_LONG], (v) => v)).toBeUndefined();
  });

  it('references a short value that looks like a reference, so a real value is never read as one', () => {
    const lookalike = choiceValue(LONG);
    const ref = choiceValue(lookalike);
    expect(ref).not.toBe(lookalike);
    expect(resolveChoice(ref, [LONG, lookalike], (v) => v)).toBe(lookalike);
  });
});

describe('ChoiceValues', () => {
  it('recalls what it handed out, until the reference expires', () => {
    const clock = manualClock();
    const values = new ChoiceValues({ clock, ttlMs: 1_000 });
    const ref = values.valueFor(LONG);
    expect(values.recall(ref)).toBe(LONG);
    expect(values.recall('short')).toBe('short');
    expect(values.recall(choiceValue(OTHER_LONG))).toBeUndefined();
    clock.advance(1_001);
    expect(values.recall(ref)).toBeUndefined();
  });

  it('may recall other words for a reference than the value it stands for', () => {
    const values = new ChoiceValues({ maxEntries: 10 });
    const ref = values.valueFor(LONG, 'Request: UpdateHumanProfile…');
    expect(ref).toBe(choiceValue(LONG));
    expect(values.recall(ref)).toBe('Request: UpdateHumanProfile…');
  });
});
