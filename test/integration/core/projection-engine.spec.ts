import type { Db, Document, Filter } from 'mongodb';
import type { ProjectionDefinition, ReadModelDocument } from '../../../application/projections/projection';
import type { RecordedEvent } from '../../../domain/events/domain-event';
import { EventRegistry } from '../../../domain/events/event-registry';
import { MongoEventStore } from '../../../integration/mongodb/mongo-event-store';
import { ProjectionEngine } from '../../../integration/mongodb/projection-engine';
import { DocumentCache } from '../../../integration/mongodb/projection-writer';
import { PROJECTIONS_COLLECTION, ProjectionMeta } from '../../../integration/mongodb/projection-meta.store';
import { referenceFold } from '../../e2e/core/workload';
import { testDatabase } from '../../support/mongo';

jest.setTimeout(120_000);

const SET = 'io.openhostfactory.test.item-set.v1';
const REMOVED = 'io.openhostfactory.test.item-removed.v1';
const ITEMS = 300;

interface ItemDoc extends ReadModelDocument {
  value?: number;
  note?: string | null;
  sets?: number;
  sum?: number;
  members?: number[];
}

/** Two documents per event (the item and its group), deletions, and values that go through BSON. */
const items: ProjectionDefinition<ItemDoc> = {
  name: 'items',
  eventTypes: [SET, REMOVED],
  keysOf: (e: RecordedEvent) => {
    const { item } = e.data as { item: number };
    return [`item-${item}`, `group-${item % 7}`];
  },
  evolve(doc, event, key) {
    const { item, value } = event.data as { item: number; value?: number };
    if (key.startsWith('group-')) {
      const members = (doc?.members ?? []).filter((m) => m !== item);
      if (event.type === SET) members.push(item);
      return { _id: key, sum: (doc?.sum ?? 0) + (value ?? 0), members: members.sort((a, b) => a - b) };
    }
    if (event.type === REMOVED) return undefined;
    return {
      _id: key,
      value,
      note: value! % 3 === 0 ? undefined : `v${value}`,
      sets: (doc?.sets ?? 0) + 1,
    };
  },
};
const definition = items as unknown as ProjectionDefinition;

/**
 * The engine's batching, caching and deferred writes against a plain fold of the log: a fresh
 * projection catching up, a replay whose lease moves between two instances (one with a cache far
 * too small to hold the read model), and live events arriving during the rebuild.
 */
describe('projection engine', () => {
  let env: Awaited<ReturnType<typeof testDatabase>>;
  let store: MongoEventStore;
  let value = 0;

  const append = async (count: number) => {
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < count;) {
      const size = 1 + (i % 3);
      const events = Array.from({ length: size }, (_, k) => {
        const item = (i + k * 17) % ITEMS;
        value++;
        return value % 11 === 0 ? { type: REMOVED, data: { item } } : { type: SET, data: { item, value } };
      });
      writes.push(store.append({ streamId: `item-${i % 50}`, events, expectedVersion: 'any' }));
      i += size;
      if (writes.length >= 64) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
  };
  const meta = async (db: Db) =>
    (await db.collection<ProjectionMeta>(PROJECTIONS_COLLECTION).findOne({ _id: 'items' }))!;
  const contents = (db: Db, collection: string) =>
    db.collection(collection).find({}).sort({ _id: 1 }).toArray();

  beforeAll(async () => {
    env = await testDatabase();
    store = new MongoEventStore(env.db, new EventRegistry(), '/test', 'http://127.0.0.1/v1/events/types');
    await store.init();
    await append(12_000);
  });
  afterAll(() => env.close());

  it('catches up from 0 to exactly the fold of the log', async () => {
    const engine = new ProjectionEngine(env.db, store, [definition], { bigBatch: 1500 });
    await engine.init();
    let slices = 0;
    while (await engine.runOnce('items')) slices++;
    const head = await store.headPosition();
    const m = await meta(env.db);
    expect(m.checkpoint).toBe(head);
    expect(slices).toBeGreaterThan(2);
    const live = await contents(env.db, m.collection);
    expect(live).toEqual(await referenceFold(store, definition, head));
    expect(live.filter((d) => d.note === null).length).toBeGreaterThan(0);
    expect(live.some((d) => String(d._id).startsWith('item-'))).toBe(true);
    expect(live.length).toBeLessThan(ITEMS + 7);
  });

  it('replays across two instances and live appends to the same documents', async () => {
    const a = new ProjectionEngine(env.db, store, [definition], { bigBatch: 1000 });
    const b = new ProjectionEngine(env.db, store, [definition], { bigBatch: 1000, cacheCapacity: 25 });
    const before = await meta(env.db);
    await a.requestReplay('items');
    // The lease moves back and forth; events keep arriving while the rebuild runs.
    let turns = 0;
    for (let rebuilding = true; rebuilding; turns++) {
      await (turns % 3 === 2 ? b : a).runOnce('items');
      if (turns % 2 === 0) await append(500);
      rebuilding = (await meta(env.db)).generation === before.generation;
    }
    expect(turns).toBeGreaterThanOrEqual(3);
    while ((await a.runOnce('items')) || (await b.runOnce('items')));
    const head = await store.headPosition();
    const after = await meta(env.db);
    expect([after.generation, after.checkpoint, after.rebuild]).toEqual([
      before.generation + 1,
      head,
      undefined,
    ]);
    expect(await contents(env.db, after.collection)).toEqual(await referenceFold(store, definition, head));
    // The live model handed back and forth: the instance with the small cache serves it correctly,
    // and what the other kept from before is not trusted, so no document goes back to an older state.
    while (await a.runOnce('items'));
    await append(2000);
    while (await b.runOnce('items'));
    const positions = new Map(
      (await contents(env.db, after.collection)).map((d) => [d._id, d._pos as number]),
    );
    await append(300);
    await a.runOnce('items');
    const older = (await contents(env.db, after.collection)).filter((d) => d._pos < positions.get(d._id)!);
    expect(older).toEqual([]);
    while (await a.runOnce('items'));
    const end = await store.headPosition();
    expect(await contents(env.db, after.collection)).toEqual(await referenceFold(store, definition, end));
  });

  it('keeps documents in memory exactly as MongoDB returns them', async () => {
    const target = env.db.collection('cache_check');
    const doc = {
      _id: 'k',
      a: undefined,
      nested: { b: undefined, at: new Date(0) },
      list: [undefined, 1],
      _pos: 3,
    };
    const byId = { _id: 'k' } as unknown as Filter<Document>;
    await target.bulkWrite([{ replaceOne: { filter: byId, replacement: doc, upsert: true } }]);
    const cache = new DocumentCache(false, 10, env.db.bsonOptions.ignoreUndefined);
    cache.set('k', doc, false);
    expect(cache.get('k')).toEqual(await target.findOne(byId));
    expect(cache.get('k')).toMatchObject({ a: null, nested: { b: null } });
    expect(cache.get('missing')).toBeUndefined();
    expect(new DocumentCache(true).get('missing')).toBeNull();
  });

  it('writes what a deferred cache holds once flushed, and forgets the oldest beyond its capacity', async () => {
    const target = env.db.collection('cache_flush');
    const cache = new DocumentCache(true, 2);
    for (const k of ['a', 'b', 'c']) cache.set(k, { _id: k, v: k, _pos: 1 }, true);
    cache.set('gone', null, true);
    await target.insertOne({ _id: 'gone' } as never);
    expect(cache.full).toBe(true);
    await cache.flush(target);
    expect(await target.find({}).sort({ _id: 1 }).toArray()).toEqual(
      ['a', 'b', 'c'].map((k) => ({ _id: k, v: k, _pos: 1 })),
    );
    // Over capacity, the oldest went and the cache no longer claims to know every key.
    expect([cache.full, cache.get('a'), cache.get('zzz')]).toEqual([false, undefined, undefined]);
    expect(cache.get('c')).toEqual({ _id: 'c', v: 'c', _pos: 1 });
  });
});
