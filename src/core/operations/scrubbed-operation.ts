import type { FormValues, Observation, Operation, StartResult } from './contract';
import { formValuesOf } from './form-values-of';
import type { SecretScrubber } from './secrets';
import { UpstreamError } from '../errors';

/**
 * An operation whose errors and reported problems never carry the values of its secret inputs, whatever
 * the upstream echoes back. Applied once, where the registry is built, so no system can forget it.
 */
export function scrubbedOperation<I>(op: Operation<I>, scrubber: SecretScrubber): Operation<I> {
  const guard = async <T>(input: unknown, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw err instanceof UpstreamError ? scrubError(err, input, scrubber) : err;
    }
  };
  const observed = (observation: Observation, input: unknown): Observation =>
    observation.problem
      ? { ...observation, problem: scrubber.problem(observation.problem, input) }
      : observation;
  const started = (result: StartResult | undefined, input: unknown) =>
    result && { ...result, observation: observed(result.observation, input) };
  const { start, poll, recover, cancel, preview, validate, formValues, retryStep } = op;
  return Object.assign(Object.create(op) as Operation<I>, {
    start: (input: I, ctx: Parameters<typeof start>[1], fingerprint?: string) =>
      guard(input, async () => started(await start.call(op, input, ctx, fingerprint), input) as StartResult),
    ...(poll && {
      poll: (ref: Parameters<typeof poll>[0]) =>
        guard(ref.input, async () => observed(await poll.call(op, ref), ref.input)),
    }),
    ...(recover && {
      recover: (input: I, ctx: Parameters<typeof recover>[1]) =>
        guard(input, async () => started(await recover.call(op, input, ctx), input)),
    }),
    ...(cancel && {
      cancel: (ref: Parameters<typeof cancel>[0]) => guard(ref.input, () => cancel.call(op, ref)),
    }),
    ...(preview && { preview: (input: I) => guard(input, () => preview.call(op, input)) }),
    ...(validate && {
      validate: (input: I, deadlineMs: number) => guard(input, () => validate.call(op, input, deadlineMs)),
    }),
    ...(retryStep && {
      retryStep: (ref: Parameters<typeof retryStep>[0], stepId: string) =>
        guard(ref.input, async () => observed(await retryStep.call(op, ref, stepId), ref.input)),
    }),
    // A re-run's form shows a run's inputs again: its secrets are typed again, never shown.
    formValues: (input: I) => {
      const blanked = scrubber.blanked(input) as I;
      let values: FormValues | undefined;
      try {
        values = formValues ? formValues.call(op, blanked) : formValuesOf(blanked);
      } catch {
        // An input stored in a shape this version does not read (an older release's): no form, no crash,
        // since run messages ask for it every time they are drawn.
        return undefined;
      }
      return values && scrubber.blankedForm(values, input);
    },
  });
}

function scrubError(err: UpstreamError, input: unknown, scrubber: SecretScrubber): UpstreamError {
  const secrets = scrubber.secretValues(input);
  if (secrets.length === 0) return err;
  return new UpstreamError({
    system: err.system,
    action: err.action,
    kind: err.kind,
    message: scrubber.text(err.message, secrets),
    httpStatus: err.httpStatus,
    upstreamCode: err.upstreamCode,
    errorId: err.errorId,
    hint: scrubber.text(err.hint, secrets),
    retryable: err.retryable,
    ambiguous: err.ambiguous,
  });
}
