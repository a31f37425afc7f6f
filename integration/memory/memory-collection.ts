import type { RecordedEvent } from '../../domain/events/domain-event';
import type { ProjectionDefinition, ReadModelDocument } from '../../application/projections/projection';
import type { ReadFilter, ReadModelView, ReadOptions } from '../../application/ports/read-models.port';
import { compile, sortBy } from './document-matcher';

type Doc = ReadModelDocument & Record<string, unknown>;

/**
 * One read model held in memory: documents by id, hash indexes on the fields the projection
 * declares indexes for, and per document the last position applied (the same guard as the
 * MongoDB writer, so seeding from MongoDB and then tailing the log never applies an event twice).
 */
export class MemoryCollection implements ReadModelView<ReadModelDocument> {
  private readonly docs = new Map<string, Doc>();
  private readonly positions = new Map<string, number>();
  private readonly indexes = new Map<string, Map<unknown, Set<string>>>();
  checkpoint = 0;

  constructor(private readonly definition: ProjectionDefinition) {
    for (const index of definition.indexes ?? []) {
      const field = Object.keys(index)[0];
      if (field && field !== '_id') this.indexes.set(field, new Map());
    }
  }

  get size(): number {
    return this.docs.size;
  }

  seed(stored: readonly (Doc & { _pos?: number })[], checkpoint: number): void {
    for (const { _pos, ...doc } of stored) this.put(doc as Doc, _pos ?? checkpoint);
    this.checkpoint = checkpoint;
  }

  apply(events: readonly RecordedEvent[]): void {
    const wanted = new Set(this.definition.eventTypes);
    for (const event of events) {
      if (event.position <= this.checkpoint) continue;
      if (wanted.has(event.type)) {
        for (const key of this.definition.keysOf(event)) {
          if ((this.positions.get(key) ?? 0) >= event.position) continue;
          const next = this.definition.evolve(this.docs.get(key), event, key) as Doc | undefined;
          if (next) this.put({ ...next, _id: key }, event.position);
          else this.remove(key);
        }
      }
      this.checkpoint = event.position;
    }
  }

  /** Documents are frozen when stored: a caller can read them without a copy but never change them. */
  async find(filter: ReadFilter, options: ReadOptions = {}): Promise<ReadModelDocument[]> {
    let found = this.candidates(filter).filter(compile(filter));
    if (options.sort) found = sortBy(found, options.sort);
    if (options.skip) found = found.slice(options.skip);
    if (options.limit) found = found.slice(0, options.limit);
    return found;
  }

  async findOne(filter: ReadFilter): Promise<ReadModelDocument | undefined> {
    return this.candidates(filter).find(compile(filter));
  }

  async count(filter: ReadFilter): Promise<number> {
    return this.candidates(filter).filter(compile(filter)).length;
  }

  /** The documents a filter can match: by id or through an index where it allows, else all. */
  private candidates(filter: ReadFilter): Doc[] {
    const ids = this.valuesWanted(filter._id);
    if (ids) return ids.flatMap((id) => this.docs.get(String(id)) ?? []);
    for (const [field, index] of this.indexes) {
      const values = this.valuesWanted(filter[field]);
      if (!values) continue;
      const hits = new Set<string>();
      for (const value of values) for (const id of index.get(value) ?? []) hits.add(id);
      return [...hits].flatMap((id) => this.docs.get(id) ?? []);
    }
    return [...this.docs.values()];
  }

  private valuesWanted(condition: unknown): unknown[] | undefined {
    if (condition === undefined) return undefined;
    if (condition === null || typeof condition !== 'object') return [condition];
    const keys = Object.keys(condition);
    if (keys.length === 1 && keys[0] === '$in') return (condition as { $in: unknown[] }).$in;
    return undefined;
  }

  private put(doc: Doc, position: number): void {
    this.remove(doc._id);
    this.docs.set(doc._id, deepFreeze(doc));
    this.positions.set(doc._id, position);
    for (const [field, index] of this.indexes) {
      const value = doc[field];
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v === undefined || (v !== null && typeof v === 'object')) continue;
        let ids = index.get(v);
        if (!ids) index.set(v, (ids = new Set()));
        ids.add(doc._id);
      }
    }
  }

  private remove(id: string): void {
    const doc = this.docs.get(id);
    if (!doc) return;
    for (const [field, index] of this.indexes) {
      const value = doc[field];
      for (const v of Array.isArray(value) ? value : [value]) index.get(v)?.delete(id);
    }
    this.docs.delete(id);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
