import type { BackgroundProcessor } from '../../application/jobs/background-processor';
import type { JsonLogger } from '../logging/json-logger';
import type { MongoLeaseStore } from './mongo-lease.store';

export interface SupervisorOptions {
  owner: string;
  ttlMs: number;
}

interface Running {
  processor: BackgroundProcessor;
  held: boolean;
  wake: () => void;
  controller: AbortController;
  loop: Promise<void>;
}

/**
 * Keeps each background processor running in exactly one instance: a processor runs only while
 * this instance holds its lease, stops as soon as a renewal fails, and the lease is released on
 * shutdown so another instance takes over at once rather than after the expiry.
 */
export class ProcessorSupervisor {
  private readonly running: Running[] = [];
  private renewTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly leases: MongoLeaseStore,
    private readonly options: SupervisorOptions,
    private readonly logger: JsonLogger,
  ) {}

  start(processors: readonly BackgroundProcessor[]): void {
    for (const processor of processors) {
      const controller = new AbortController();
      const entry = { processor, held: false, controller, wake: () => undefined } as unknown as Running;
      entry.loop = this.loop(entry);
      this.running.push(entry);
    }
    this.renewTimer = setInterval(() => void this.renewAll(), Math.max(50, this.options.ttlMs / 3));
  }

  heldLeases(): string[] {
    return this.running.filter((r) => r.held).map((r) => r.processor.name);
  }

  private async loop(entry: Running): Promise<void> {
    const { processor, controller } = entry;
    let nap: { timer?: NodeJS.Timeout; resolve?: () => void } = {};
    entry.wake = () => {
      clearTimeout(nap.timer);
      nap.resolve?.();
    };
    processor.setWaker?.(() => entry.wake());
    while (!controller.signal.aborted) {
      let more = false;
      try {
        if (!entry.held) {
          entry.held = await this.leases.acquire(processor.name, this.options.owner, this.options.ttlMs);
          if (entry.held) this.logger.log(`lease taken: ${processor.name}`, 'Supervisor');
        }
        if (entry.held) more = await processor.runOnce(controller.signal);
      } catch (error) {
        this.logger.error(
          `processor ${processor.name} failed: ${(error as Error).message}`,
          (error as Error).stack,
          'Supervisor',
        );
      }
      if (more || controller.signal.aborted) continue;
      const wait = entry.held ? processor.idleMs : Math.max(100, this.options.ttlMs / 2);
      await new Promise<void>((resolve) => {
        nap = { resolve, timer: setTimeout(resolve, wait) };
      });
    }
  }

  private async renewAll(): Promise<void> {
    for (const entry of this.running) {
      if (!entry.held || this.stopped) continue;
      const ok = await this.leases
        .renew(entry.processor.name, this.options.owner, this.options.ttlMs)
        .catch(() => false);
      if (!ok) {
        entry.held = false;
        this.logger.warn(`lease lost: ${entry.processor.name}`, 'Supervisor');
        await entry.processor.stop?.();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.renewTimer);
    for (const entry of this.running) {
      entry.controller.abort();
      entry.wake();
    }
    await Promise.all(this.running.map((r) => r.loop));
    for (const entry of this.running) {
      await entry.processor.stop?.();
      if (entry.held)
        await this.leases.release(entry.processor.name, this.options.owner).catch(() => undefined);
      entry.held = false;
    }
  }
}
