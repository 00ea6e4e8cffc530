import { observeJob } from '../../../src/integrations/itential/job-observation';
import { ManualTasks } from '../../../src/integrations/itential/manual-task-step';
import type { ItentialApi } from '../../../src/integrations/itential/api';
import { jobSchema } from '../../../src/integrations/itential/schemas';
import { Redactor } from '../../../src/integrations/shared/redaction';

const URL = 'https://itential.example.com/jobs/65f0c1aa0000000000000001';

const job = (tasks: Record<string, { summary: string; type: string; status: string }>) =>
  jobSchema.parse({
    _id: '65f0c1aa0000000000000001',
    name: 'Change Window',
    status: 'running',
    tasks: Object.fromEntries(Object.entries(tasks).map(([id, t]) => [id, { name: 'ViewData', ...t }])),
  });

describe('Itential manual tasks as human steps', () => {
  it('offers every running manual task of a job, each with the optional JSON box of its variables', () => {
    const observation = observeJob(
      job({
        a1: { summary: 'Approve change', type: 'manual', status: 'running' },
        b2: { summary: 'Back up device', type: 'automatic', status: 'running' },
        c3: { summary: 'Confirm window', type: 'manual', status: 'running' },
        d4: { summary: 'Old check', type: 'manual', status: 'complete' },
      }),
      URL,
      new Redactor([]),
    );
    expect(observation.state).toBe('waiting');
    expect(observation.waitingFor).toBe(
      "manual tasks 'Approve change (ViewData)', 'Confirm window (ViewData)'",
    );
    expect(observation.steps?.map((s) => [s.id, s.title])).toEqual([
      ['a1', "Manual task 'Approve change (ViewData)'"],
      ['c3', "Manual task 'Confirm window (ViewData)'"],
    ]);
    expect(observation.steps?.[0]?.fields).toEqual([
      expect.objectContaining({ id: 'variables', kind: 'multiline', optional: true }),
    ]);
  });

  it("checks the task form's JSON box: an object, or a mistake under the box that does not quote it back", () => {
    const tasks = new ManualTasks({} as ItentialApi);
    expect(tasks.checkForm({})).toBeUndefined();
    expect(tasks.checkForm({ variables: ' {"ticket": "CHG-1"} ' })).toBeUndefined();
    const notJson = tasks.checkForm({ variables: '{"token": "s3cret",' });
    expect(notJson?.variables).toMatch(/^Not valid JSON/);
    expect(notJson?.variables).not.toContain('s3cret');
    expect(tasks.checkForm({ variables: '"text"' })?.variables).toContain('must be a JSON object');
  });
});
