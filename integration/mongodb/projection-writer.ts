import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { RecordedEvent } from '../../domain/events/domain-event';
import type { ProjectionDefinition, ReadModelDocument } from '../../application/projections/projection';

type Stored = ReadModelDocument & { _pos?: number } & Document;

/**
 * Applies a batch of events to one read-model collection: loads every touched document once,
 * evolves them in memory in position order, writes them back in one bulk write. A document
 * remembers the last position it saw, so an event applied twice (a crash before the checkpoint
 * was saved) changes nothing.
 */
export async function applyBatch(
  projection: ProjectionDefinition,
  target: Collection<Document>,
  events: readonly RecordedEvent[],
): Promise<number> {
  const wanted = new Set(projection.eventTypes);
  const relevant = events.filter((e) => wanted.has(e.type));
  if (relevant.length === 0) return 0;
  const keyed = relevant.map((event) => ({ event, keys: projection.keysOf(event) }));
  const ids = [...new Set(keyed.flatMap((k) => k.keys))];
  if (ids.length === 0) return 0;
  const loaded = await target.find({ _id: { $in: ids } } as Document).toArray();
  const docs = new Map<string, Stored | undefined>(
    loaded.map((d) => [String(d._id), d as unknown as Stored]),
  );
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
  const ops = [...touched].map((key): AnyBulkWriteOperation<Document> => {
    const doc = docs.get(key);
    const filter = { _id: key } as Document;
    return doc ? { replaceOne: { filter, replacement: doc, upsert: true } } : { deleteOne: { filter } };
  });
  if (ops.length) await target.bulkWrite(ops, { ordered: false });
  return ops.length;
}
