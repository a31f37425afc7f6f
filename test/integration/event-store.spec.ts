import { EventRegistry } from '../../domain/events/event-registry';
import { WrongExpectedVersionError } from '../../domain/repositories/event-store.port';
import { MongoEventStore } from '../../integration/mongodb/mongo-event-store';
import { testDatabase } from '../support/mongo';

const SOURCE = '/open-host-factory/test';
const ev = (n: number) => ({ type: 'io.openhostfactory.test.happened.v1', data: { n } });

describe('MongoEventStore', () => {
  let env: Awaited<ReturnType<typeof testDatabase>>;
  let store: MongoEventStore;

  beforeAll(async () => {
    env = await testDatabase();
    store = new MongoEventStore(env.db, new EventRegistry(), SOURCE, 'http://127.0.0.1:8080/v1/events/types');
    await store.init();
  });
  afterAll(() => env.close());

  it('appends several events atomically with consecutive versions and positions', async () => {
    const result = await store.append({
      streamId: 'thing-a',
      events: [ev(1), ev(2), ev(3)],
      expectedVersion: 'no-stream',
    });
    expect(result.streamVersion).toBe(3);
    expect(result.lastPosition - result.firstPosition).toBe(2);
    const events = await store.readStream('thing-a');
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(events.map((e) => e.subject)).toEqual(['a', 'a', 'a']);
    expect(events[0].source).toBe(SOURCE);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  it('refuses a wrong expected version with a typed error and stores nothing', async () => {
    const head = await store.headPosition();
    await expect(
      store.append({ streamId: 'thing-a', events: [ev(4)], expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(
      store.append({ streamId: 'thing-a', events: [ev(4)], expectedVersion: 'no-stream' }),
    ).rejects.toThrow(/expected version no-stream, actual 3/);
    await expect(
      store.append({ streamId: 'thing-a', events: [ev(4)], expectedVersion: 7 }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.headPosition()).toBe(head);
    const ok = await store.append({ streamId: 'thing-a', events: [ev(4)], expectedVersion: 3 });
    expect(ok.streamVersion).toBe(4);
    const any = await store.append({ streamId: 'thing-a', events: [ev(5)], expectedVersion: 'any' });
    expect(any.streamVersion).toBe(5);
  });

  it('stores a commit id once and answers the same when it is sent again', async () => {
    const first = await store.append({
      streamId: 'thing-b',
      events: [ev(1)],
      expectedVersion: 'no-stream',
      commitId: 'c-1',
    });
    const again = await store.append({
      streamId: 'thing-b',
      events: [ev(1)],
      expectedVersion: 'no-stream',
      commitId: 'c-1',
    });
    expect(again.duplicate).toBe(true);
    expect(again.firstPosition).toBe(first.firstPosition);
    expect(again.events[0].id).toBe(first.events[0].id);
    expect(await store.readStream('thing-b')).toHaveLength(1);
  });

  it('reads all streams in global order in batches, from any position', async () => {
    const all = await store.readAll(0, 1000);
    const positions = all.events.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions[0]).toBe(1);
    expect(new Set(positions).size).toBe(positions.length);
    expect(positions[positions.length - 1]).toBe(await store.headPosition());
    // A batch boundary falling inside a multi-event commit neither skips nor repeats an event.
    const firstTwo = await store.readAll(0, 2);
    const rest = await store.readAll(firstTwo.nextAfter, 1000);
    expect([...firstTwo.events, ...rest.events].map((e) => e.position)).toEqual(positions);
  });

  it('keeps every stored event a valid CloudEvent with the position and version extensions', async () => {
    const { events } = await store.readAll(0, 1);
    expect(events[0]).toMatchObject({
      position: 1,
      streamVersion: 1,
      type: 'io.openhostfactory.test.happened.v1',
    });
    await expect(
      store.append({ streamId: 'thing-c', events: [{ type: '', data: {} }], expectedVersion: 'any' }),
    ).rejects.toThrow();
  });

  it('serves concurrent appends in one process without reusing a position', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.append({ streamId: `many-${i % 20}`, events: [ev(i)], expectedVersion: 'any' }),
      ),
    );
    const positions = results.map((r) => r.firstPosition);
    expect(new Set(positions).size).toBe(200);
    const versions = await store.readStream('many-3');
    expect(versions.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('upcasts events stored under an older type when they are read, keeping their id and position', async () => {
    const registry = new EventRegistry().registerUpcaster({
      fromType: 'io.openhostfactory.test.happened.v1',
      toType: 'io.openhostfactory.test.happened.v2',
      upcast: (data) => ({ ...(data as object), upgraded: true }),
    });
    const upcasting = new MongoEventStore(env.db, registry, SOURCE, 'http://127.0.0.1:8080/v1/events/types');
    const stored = await store.append({
      streamId: 'thing-old',
      events: [ev(7)],
      expectedVersion: 'no-stream',
    });
    const [read] = await upcasting.readStream('thing-old');
    expect(read).toMatchObject({
      type: 'io.openhostfactory.test.happened.v2',
      data: { n: 7, upgraded: true },
      id: stored.events[0].id,
    });
    expect(read.position).toBe(stored.firstPosition);
  });
});
