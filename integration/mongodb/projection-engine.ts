import type { Db } from 'mongodb';
import type { EventStore, ReadBatch } from '../../domain/repositories/event-store.port';
import type { BackgroundProcessor } from '../../application/jobs/background-processor';
import type { ProjectionDefinition } from '../../application/projections/projection';
import type { ProjectionAdmin, ProjectionStatus } from '../../application/ports/read-models.port';
import { applyBatch, DocumentCache } from './projection-writer';
import { ProjectionMeta, ProjectionMetaStore } from './projection-meta.store';

const LIVE_BATCH = 2000;
/**
 * A rebuild, or a projection catching up, writes what its cache gathered and saves its checkpoint
 * after this many events or this long (and when it reaches the head).
 */
const SAVE_EVENTS = 100_000;
const SAVE_MS = 5_000;
/** A replaced collection is dropped this long after the switch, so no query is cut off mid-read. */
const RETIRE_AFTER_MS = 30_000;

/**
 * What the instance running a projection keeps for one collection it writes (the live one, or a
 * rebuild's): the documents it wrote last, and the next batch of the log, read while the current
 * one is being applied. Both belong to a collection at a checkpoint and are dropped when the
 * database says otherwise (another instance ran the projection meanwhile, or a batch failed).
 */
interface Lane {
  collection: string;
  /** Applied up to here (in the collection, or for a rebuild possibly only in the cache). */
  checkpoint: number;
  /** The checkpoint the database has for this collection. */
  saved: number;
  savedAt: number;
  cache: DocumentCache;
  ahead?: { after: number; limit: number; batch: Promise<ReadBatch> };
}

export interface ProjectionEngineOptions {
  /** Read-model documents each projection keeps in memory between batches (default 20,000). */
  cacheCapacity?: number;
  /** Events per batch for a rebuild, and the most a projection catching up reads at once (10,000). */
  bigBatch?: number;
}

interface Local {
  checkpoint: number;
  collection: string;
  lastRunAt: number;
  waiters: { position: number; resolve: () => void }[];
  wake?: () => void;
  live?: Lane;
  rebuild?: Lane;
  liveBatch: number;
}

/**
 * Runs projections: each one is a background processor (one instance at a time holds its lease)
 * that feeds events in global order into its read model and keeps a checkpoint. A replay builds a
 * new collection from position 0 beside the live one and switches when it has caught up.
 */
export class ProjectionEngine implements ProjectionAdmin {
  private readonly meta: ProjectionMetaStore;
  private readonly local = new Map<string, Local>();
  private readonly byName: Map<string, ProjectionDefinition>;

  constructor(
    private readonly db: Db,
    private readonly store: EventStore,
    definitions: readonly ProjectionDefinition[],
    private readonly options: ProjectionEngineOptions = {},
  ) {
    this.meta = new ProjectionMetaStore(db);
    this.byName = new Map(definitions.map((d) => [d.name, d]));
  }

  async init(): Promise<void> {
    for (const definition of this.byName.values()) {
      const meta = await this.meta.ensure(definition.name);
      await this.ensureIndexes(definition, meta.collection);
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  definition(name: string): ProjectionDefinition | undefined {
    return this.byName.get(name);
  }

  processors(): BackgroundProcessor[] {
    return this.names().map((name) => ({
      name: `projection:${name}`,
      idleMs: 100,
      runOnce: () => this.runOnce(name),
      setWaker: (wake: () => void) => {
        this.localOf(name).wake = wake;
      },
    }));
  }

  /** One slice of work: live events first, then a slice of the rebuild if one is under way. */
  async runOnce(name: string): Promise<boolean> {
    const definition = this.byName.get(name);
    if (!definition) throw new Error(`unknown projection ${name}`);
    const local = this.localOf(name);
    try {
      return await this.step(definition, local);
    } catch (error) {
      // What this instance kept may no longer match the database: start again from what it says.
      local.live = local.rebuild = undefined;
      throw error;
    }
  }

  private async step(definition: ProjectionDefinition, local: Local): Promise<boolean> {
    const name = definition.name;
    let meta = (await this.meta.get(name)) ?? (await this.meta.ensure(name));
    if (meta.replayRequestedAt && !meta.rebuild) meta = await this.startRebuild(definition, meta);

    const lane = (local.live = this.lane(local.live, meta.collection, meta.checkpoint, false));
    const size = local.liveBatch;
    const { batch: live, full, early } = await this.nextBatch(lane, size);
    // Far behind, batches grow and changes gather in the cache, written now and then as in a
    // rebuild; at the head batches stay small and are written at once, so queries wait little.
    local.liveBatch = full ? Math.min(size * 2, this.bigBatch) : Math.min(LIVE_BATCH, this.bigBatch);
    const target = this.db.collection(meta.collection);
    await applyBatch(definition, target, live.events, lane.cache, full);
    lane.checkpoint = live.nextAfter;
    if (lane.checkpoint > lane.saved && (!full || this.saveDue(lane))) {
      await lane.cache.flush(target);
      await this.meta.collection.updateOne(
        { _id: name, collection: meta.collection },
        { $max: { checkpoint: lane.checkpoint }, $set: { updatedAt: new Date() }, $unset: { lastError: '' } },
      );
      meta = { ...meta, checkpoint: lane.checkpoint };
      Object.assign(lane, { saved: lane.checkpoint, savedAt: Date.now() });
    }
    // A batch read ahead may predate the latest appends: look again at once rather than idle.
    let more = full || early;
    if (meta.rebuild) {
      meta = await this.rebuildSlice(definition, meta, local);
      more = more || meta.rebuild !== undefined;
    }
    await this.dropRetired(meta);
    this.advanced(name, meta);
    return more;
  }

  private get bigBatch(): number {
    return this.options.bigBatch ?? 10_000;
  }

  /** The lane for a collection at a saved checkpoint: the one kept when it still matches, else a new one. */
  private lane(kept: Lane | undefined, collection: string, saved: number, empty: boolean): Lane {
    if (kept && kept.collection === collection && kept.saved === saved) return kept;
    const capacity = this.options.cacheCapacity ?? 20_000;
    const cache = new DocumentCache(empty, capacity, this.db.bsonOptions.ignoreUndefined);
    return { collection, checkpoint: saved, saved, savedAt: Date.now(), cache };
  }

  private saveDue(lane: Lane): boolean {
    return lane.checkpoint - lane.saved >= SAVE_EVENTS || Date.now() - lane.savedAt >= SAVE_MS;
  }

  /**
   * The batch after the lane's checkpoint (full: as long as asked for, so more is waiting); when it
   * is full, the next one is read while this one is applied.
   */
  private async nextBatch(
    lane: Lane,
    limit: number,
  ): Promise<{ batch: ReadBatch; full: boolean; early: boolean }> {
    const ahead = lane.ahead?.after === lane.checkpoint ? lane.ahead : undefined;
    lane.ahead = undefined;
    const early = ahead ? await ahead.batch.catch(() => undefined) : undefined;
    const asked = early ? ahead!.limit : limit;
    const batch = early ?? (await this.store.readAll(lane.checkpoint, limit));
    const full = batch.events.length >= asked;
    if (full) {
      const next = this.store.readAll(batch.nextAfter, limit);
      next.catch(() => undefined);
      lane.ahead = { after: batch.nextAfter, limit, batch: next };
    }
    return { batch, full, early: early !== undefined };
  }

  private async startRebuild(
    definition: ProjectionDefinition,
    meta: ProjectionMeta,
  ): Promise<ProjectionMeta> {
    const generation = meta.generation + 1;
    const collection = `rm_${definition.name}_g${generation}`;
    await this.db
      .collection(collection)
      .drop()
      .catch(() => undefined);
    await this.ensureIndexes(definition, collection);
    const rebuild = {
      collection,
      generation,
      checkpoint: 0,
      requestedAt: meta.replayRequestedAt ?? new Date(),
    };
    await this.meta.collection.updateOne(
      { _id: meta._id },
      { $set: { rebuild }, $unset: { replayRequestedAt: '' } },
    );
    return { ...meta, rebuild, replayRequestedAt: undefined };
  }

  private async rebuildSlice(
    definition: ProjectionDefinition,
    meta: ProjectionMeta,
    local: Local,
  ): Promise<ProjectionMeta> {
    const rebuild = meta.rebuild!;
    // A rebuild starts from an empty collection: until its cache overflows, nothing is read back.
    const lane = (local.rebuild = this.lane(
      local.rebuild,
      rebuild.collection,
      rebuild.checkpoint,
      rebuild.checkpoint === 0,
    ));
    const target = this.db.collection(rebuild.collection);
    const { batch } = await this.nextBatch(lane, this.bigBatch);
    await applyBatch(definition, target, batch.events, lane.cache, true);
    const checkpoint = (lane.checkpoint = batch.nextAfter);
    const caughtUp = checkpoint >= meta.checkpoint;
    if (!caughtUp && !this.saveDue(lane)) return meta;
    // What the cache holds is written before the checkpoint that covers it is saved.
    await lane.cache.flush(target);
    Object.assign(lane, { saved: checkpoint, savedAt: Date.now() });
    if (!caughtUp) {
      await this.meta.collection.updateOne({ _id: meta._id }, { $set: { 'rebuild.checkpoint': checkpoint } });
      return { ...meta, rebuild: { ...rebuild, checkpoint } };
    }
    // Caught up with the live read model: the rebuilt one takes over in one document update.
    const retired = [...(meta.retired ?? []), { collection: meta.collection, at: new Date() }];
    await this.meta.collection.updateOne(
      { _id: meta._id },
      {
        $set: {
          collection: rebuild.collection,
          generation: rebuild.generation,
          checkpoint,
          retired,
          updatedAt: new Date(),
        },
        $unset: { rebuild: '' },
      },
    );
    // The rebuilt documents, still in memory, serve the live lane from here on.
    local.live = lane;
    local.rebuild = undefined;
    return {
      ...meta,
      collection: rebuild.collection,
      generation: rebuild.generation,
      checkpoint,
      retired,
      rebuild: undefined,
    };
  }

  private async dropRetired(meta: ProjectionMeta): Promise<void> {
    const due = (meta.retired ?? []).filter((r) => Date.now() - r.at.getTime() > RETIRE_AFTER_MS);
    for (const { collection } of due) {
      await this.db
        .collection(collection)
        .drop()
        .catch(() => undefined);
      await this.meta.collection.updateOne({ _id: meta._id }, { $pull: { retired: { collection } } });
    }
  }

  private async ensureIndexes(definition: ProjectionDefinition, collection: string): Promise<void> {
    for (const key of definition.indexes ?? []) await this.db.collection(collection).createIndex(key);
  }

  private localOf(name: string): Local {
    let local = this.local.get(name);
    if (!local) {
      local = { checkpoint: 0, collection: '', lastRunAt: 0, waiters: [], liveBatch: LIVE_BATCH };
      this.local.set(name, local);
    }
    return local;
  }

  private advanced(name: string, meta: ProjectionMeta): void {
    const local = this.localOf(name);
    Object.assign(local, { checkpoint: meta.checkpoint, collection: meta.collection, lastRunAt: Date.now() });
    const ready = local.waiters.filter((w) => w.position <= meta.checkpoint);
    local.waiters = local.waiters.filter((w) => w.position > meta.checkpoint);
    ready.forEach((w) => w.resolve());
  }

  /** The collection serving a projection once it has applied `position` (or the wait timed out). */
  async activeCollectionAt(name: string, position: number, timeoutMs = 5000): Promise<string> {
    const local = this.localOf(name);
    const runningHere = Date.now() - local.lastRunAt < 1000;
    if (runningHere && local.checkpoint >= position) return local.collection;
    if (runningHere) {
      local.wake?.();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        local.waiters.push({ position, resolve: () => (clearTimeout(timer), resolve()) });
      });
      return local.collection;
    }
    // Another instance runs the projection: follow its checkpoint in the database.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const meta = (await this.meta.get(name)) ?? (await this.meta.ensure(name));
      if (meta.checkpoint >= position || Date.now() > deadline) return meta.collection;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async statuses(): Promise<ProjectionStatus[]> {
    const [metas, head] = await Promise.all([this.meta.all(), this.store.headPosition()]);
    return metas.filter((m) => this.byName.has(m._id)).map((m) => this.statusOf(m, head));
  }

  async requestReplay(name: string): Promise<ProjectionStatus> {
    await this.meta.ensure(name);
    await this.meta.collection.updateOne(
      { _id: name, rebuild: { $exists: false } },
      { $set: { replayRequestedAt: new Date() } },
    );
    this.local.get(name)?.wake?.();
    const [meta, head] = await Promise.all([this.meta.get(name), this.store.headPosition()]);
    return this.statusOf(meta!, head);
  }

  private statusOf(meta: ProjectionMeta, head: number): ProjectionStatus {
    const rebuilding = meta.rebuild !== undefined || meta.replayRequestedAt !== undefined;
    return {
      name: meta._id,
      state: rebuilding ? 'rebuilding' : 'live',
      checkpoint: meta.checkpoint,
      head,
      lag: Math.max(0, head - meta.checkpoint),
      collection: meta.collection,
      ...(meta.rebuild
        ? {
            rebuild: {
              checkpoint: meta.rebuild.checkpoint,
              collection: meta.rebuild.collection,
              requestedAt: meta.rebuild.requestedAt.toISOString(),
            },
          }
        : {}),
      ...(meta.lastError ? { lastError: meta.lastError } : {}),
    };
  }
}
