import type { RecordedEvent } from '../../domain/events/domain-event';

/** A read-model document: keyed by `_id`; the engine adds `_pos`, the last position applied. */
export interface ReadModelDocument {
  _id: string;
}

/**
 * A projection: which events it reads, which documents each event touches, and how a document
 * evolves. The engine feeds events in global order, batches the writes, keeps the checkpoint and
 * skips an event a document has already seen, so applying an event twice changes nothing.
 */
export interface ProjectionDefinition<D extends ReadModelDocument = ReadModelDocument> {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** Index keys the read model needs for its queries. */
  readonly indexes?: readonly Record<string, 1 | -1>[];
  keysOf(event: RecordedEvent): string[];
  /** The document after the event; undefined deletes it. */
  evolve(doc: D | undefined, event: RecordedEvent, key: string): D | undefined;
}

export const PROJECTIONS = Symbol('Projections');
