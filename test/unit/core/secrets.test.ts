import { SecretScrubber } from '../../../src/core/operations/secrets';
import { UnreadableSecretsError } from '../../../src/core/errors';

describe('SecretScrubber', () => {
  const scrubber = new SecretScrubber();
  const input = {
    workflow: 'Backup',
    variables: {
      device: 'rtr-01',
      password: 'hunter2-very',
      nested: { apiKey: 'ak-123456' },
      db_token: 98765,
    },
    groups: ['b0bc20ec3a3e5e90bac881e7'],
  };

  it('finds values under secret-looking names at any depth, and nothing else', () => {
    expect(scrubber.secretValues(input).sort()).toEqual(['98765', 'ak-123456', 'hunter2-very'].sort());
  });

  it('masks every occurrence in every text of a problem', () => {
    const problem = scrubber.problem(
      {
        title: 'Itential: could not start the job',
        message: 'invalid value hunter2-very for password; key ak-123456 rejected (hunter2-very)',
        hint: 'check 98765',
        errorId: 'e-1',
      },
      input,
    );
    expect(problem.message).toBe(
      'invalid value [redacted] for password; key [redacted] rejected ([redacted])',
    );
    expect(problem.hint).toBe('check [redacted]');
    expect(problem.errorId).toBe('e-1');
  });

  it('leaves short values and inputs without secrets alone; the patterns are configurable', () => {
    expect(scrubber.secretValues({ pin: '12', password: 'abc' })).toEqual([]);
    const custom = new SecretScrubber(['^community$']);
    expect(custom.secretValues({ community: 'public-snmp', password: 'x-long-value' })).toEqual([
      'public-snmp',
    ]);
  });

  it('blanks values under secret-looking names for a form to ask again, keeping the rest and the shape', () => {
    expect(scrubber.blanked(input)).toEqual({
      workflow: 'Backup',
      variables: { device: 'rtr-01', password: '', nested: { apiKey: '' }, db_token: '' },
      groups: ['b0bc20ec3a3e5e90bac881e7'],
    });
    expect(input.variables.password).toBe('hunter2-very');
  });

  it('cuts a secret out of form values, as typed and as JSON escapes it', () => {
    const quoted = { password: 'pa"ss\\word-1' };
    const values = scrubber.blankedForm(
      { variables: JSON.stringify(quoted), note: ['copy pa"ss\\word-1'], empty: undefined },
      quoted,
    );
    expect(values).toEqual({ variables: '{"password":""}', note: ['copy '], empty: undefined });
  });
});

describe('SecretScrubber sealing', () => {
  const values = { db_conn: 'postgres://app:Very-Secret-Pw@db', pin: 1234 };

  it('seals secret inputs into one opaque string that the same key opens', () => {
    const box = new SecretScrubber(undefined, 'a shared key of some length');
    const sealed = box.seal(values);
    expect(sealed).toMatch(/^fdsealed:v1:/);
    expect(sealed).not.toContain('Very-Secret-Pw');
    expect(new SecretScrubber(undefined, 'a shared key of some length').open(sealed)).toEqual(values);
  });

  it('refuses what another key sealed, or a tampered string', () => {
    const sealed = new SecretScrubber(undefined, 'a shared key of some length').seal(values);
    expect(() => new SecretScrubber().open(sealed)).toThrow(UnreadableSecretsError);
    expect(() =>
      new SecretScrubber(undefined, 'a shared key of some length').open(`${sealed.slice(0, -4)}AAAA`),
    ).toThrow(UnreadableSecretsError);
  });

  it('finds the values of sealed inputs, so an upstream echoing one is masked', () => {
    const box = new SecretScrubber();
    const input = { workflow: 'x', secrets: box.seal(values) };
    expect(box.secretValues(input)).toEqual(['postgres://app:Very-Secret-Pw@db', '1234']);
  });
});
