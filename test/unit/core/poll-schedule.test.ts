import { nextPollDelay } from '../../../src/core/runs/poll-schedule';

const schedule = { minMs: 2_000, maxMs: 30_000, failureMaxMs: 300_000 };

describe('nextPollDelay', () => {
  it('polls fast while a run is young and slower as it ages, within bounds', () => {
    expect(nextPollDelay(schedule, 0, 0)).toBe(2_000);
    expect(nextPollDelay(schedule, 60_000, 0)).toBe(6_000);
    expect(nextPollDelay(schedule, 3_600_000, 0)).toBe(30_000);
  });

  it('backs off exponentially on failures, up to the failure ceiling', () => {
    expect(nextPollDelay(schedule, 0, 1)).toBe(4_000);
    expect(nextPollDelay(schedule, 0, 3)).toBe(16_000);
    expect(nextPollDelay(schedule, 0, 20)).toBe(300_000);
  });
});
