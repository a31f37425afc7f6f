import { randomUUID } from 'node:crypto';
import type { DistributedLock } from '../../application/ports/distributed-lock.port';
import { DomainError } from '../../domain/shared/domain-error';
import type { MongoLeaseStore } from './mongo-lease.store';

/** A short lease per lock name: a holder that dies releases it by expiry after `ttlMs`. */
export class MongoDistributedLock implements DistributedLock {
  constructor(
    private readonly leases: MongoLeaseStore,
    private readonly instanceId: string,
    private readonly ttlMs = 10_000,
  ) {}

  async withLock<T>(name: string, task: () => Promise<T>, waitMs = 5_000): Promise<T> {
    const lease = `lock:${name}`;
    const owner = `${this.instanceId}:${randomUUID()}`;
    const deadline = Date.now() + waitMs;
    while (!(await this.leases.acquire(lease, owner, this.ttlMs))) {
      if (Date.now() > deadline)
        throw new DomainError('unavailable', `${name} is busy in another instance; try again`);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
    }
    try {
      return await task();
    } finally {
      await this.leases.release(lease, owner);
    }
  }
}
