import type { Collection, Db, Document } from 'mongodb';
import type { ReadModelDocument } from '../../application/projections/projection';
import type {
  ReadConsistency,
  ReadFilter,
  ReadModels,
  ReadModelView,
  ReadOptions,
} from '../../application/ports/read-models.port';
import type { EventStore } from '../../domain/repositories/event-store.port';
import type { ProjectionEngine } from './projection-engine';

const HIDDEN = { _pos: 0 } as const;

class MongoView<D extends ReadModelDocument> implements ReadModelView<D> {
  constructor(private readonly collection: Collection<Document>) {}

  async find(filter: ReadFilter, options: ReadOptions = {}): Promise<D[]> {
    let cursor = this.collection.find(filter as Document, { projection: HIDDEN });
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as unknown as D[];
  }

  async findOne(filter: ReadFilter): Promise<D | undefined> {
    return (
      ((await this.collection.findOne(filter as Document, { projection: HIDDEN })) as D | null) ?? undefined
    );
  }

  count(filter: ReadFilter): Promise<number> {
    return this.collection.countDocuments(filter as Document);
  }
}

/** Read models with read-your-writes: a view waits until its projection has this process's writes. */
export class MongoReadModels implements ReadModels {
  constructor(
    private readonly db: Db,
    private readonly store: EventStore,
    private readonly engine: ProjectionEngine,
  ) {}

  async view<D extends ReadModelDocument>(
    projection: string,
    consistency: ReadConsistency = 'own-writes',
  ): Promise<ReadModelView<D>> {
    const position =
      consistency === 'log-head' ? await this.store.headPosition() : this.store.lastAppendedPosition();
    const collection = await this.engine.activeCollectionAt(projection, position);
    return new MongoView<D>(this.db.collection(collection));
  }
}
