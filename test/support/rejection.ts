import { isUpstreamError, type UpstreamError } from '../../src/core/errors';

/** What `promise` rejects with; a promise that resolves fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** The UpstreamError `promise` rejects with; any other outcome fails the test. */
export async function upstreamRejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const err = await rejection(promise);
  if (!isUpstreamError(err)) throw new Error(`expected an UpstreamError, got ${String(err)}`);
  return err;
}
