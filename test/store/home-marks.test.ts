import type { Store } from '../../src/core/store';
import { replicaPair, storeBackends, type StorePlace } from '../support/stores';

const t0 = new Date('2026-11-24T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const CLAIM_MS = 60_000;

describe.each(storeBackends())('Home marks on $name', (backend) => {
  let place: StorePlace;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    ({ place, a, b } = await replicaPair(backend));
  });
  afterEach(() => place.dispose());

  it('lists the marked people nobody holds, oldest first, and lets one replica claim each', async () => {
    await a.markHomes(['U2', 'U1', 'U2'], at(0));
    await b.markHomes(['U3'], at(1));
    expect(await b.unclaimedHomes(at(2), 10)).toEqual(['U1', 'U2', 'U3']);
    expect(await b.unclaimedHomes(at(2), 1)).toEqual(['U1']);

    const [byA, byB] = await Promise.all([
      a.claimHome('U1', 'A', at(2), at(CLAIM_MS)),
      b.claimHome('U1', 'B', at(2), at(CLAIM_MS)),
    ]);
    expect([byA, byB].filter((v) => v !== undefined)).toEqual([1]);
    expect(await a.unclaimedHomes(at(3), 10)).toEqual(['U2', 'U3']);
    expect(await a.claimHome('U9', 'A', at(3), at(CLAIM_MS))).toBeUndefined();
  });

  it('is cleared once published, unless it changed since: then it is released for another publish', async () => {
    await a.markHomes(['U1', 'U2'], at(0));
    const v1 = await a.claimHome('U1', 'A', at(1), at(CLAIM_MS));
    const v2 = await a.claimHome('U2', 'A', at(1), at(CLAIM_MS));
    if (v1 === undefined || v2 === undefined) throw new Error('not claimed');
    // U2's Home changes again while the publish of what came before is under way.
    await b.markHomes(['U2'], at(2));
    await a.clearHome('U1', 'A', v1);
    await a.clearHome('U2', 'A', v2);
    expect(await b.unclaimedHomes(at(3), 10)).toEqual(['U2']);
    const again = await b.claimHome('U2', 'B', at(3), at(CLAIM_MS));
    expect(again).toBe(v2 + 1);
    await b.clearHome('U2', 'B', again ?? 0);
    expect(await a.unclaimedHomes(at(4), 10)).toEqual([]);
  });

  it('a claim whose holder went away expires, and another replica takes the mark', async () => {
    await a.markHomes(['U1'], at(0));
    expect(await a.claimHome('U1', 'A', at(0), at(CLAIM_MS))).toBe(1);
    expect(await b.unclaimedHomes(at(CLAIM_MS - 1), 10)).toEqual([]);
    expect(await b.claimHome('U1', 'B', at(CLAIM_MS - 1), at(2 * CLAIM_MS))).toBeUndefined();
    expect(await b.unclaimedHomes(at(CLAIM_MS), 10)).toEqual(['U1']);
    expect(await b.claimHome('U1', 'B', at(CLAIM_MS), at(2 * CLAIM_MS))).toBe(1);
  });
});
