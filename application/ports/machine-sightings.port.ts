/**
 * When Host Factory last listed each machine (getReturnRequests carries every host it knows).
 * Operational data, not history: it is not event-sourced.
 */
export interface MachineSightings {
  record(machineIds: readonly string[], at: Date): Promise<void>;
  /** The last census time, and per machine when it was last listed. */
  lastSeen(machineIds: readonly string[]): Promise<{ census?: Date; seen: Map<string, Date> }>;
}

export const MACHINE_SIGHTINGS = Symbol('MachineSightings');
