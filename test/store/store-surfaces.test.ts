import { replicaPair, storeBackends, type StorePlace } from '../support/stores';
import type { Store } from '../../src/core/store';

const t0 = new Date('2026-12-07T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe.each(storeBackends())('store surfaces on $name', (backend) => {
  let place: StorePlace;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    ({ place, a, b } = await replicaPair(backend));
  });
  afterEach(() => place.dispose());

  it('knows no surface until one notes itself', async () => {
    await expect(a.surfaceUse('slack')).resolves.toBeUndefined();
    await expect(a.surfaceUse('console')).resolves.toBeUndefined();
  });

  it('keeps when a surface first used the store and when it last did, across replicas', async () => {
    await a.noteSurface('slack', at(0));
    await b.noteSurface('slack', at(30));
    await expect(a.surfaceUse('slack')).resolves.toEqual({ firstAt: at(0), lastAt: at(30) });
    await expect(b.surfaceUse('console')).resolves.toBeUndefined();
  });
});
