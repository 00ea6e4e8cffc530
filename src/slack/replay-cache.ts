/**
 * Signatures of accepted Slack requests, each kept until its timestamp leaves the acceptance window, so the
 * same signed request is accepted once. Bounded: only holders of the signing secret can add entries, and at
 * the cap the oldest go first (at 100k entries that takes over 160 signed requests a second for 10 minutes).
 * Per process: replicas behind a load balancer each keep their own.
 */
export class ReplayCache {
  /** Key → the second after which its timestamp is stale anyway; in insertion order. */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  get size(): number {
    return this.expiries.size;
  }

  /** Records `key` until `expiresAtSec`; false when it is already recorded and not expired (a replay). */
  claim(key: string, expiresAtSec: number, nowSec: number): boolean {
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
