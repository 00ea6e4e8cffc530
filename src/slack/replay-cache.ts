import type { Log } from '../core/kit/log';
import type { OnceStore } from '../core/kit/once-store';

/** A store other replicas share, and where to say that it could not be reached. */
export interface SharedKeys {
  store: OnceStore;
  log: Log;
}

/**
 * Claims `key` until `expiresAtSec` in the store the replicas share; false when another claim of it is still
 * current there. When the store cannot be reached the request is let through: each replica's memory still
 * stops repeats on it, and a store that is down stops the listeners anyway.
 */
export async function claimShared(
  shared: SharedKeys,
  key: string,
  expiresAtSec: number,
  nowSec: number,
): Promise<boolean> {
  try {
    return await shared.store.claimOnce(key, new Date(expiresAtSec * 1000), new Date(nowSec * 1000));
  } catch (err) {
    shared.log.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'Slack request keys could not be checked in the store; accepted on this replica’s memory alone',
    );
    return true;
  }
}

/**
 * Keys of accepted Slack requests, each kept until it expires, so the same request is accepted once. Memory
 * answers first, at no cost to the ack; with a store other replicas share (PostgreSQL), a key new here is
 * then claimed there too, one insert-or-ignore, so a retry that lands on another replica is recognised. The
 * embedded store belongs to one process, whose memory already knows everything: writing there before each
 * ack would only slow acks down.
 *
 * Memory is bounded: only holders of the signing secret can add entries, and at the cap the oldest go first
 * (at 100k entries that takes over 100 signed requests a second for 15 minutes).
 */
export class ReplayCache {
  /** Key → the second after which it is forgotten; in insertion order. */
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly shared?: SharedKeys,
    private readonly capacity = 100_000,
  ) {}

  get size(): number {
    return this.expiries.size;
  }

  /**
   * Records `key` until `expiresAtSec`; false when it is already recorded and not expired (a replay or a
   * retry), here or, with a shared store, on any replica (see `claimShared`).
   */
  async claim(key: string, expiresAtSec: number, nowSec: number): Promise<boolean> {
    if (!this.claimHere(key, expiresAtSec, nowSec)) return false;
    return this.shared ? claimShared(this.shared, key, expiresAtSec, nowSec) : true;
  }

  private claimHere(key: string, expiresAtSec: number, nowSec: number): boolean {
    this.evict(nowSec);
    const until = this.expiries.get(key);
    if (until !== undefined && until >= nowSec) return false;
    this.expiries.delete(key);
    this.expiries.set(key, expiresAtSec);
    return true;
  }

  private evict(nowSec: number): void {
    for (const [key, until] of this.expiries) {
      if (until >= nowSec && this.expiries.size < this.capacity) return;
      this.expiries.delete(key);
    }
  }
}
