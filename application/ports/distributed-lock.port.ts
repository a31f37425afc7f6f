/**
 * Mutual exclusion across every service instance sharing the database, for the few decisions
 * that read before they write across aggregates (the capacity check of requestMachines).
 */
export interface DistributedLock {
  /** Runs `task` while holding `name`; waits up to `waitMs` for it, then fails as unavailable. */
  withLock<T>(name: string, task: () => Promise<T>, waitMs?: number): Promise<T>;
}

export const DISTRIBUTED_LOCK = Symbol('DistributedLock');
