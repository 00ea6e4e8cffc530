/**
 * Keys that are claimed once by whichever process sharing the store asks first, and forgotten when they
 * expire: a delivery recognised again wherever it lands.
 */
export interface OnceStore {
  /** True for the first claim of `key`, or the first after its last claim expired; false while it is claimed. */
  claimOnce(key: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Forgets keys that expired by `now`; returns how many. */
  sweepOnceKeys(now: Date): Promise<number>;
}
