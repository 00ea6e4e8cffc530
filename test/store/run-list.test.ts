import type { NewRun, RunFilter } from '../../src/core/runs/run-store';
import type { Store } from '../../src/core/store';
import { newRun, summaryOf } from '../support/run-fixtures';
import { storeBackends, type StoreFixture } from '../support/stores';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(storeBackends())('run listings on $name', (backend) => {
  let db: StoreFixture;
  let store: Store;

  beforeAll(async () => {
    db = await backend.open();
    store = db.store;
  });
  beforeEach(() => db.reset());
  afterAll(() => db.dispose());

  const create = async (seconds: number, fields: Partial<NewRun>) =>
    (await store.createRun(newRun({ ...fields, createdAt: at(seconds) }))).run;

  it('lists summaries of the runs listRuns selects, in the same order, fields as stored', async () => {
    const runs = [
      await create(1, {
        channelId: 'C1',
        requesterId: 'U1',
        operationId: 'itential.start',
        state: 'succeeded',
      }),
      await create(2, { channelId: 'C2', requesterId: 'U1', operationId: 'iacm.run', state: 'failed' }),
      await create(3, {
        channelId: 'C1',
        requesterId: 'U2',
        state: 'running',
        input: { big: 'x'.repeat(5000) },
      }),
      // Same creation time: the id breaks the tie, in both listings alike.
      await create(3, { channelId: 'C1', requesterId: 'U1', state: 'awaiting_approval' }),
      await create(3, { channelId: 'C1', requesterId: 'U1', state: 'waiting' }),
    ];
    const filters: RunFilter[] = [
      { limit: 10 },
      { limit: 2 },
      { channelId: 'C1', limit: 10 },
      { channelId: 'C1', limit: 3 },
      { requesterId: 'U1', limit: 10 },
      { states: ['running', 'failed'], limit: 10 },
      { createdSince: at(2), limit: 10 },
      { channelId: 'C1', requesterId: 'U1', createdSince: at(1), limit: 10 },
      { channelId: 'C9', limit: 10 },
    ];
    for (const filter of filters) {
      const records = await store.listRuns(filter);
      expect({ filter, summaries: await store.listRunSummaries(filter) }).toEqual({
        filter,
        summaries: records.map(summaryOf),
      });
    }
    expect((await store.listRunSummaries({ limit: 10 })).map((r) => r.id)).toHaveLength(runs.length);
    expect(await store.listRunSummaries({ channelId: 'C2', limit: 10 })).toEqual([
      {
        id: runs[1]?.id,
        operationId: 'iacm.run',
        state: 'failed',
        channelId: 'C2',
        requesterId: 'U1',
        createdAt: at(2),
      },
    ]);
  });

  it('reads nothing for an empty list of states', async () => {
    await create(1, {});
    expect(await store.listRunSummaries({ states: [], limit: 10 })).toEqual([]);
  });
});
