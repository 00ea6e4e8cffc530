import { z } from 'zod';
import type { Operation } from '../../../src/core/operations/contract';
import { scrubbedOperation } from '../../../src/core/operations/scrubbed-operation';
import { SecretScrubber } from '../../../src/core/operations/secrets';
import { UpstreamError } from '../../../src/core/errors';

interface Input {
  variables: Record<string, string>;
}

const echo = (input: Input) => `bad value ${input.variables.password ?? ''}`;

const op: Operation<Input> = {
  id: 'x.start',
  system: 'x',
  verb: 'start',
  title: 'Start',
  usage: '',
  input: z.object({ variables: z.record(z.string(), z.string()) }),
  fields: () => [],
  describe: () => [],
  start: async (input) => {
    throw new UpstreamError({
      system: 'x',
      action: 'start',
      kind: 'http',
      message: echo(input),
      hint: echo(input),
      retryable: false,
    });
  },
  poll: async (ref) => ({
    state: 'failed',
    upstreamStatus: 'error',
    problem: { title: 'failed', message: echo(ref.input), where: echo(ref.input) },
  }),
};

describe('scrubbedOperation', () => {
  const safe = scrubbedOperation(op, new SecretScrubber());
  const input = { variables: { password: 'hunter2-secret', device: 'rtr-01' } };

  it('masks secret input values in thrown upstream errors, keeping every other field', async () => {
    const err = await safe
      .start(input, { runId: 'r', requester: { id: 'U1' }, tag: 't' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).message).toBe('bad value [redacted]');
    expect((err as UpstreamError).hint).toBe('bad value [redacted]');
    expect((err as UpstreamError).system).toBe('x');
  });

  it('masks them in reported problems and keeps the operation’s own members', async () => {
    const observation = await safe.poll?.({ upstreamId: 'j1', input });
    expect(observation?.problem).toMatchObject({
      message: 'bad value [redacted]',
      where: 'bad value [redacted]',
    });
    expect(safe.id).toBe('x.start');
    expect(safe.cancel).toBeUndefined();
  });

  it('gives a re-run form the input as form values with its secrets blank', () => {
    expect(
      safe.formValues?.({ variables: { password: 'hunter2-secret', device: 'rtr-01' } }),
    ).toBeUndefined();
    const flat = scrubbedOperation({ ...op } as Operation<unknown>, new SecretScrubber());
    expect(flat.formValues?.({ device: 'rtr-01', api_token: 'tok-123456', tags: ['a', 'b'] })).toEqual({
      device: 'rtr-01',
      api_token: '',
      tags: ['a', 'b'],
    });
    const own = scrubbedOperation(
      {
        ...op,
        formValues: (i: Input) => ({ variables: JSON.stringify(i.variables), copy: 'hunter2-secret' }),
      },
      new SecretScrubber(),
    );
    expect(own.formValues?.(input)).toEqual({
      variables: '{"password":"","device":"rtr-01"}',
      copy: '',
    });
  });

  it('masks secrets in what a retried step reports', async () => {
    const retrying = scrubbedOperation(
      {
        ...op,
        retryStep: async (ref) => (await op.poll?.(ref)) ?? { state: 'running', upstreamStatus: 'x' },
      },
      new SecretScrubber(),
    );
    const observation = await retrying.retryStep?.({ upstreamId: 'j1', input }, 'task-1');
    expect(observation?.problem?.message).toBe('bad value [redacted]');
  });

  it('gives no form values for an input its operation cannot read, rather than throwing', () => {
    const strict = scrubbedOperation(
      { ...op, formValues: (i: Input) => ({ keys: Object.keys(i.variables).join() }) },
      new SecretScrubber(),
    );
    expect(
      strict.formValues?.({ workflow: 'stored by an older release' } as unknown as Input),
    ).toBeUndefined();
  });
});
