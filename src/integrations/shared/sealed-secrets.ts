import type { SecretScrubber } from '../../core/operations/secrets';
import { UpstreamError } from '../../core/errors';

/**
 * The secret inputs a run was sealed with, to send them upstream. A process with another key (a restart
 * without `FLIGHTDECK_SECRETS_KEY`, another replica) cannot open them: the start fails and says why.
 */
export function openSecrets(
  scrubber: SecretScrubber,
  sealed: string | undefined,
  system: string,
): Record<string, unknown> {
  if (sealed === undefined) return {};
  try {
    return scrubber.open(sealed);
  } catch {
    throw new UpstreamError({
      system,
      action: 'read the secret inputs',
      kind: 'http',
      upstreamCode: 'secrets_unreadable',
      message:
        'Flightdeck cannot read the secret inputs of this run any more: they were sealed by another process.',
      hint: 'Nothing was started. Start it again and type the secrets anew; set FLIGHTDECK_SECRETS_KEY (the same on every replica) so that approved runs keep them across restarts.',
      retryable: false,
    });
  }
}

/** The names of the sealed secret inputs, for the run's facts; none when they cannot be opened. */
export function secretNames(scrubber: SecretScrubber, sealed: string | undefined): string[] {
  if (sealed === undefined) return [];
  try {
    return Object.keys(scrubber.open(sealed));
  } catch {
    return [];
  }
}
