import type { Store } from '../../src/core/store';
import { replicaPair, storeBackends, type StorePlace } from '../support/stores';

const t0 = new Date('2026-11-24T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const MINUTES = 60_000;

describe.each(storeBackends())('once-keys on $name', (backend) => {
  let place: StorePlace;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    ({ place, a, b } = await replicaPair(backend));
  });
  afterEach(() => place.dispose());

  it('says whether it may be shared by other processes', () => {
    expect(a.shared).toBe(backend.name === 'postgres');
  });

  it('a key is claimed once, by whichever replica asks first, until it expires', async () => {
    await expect(a.claimOnce('trigger:1', at(15 * MINUTES), at(0))).resolves.toBe(true);
    // Slack's retries come after 1 and 5 minutes.
    await expect(b.claimOnce('trigger:1', at(16 * MINUTES), at(1 * MINUTES))).resolves.toBe(false);
    await expect(a.claimOnce('trigger:1', at(20 * MINUTES), at(5 * MINUTES))).resolves.toBe(false);
    await expect(b.claimOnce('trigger:2', at(16 * MINUTES), at(1 * MINUTES))).resolves.toBe(true);
    // Expired, even if not swept yet: claimable again.
    await expect(b.claimOnce('trigger:1', at(30 * MINUTES), at(15 * MINUTES))).resolves.toBe(true);
    await expect(a.claimOnce('trigger:1', at(31 * MINUTES), at(16 * MINUTES))).resolves.toBe(false);
  });

  it('of replicas claiming one key at the same moment, exactly one gets it', async () => {
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claimOnce('trigger:race', at(MINUTES), at(0))),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('the sweep forgets expired keys and keeps the others', async () => {
    await a.claimOnce('old', at(MINUTES), at(0));
    await a.claimOnce('fresh', at(20 * MINUTES), at(0));
    await expect(b.sweepOnceKeys(at(10 * MINUTES))).resolves.toBe(1);
    await expect(a.claimOnce('fresh', at(30 * MINUTES), at(10 * MINUTES))).resolves.toBe(false);
    await expect(a.claimOnce('old', at(30 * MINUTES), at(10 * MINUTES))).resolves.toBe(true);
  });
});
