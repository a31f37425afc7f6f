import { AnyBulkWriteOperation, BSON, Collection, Document } from 'mongodb';
import type { RecordedEvent } from '../../domain/events/domain-event';
import type { ProjectionDefinition, ReadModelDocument } from '../../application/projections/projection';

type Stored = ReadModelDocument & { _pos?: number } & Document;

/**
 * Read-model documents kept between batches by the one instance that runs a projection, so a
 * batch does not read back what the batch before it wrote; a rebuild may also leave its writes
 * here (dirty) and flush them now and then, so a document changed by many events is written once.
 * Documents are held exactly as MongoDB would return them (through BSON), so a projection sees the
 * same values from the cache as from the database (`undefined` stored as null, dates as dates).
 * The owner ties a cache to a collection and a checkpoint and drops it when either moves under it.
 */
export class DocumentCache {
  private readonly docs = new Map<string, Stored | null>();
  private readonly dirty = new Set<string>();

  constructor(
    /** True when a key the cache does not hold is known not to be in the collection (built from empty). */
    private complete: boolean,
    private readonly capacity = 20_000,
    /** As the collection's client serializes: `undefined` stored as null unless it ignores them. */
    private readonly ignoreUndefined = false,
  ) {}

  /** The document (null: known absent), or undefined when the database must be asked. */
  get(key: string): Stored | null | undefined {
    const doc = this.docs.get(key);
    if (doc !== undefined) return doc;
    return this.complete ? null : undefined;
  }

  /** Records a document as the collection holds it, or will once flushed (`dirty`). */
  set(key: string, doc: Stored | null, dirty: boolean): void {
    this.docs.delete(key);
    const stored = doc && BSON.serialize(doc, { ignoreUndefined: this.ignoreUndefined });
    this.docs.set(key, stored ? (BSON.deserialize(stored) as Stored) : null);
    if (dirty) this.dirty.add(key);
  }

  /** Holding more than its capacity: the owner flushes, which also lets the oldest go. */
  get full(): boolean {
    return this.docs.size > this.capacity;
  }

  get unwritten(): number {
    return this.dirty.size;
  }

  /** Writes what is dirty, then lets the least recently written go down to the capacity. */
  async flush(target: Collection<Document>): Promise<void> {
    const keys = [...this.dirty];
    for (let i = 0; i < keys.length; i += 5000) {
      const ops = keys.slice(i, i + 5000).map((key) => writeOf(key, this.docs.get(key) ?? undefined));
      await target.bulkWrite(ops, { ordered: false });
    }
    this.dirty.clear();
    for (const oldest of this.docs.keys()) {
      if (this.docs.size <= this.capacity) break;
      this.docs.delete(oldest);
      this.complete = false;
    }
  }
}

function writeOf(key: string, doc: Stored | undefined): AnyBulkWriteOperation<Document> {
  const filter = { _id: key } as Document;
  return doc ? { replaceOne: { filter, replacement: doc, upsert: true } } : { deleteOne: { filter } };
}

/**
 * Applies a batch of events to one read-model collection: loads every touched document once
 * (from the cache when it holds it), evolves them in memory in position order, writes them back
 * in one bulk write. A document remembers the last position it saw, so an event applied twice (a
 * crash before the checkpoint was saved) changes nothing. With `defer` (a rebuild, whose collection
 * serves nobody yet) the changes stay in the cache until the caller flushes it. After a failure the
 * caller must drop the cache.
 */
export async function applyBatch(
  projection: ProjectionDefinition,
  target: Collection<Document>,
  events: readonly RecordedEvent[],
  cache?: DocumentCache,
  defer = false,
): Promise<number> {
  const wanted = new Set(projection.eventTypes);
  const relevant = events.filter((e) => wanted.has(e.type));
  if (relevant.length === 0) return 0;
  const keyed = relevant.map((event) => ({ event, keys: projection.keysOf(event) }));
  const ids = [...new Set(keyed.flatMap((k) => k.keys))];
  if (ids.length === 0) return 0;
  const docs = new Map<string, Stored | undefined>();
  const unknown: string[] = [];
  for (const id of ids) {
    const cached = cache?.get(id);
    if (cached === undefined) unknown.push(id);
    else docs.set(id, cached ?? undefined);
  }
  if (unknown.length) {
    const loaded = await target.find({ _id: { $in: unknown } } as Document).toArray();
    for (const d of loaded) docs.set(String(d._id), d as unknown as Stored);
  }
  const touched = new Set<string>();
  for (const { event, keys } of keyed) {
    for (const key of keys) {
      const current = docs.get(key);
      if (current?._pos !== undefined && current._pos >= event.position) continue;
      const { _pos: _ignored, ...plain } = current ?? ({} as Stored);
      const next = projection.evolve(current ? (plain as ReadModelDocument) : undefined, event, key);
      docs.set(key, next ? { ...next, _id: key, _pos: event.position } : undefined);
      touched.add(key);
    }
  }
  if (cache && defer) {
    // Left in the cache; written by the owner's flush (at once when the cache is over capacity).
    for (const id of unknown) if (!touched.has(id)) cache.set(id, docs.get(id) ?? null, false);
    for (const id of touched) cache.set(id, docs.get(id) ?? null, true);
    if (cache.full) await cache.flush(target);
    return touched.size;
  }
  const ops = [...touched].map((key) => writeOf(key, docs.get(key)));
  if (ops.length) await target.bulkWrite(ops, { ordered: false });
  if (cache) {
    for (const id of new Set([...touched, ...unknown])) cache.set(id, docs.get(id) ?? null, false);
    if (cache.full) await cache.flush(target);
  }
  return ops.length;
}
