import type { Collection, Db } from 'mongodb';

/** Where a projection stands: its live collection and checkpoint, and a rebuild beside it. */
export interface ProjectionMeta {
  _id: string;
  collection: string;
  generation: number;
  checkpoint: number;
  replayRequestedAt?: Date;
  rebuild?: { collection: string; generation: number; checkpoint: number; requestedAt: Date };
  /** Collections replaced by a rebuild, dropped once no query can still be reading them. */
  retired?: { collection: string; at: Date }[];
  lastError?: string;
  updatedAt: Date;
}

export const PROJECTIONS_COLLECTION = 'projections';

export class ProjectionMetaStore {
  readonly collection: Collection<ProjectionMeta>;

  constructor(db: Db) {
    this.collection = db.collection<ProjectionMeta>(PROJECTIONS_COLLECTION);
  }

  async ensure(name: string): Promise<ProjectionMeta> {
    const initial: ProjectionMeta = {
      _id: name,
      collection: `rm_${name}_g1`,
      generation: 1,
      checkpoint: 0,
      updatedAt: new Date(),
    };
    await this.collection.updateOne({ _id: name }, { $setOnInsert: initial }, { upsert: true });
    return (await this.get(name)) as ProjectionMeta;
  }

  async get(name: string): Promise<ProjectionMeta | undefined> {
    return (await this.collection.findOne({ _id: name })) ?? undefined;
  }

  async all(): Promise<ProjectionMeta[]> {
    return this.collection.find({}).sort({ _id: 1 }).toArray();
  }
}
