import type { BackgroundProcessor } from '../../application/jobs/background-processor';
import type { ProcessorRunner } from '../../application/jobs/delivery/processor-runner.port';
import type { JsonLogger } from '../logging/json-logger';
import type { MongoLeaseStore } from './mongo-lease.store';
import { ProcessorSupervisor, SupervisorOptions } from './processor-supervisor';

/**
 * Dispatchers come and go with subscriptions; each runs under its own supervisor, the same lease
 * machinery as every other processor, so it can be started and stopped on its own.
 */
export class SupervisedProcessorRunner implements ProcessorRunner {
  private readonly running = new Map<string, ProcessorSupervisor>();

  constructor(
    private readonly leases: MongoLeaseStore,
    private readonly options: SupervisorOptions,
    private readonly logger: JsonLogger,
  ) {}

  start(processor: BackgroundProcessor): void {
    if (this.running.has(processor.name)) return;
    const supervisor = new ProcessorSupervisor(this.leases, this.options, this.logger);
    supervisor.start([processor]);
    this.running.set(processor.name, supervisor);
  }

  async stop(name: string): Promise<void> {
    const supervisor = this.running.get(name);
    this.running.delete(name);
    await supervisor?.stop();
  }
}
