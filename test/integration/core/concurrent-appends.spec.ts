import type { RecordedEvent } from '../../../domain/events/domain-event';
import { EventRegistry } from '../../../domain/events/event-registry';
import { COMMITS_COLLECTION, MongoEventStore } from '../../../integration/mongodb/mongo-event-store';
import type { CommitDocument } from '../../../integration/mongodb/commit.document';
import { bulkFailure } from '../../../integration/mongodb/duplicate-key.error';
import type { Ack, WriterOptions } from '../../fixtures/append-writer';
import { LineProcess, spawnTs } from '../../support/core-service';
import { testDatabase } from '../../support/mongo';

const PROCESSES = 2;
const WRITERS = 4;
const EVENTS_PER_WRITER = 600;
const STREAMS = 40;
const TOTAL = PROCESSES * WRITERS * EVENTS_PER_WRITER;

jest.setTimeout(120_000);

/**
 * Two OS processes, each with several concurrent appenders over shared streams, while a reader in
 * this process tails readAll(after, limit): the reader must see every event once, in position
 * order, with no position skipped or reused, and every acknowledged event must be among them.
 */
describe('event store under concurrent writers in two processes', () => {
  let env: Awaited<ReturnType<typeof testDatabase>>;
  let store: MongoEventStore;
  const writers: LineProcess[] = [];

  beforeAll(async () => {
    env = await testDatabase();
    store = new MongoEventStore(
      env.db,
      new EventRegistry(),
      '/test/reader',
      'http://127.0.0.1/v1/events/types',
    );
    await store.init();
  });
  afterAll(async () => {
    for (const w of writers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
    await env.close();
  });

  it('lets a tailing reader see every acknowledged event exactly once, in order, without gaps', async () => {
    for (let p = 0; p < PROCESSES; p++) {
      const options: WriterOptions = {
        uri: env.uri,
        db: env.name,
        tag: `p${p}`,
        writers: WRITERS,
        eventsPerWriter: EVENTS_PER_WRITER,
        streams: STREAMS,
      };
      writers.push(spawnTs('test/fixtures/append-writer.ts', [JSON.stringify(options)]));
    }
    await Promise.all(writers.map((w) => w.waitForLine((line) => line === 'ready', 60_000)));
    for (const w of writers) w.proc.stdin!.write('go\n');

    let writing = true;
    const done = Promise.all(writers.map((w) => w.exited)).finally(() => (writing = false));

    // The tailing reader: small batches, as a projection or a subscriber would read.
    const seen: RecordedEvent[] = [];
    const ids = new Set<string>();
    let after = 0;
    let batchesWhileWriting = 0;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const stillWriting = writing;
      const batch = await store.readAll(after, 97);
      for (const event of batch.events) {
        // Position order with no gap: each event is the one right after the last one seen.
        if (event.position !== after + 1)
          throw new Error(`reader after ${after} got position ${event.position} (${event.id})`);
        if (ids.has(event.id)) throw new Error(`event ${event.id} seen twice`);
        ids.add(event.id);
        seen.push(event);
        after = event.position;
      }
      expect(batch.nextAfter).toBe(after);
      if (batch.events.length && stillWriting) batchesWhileWriting++;
      if (!stillWriting && batch.events.length === 0) break;
      const failed = writers.find((w) => w.proc.exitCode !== null && w.proc.exitCode !== 0);
      if (failed) throw new Error(`a writer process failed: ${failed.stderr.join('').slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`reader stuck at ${after} of ${TOTAL}`);
      if (batch.events.length === 0) await new Promise((r) => setTimeout(r, 2));
    }
    expect(await done).toEqual(Array(PROCESSES).fill(0));

    const reports = writers.map(
      (w) => JSON.parse(w.lines.find((l) => l.startsWith('{'))!) as { acks: Ack[]; conflicts: number },
    );
    const acks = reports.flatMap((r) => r.acks);

    // Every position 1..N, once; N is the head; every event written was acknowledged and seen.
    expect(seen).toHaveLength(TOTAL);
    expect(seen.map((e) => e.position)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(await store.headPosition()).toBe(TOTAL);
    expect(acks).toHaveLength(TOTAL);
    const byId = new Map(seen.map((e) => [e.id, e]));
    for (const [id, position, stream, version] of acks) {
      const event = byId.get(id);
      expect(event && [event.position, event.streamId, event.streamVersion]).toEqual([
        position,
        stream,
        version,
      ]);
    }
    // The reader really tailed the writers rather than reading everything at the end.
    expect(batchesWhileWriting).toBeGreaterThan(10);
    // The two processes did contend for the same streams.
    expect(reports.reduce((n, r) => n + r.conflicts, 0)).toBeGreaterThan(0);

    // Each stream's versions are 1..k in position order, and each writer's events keep their order.
    const byStream = new Map<string, number[]>();
    for (const e of seen) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.streamVersion]);
    expect(byStream.size).toBe(STREAMS);
    for (const versions of byStream.values())
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    const lastSeq = new Map<string, number>();
    for (const e of seen) {
      const { tag, writer, seq } = e.data as { tag: string; writer: number; seq: number };
      const key = `${tag}-${writer}`;
      expect(seq).toBe((lastSeq.get(key) ?? -1) + 1);
      lastSeq.set(key, seq);
    }

    // In the collection: commits tile 1..N, each starting one past the one before.
    const commits = await env.db
      .collection<CommitDocument>(COMMITS_COLLECTION)
      .find({}, { projection: { last: 1, events: { id: 1 } } })
      .sort({ _id: 1 })
      .toArray();
    let expected = 1;
    for (const c of commits) {
      expect([c._id, c.last - c._id + 1]).toEqual([expected, c.events.length]);
      expected = c.last + 1;
    }
    expect(expected).toBe(TOTAL + 1);
  });

  it('tells which unique index a bulk insert collided on, which position races depend on', async () => {
    const commits = env.db.collection<CommitDocument>(COMMITS_COLLECTION);
    const [first] = await commits.find({}).sort({ _id: 1 }).limit(1).toArray();
    const clash = async (doc: Partial<CommitDocument>): Promise<string | undefined> => {
      try {
        await commits.insertMany([{ ...first, ...doc } as CommitDocument], { ordered: true });
      } catch (error) {
        return bulkFailure(error).key;
      }
      return 'inserted';
    };
    expect(await clash({})).toBe('_id');
    expect(await clash({ _id: -1 })).toBe('last');
    expect(await clash({ _id: -1, last: -1 })).toBe('stream');
    expect(await clash({ _id: -1, last: -1, versions: [-1] })).toBe('commitId');
  });
});
