import type { Db } from 'mongodb';
import type { EventStore } from '../../domain/repositories/event-store.port';
import type { BackgroundProcessor } from '../../application/jobs/background-processor';
import type { ProjectionDefinition } from '../../application/projections/projection';
import type { ProjectionAdmin, ProjectionStatus } from '../../application/ports/read-models.port';
import { applyBatch } from './projection-writer';
import { ProjectionMeta, ProjectionMetaStore } from './projection-meta.store';

const LIVE_BATCH = 2000;
const REBUILD_BATCH = 10000;
/** A replaced collection is dropped this long after the switch, so no query is cut off mid-read. */
const RETIRE_AFTER_MS = 30_000;

interface Local {
  checkpoint: number;
  collection: string;
  lastRunAt: number;
  waiters: { position: number; resolve: () => void }[];
  wake?: () => void;
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
    let meta = (await this.meta.get(name)) ?? (await this.meta.ensure(name));
    if (meta.replayRequestedAt && !meta.rebuild) meta = await this.startRebuild(definition, meta);

    const live = await this.store.readAll(meta.checkpoint, LIVE_BATCH);
    if (live.events.length) {
      await applyBatch(definition, this.db.collection(meta.collection), live.events);
      await this.meta.collection.updateOne(
        { _id: name, collection: meta.collection },
        { $max: { checkpoint: live.nextAfter }, $set: { updatedAt: new Date() }, $unset: { lastError: '' } },
      );
      meta = { ...meta, checkpoint: live.nextAfter };
    }
    let more = live.events.length === LIVE_BATCH;
    if (meta.rebuild) {
      meta = await this.rebuildSlice(definition, meta);
      more = more || meta.rebuild !== undefined;
    }
    await this.dropRetired(meta);
    this.advanced(name, meta);
    return more;
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
  ): Promise<ProjectionMeta> {
    const rebuild = meta.rebuild!;
    const batch = await this.store.readAll(rebuild.checkpoint, REBUILD_BATCH);
    await applyBatch(definition, this.db.collection(rebuild.collection), batch.events);
    const checkpoint = batch.nextAfter;
    if (checkpoint < meta.checkpoint) {
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
      local = { checkpoint: 0, collection: '', lastRunAt: 0, waiters: [] };
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
