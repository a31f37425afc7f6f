/** What the application layer needs from configuration; the composition root fills it in. */
export interface HostFactorySettings {
  deploymentId: string;
  /** Pause between two describe cycles of the reconciler. */
  reconcileIntervalMs: number;
  /** A machine still pending after this long is terminated and failed. */
  pendingTimeoutSec: number;
  /** Machines Host Factory stopped listing are reaped after this long (and launched instances it never adopted). */
  unlistedMachineTimeoutSec: number;
  /** Instances tagged with this deployment that the event store does not know are terminated after this long. */
  strayTimeoutSec: number;
  /** Whether strays are terminated (true) or only reported in the log (false). */
  terminateStrays: boolean;
  /** Whether returning a machine already marked for reclaim terminates it (else the cloud takes it). */
  terminateOnReclaim: boolean;
  /** Launch attempts that failed with a retryable error before the request fails. */
  maxLaunchAttempts: number;
}

export const HOST_FACTORY_SETTINGS = Symbol('HostFactorySettings');
