/**
 * A loop that must run in exactly one service instance at a time (projections, dispatchers,
 * the reconciler). The supervisor holds a lease for it and calls `runOnce` while it does.
 */
export interface BackgroundProcessor {
  readonly name: string;
  /** Does one slice of work; true when there may be more right away. */
  runOnce(signal: AbortSignal): Promise<boolean>;
  /** Pause between slices when there was nothing to do. */
  readonly idleMs: number;
  /** Called when the lease is lost or the service stops. */
  stop?(): Promise<void>;
  /** Lets the owner of the loop be woken when there is work (e.g. a query waiting for this processor). */
  setWaker?(wake: () => void): void;
}

export const BACKGROUND_PROCESSORS = Symbol('BackgroundProcessors');

/** A feature's processors (the reconciler, subscription dispatchers…), gathered by the composition root. */
export interface ProcessorSource {
  processors(): BackgroundProcessor[];
}

/** A list of ProcessorSource, provided by the composition root from each feature. */
export const FEATURE_PROCESSORS = Symbol('FeatureProcessors');
