import type { BackgroundProcessor } from '../background-processor';

/**
 * Runs processors that appear and disappear while the service runs (one per subscription), each
 * under a lease of its own name, so one instance at a time runs each and none waits on another.
 */
export interface ProcessorRunner {
  start(processor: BackgroundProcessor): void;
  /** Stops the processor after its current slice and releases its lease. */
  stop(name: string): Promise<void>;
}

export const PROCESSOR_RUNNER = Symbol('ProcessorRunner');
