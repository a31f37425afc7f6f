import type { Db } from 'mongodb';
import type { ProjectionDefinition, ReadModelDocument } from '../../application/projections/projection';
import type { ReadConsistency, ReadModels, ReadModelView } from '../../application/ports/read-models.port';
import type { EventStore } from '../../domain/repositories/event-store.port';
import { PROJECTIONS_COLLECTION, ProjectionMeta } from '../mongodb/projection-meta.store';
import { MemoryCollection } from './memory-collection';

const TAIL_BATCH = 5000;

/**
 * A replica of the read models inside each service instance, so Host Factory's polls are answered
 * from memory. Seeded from the MongoDB read models at start, then kept current by tailing the
 * event log with the projections' own evolve functions. A view waits until the replica has
 * everything this process wrote (read-your-writes), and a poll brings in other instances' writes.
 */
export class MemoryReadModels implements ReadModels {
  private readonly collections = new Map<string, MemoryCollection>();
  private position = 0;
  private tail?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly store: EventStore,
    private readonly definitions: readonly ProjectionDefinition[],
    private readonly pollMs = 200,
  ) {}

  async init(): Promise<void> {
    const metas = await this.db.collection<ProjectionMeta>(PROJECTIONS_COLLECTION).find({}).toArray();
    const byName = new Map(metas.map((m) => [m._id, m]));
    for (const definition of this.definitions) {
      const collection = new MemoryCollection(definition);
      const meta = byName.get(definition.name);
      if (meta) {
        const stored = await this.db.collection(meta.collection).find({}).toArray();
        collection.seed(
          stored as unknown as (ReadModelDocument & Record<string, unknown>)[],
          meta.checkpoint,
        );
      }
      this.collections.set(definition.name, collection);
    }
    this.position = Math.min(...[...this.collections.values()].map((c) => c.checkpoint));
    await this.catchUp();
    this.timer = setInterval(() => void this.catchUp().catch(() => undefined), this.pollMs);
    this.timer.unref();
  }

  /** Stops tailing and waits for a tail under way, before the database connection closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.tail;
  }

  async view<D extends ReadModelDocument>(
    projection: string,
    consistency: ReadConsistency = 'own-writes',
  ): Promise<ReadModelView<D>> {
    const collection = this.collections.get(projection);
    if (!collection) throw new Error(`unknown projection ${projection}`);
    const target =
      consistency === 'log-head' ? await this.store.headPosition() : this.store.lastAppendedPosition();
    while (this.position < target && !this.stopped) await this.catchUp();
    return collection as unknown as ReadModelView<D>;
  }

  /** One tail at a time; a caller arriving mid-tail waits for it and then for one more pass. */
  private catchUp(): Promise<void> {
    const run = async (): Promise<void> => {
      while (!this.stopped) {
        const batch = await this.store.readAll(this.position, TAIL_BATCH);
        for (const collection of this.collections.values()) collection.apply(batch.events);
        this.position = batch.nextAfter;
        if (batch.events.length < TAIL_BATCH) return;
      }
    };
    const previous = this.tail ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled: Promise<void> = next
      .catch(() => undefined)
      .finally(() => {
        if (this.tail === settled) this.tail = undefined;
      });
    this.tail = settled;
    return next;
  }

  /** For tests and diagnostics: what the replica holds. */
  stats(): Record<string, { documents: number; checkpoint: number }> {
    return Object.fromEntries(
      [...this.collections].map(([name, c]) => [name, { documents: c.size, checkpoint: c.checkpoint }]),
    );
  }
}
