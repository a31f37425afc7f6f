import type { ReadModelDocument } from '../projections/projection';

/** Equality and `$in` / range filters: all the read side needs, without naming a database. */
export type ReadFilter = Record<string, unknown>;

export interface ReadOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
  skip?: number;
}

export interface ReadModelView<D extends ReadModelDocument> {
  find(filter: ReadFilter, options?: ReadOptions): Promise<D[]>;
  findOne(filter: ReadFilter): Promise<D | undefined>;
  count(filter: ReadFilter): Promise<number>;
}

/**
 * `own-writes`: everything this process wrote (read-your-writes: a query right after a command sees
 * the command's effect). `log-head`: everything any instance wrote up to now, for decisions that
 * must see other instances' writes too (the capacity check).
 */
export type ReadConsistency = 'own-writes' | 'log-head';

export interface ReadModels {
  /** The projection's active read model once it has applied what `consistency` asks for. */
  view<D extends ReadModelDocument>(
    projection: string,
    consistency?: ReadConsistency,
  ): Promise<ReadModelView<D>>;
}

export const READ_MODELS = Symbol('ReadModels');

export type ProjectionState = 'live' | 'rebuilding';

export interface ProjectionStatus {
  name: string;
  state: ProjectionState;
  checkpoint: number;
  head: number;
  lag: number;
  collection: string;
  rebuild?: { checkpoint: number; collection: string; requestedAt: string };
  lastError?: string;
  owner?: string;
}

export interface ProjectionAdmin {
  statuses(): Promise<ProjectionStatus[]>;
  /** Asks for a rebuild from position 0 into a new collection; the old one serves until the switch. */
  requestReplay(name: string): Promise<ProjectionStatus>;
  names(): string[];
}

export const PROJECTION_ADMIN = Symbol('ProjectionAdmin');
