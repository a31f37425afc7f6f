import type { FailedEvent } from '../../../domain/events/subscription/subscription.events';

/**
 * Where a subscription's delivery stands. Kept apart from the event log and from every projection:
 * a replay or rebuild never moves it, so nothing is delivered twice because of one.
 */
export interface DeliveryState {
  subscriptionId: string;
  /** Position of the last event delivered or passed over by the filters. */
  checkpoint: number;
  /** Failed attempts in a row on the event after the checkpoint. */
  attempts: number;
  nextAttemptAt?: Date;
  lastError?: string;
  lastErrorAt?: Date;
  failedEvent?: FailedEvent;
  delivered: number;
  lastDeliveredAt?: Date;
  /** The dispatcher saw the subscription paused or disabled; seeing it active again means resumed. */
  stopped?: boolean;
  updatedAt: Date;
}

export interface DeliveryStateStore {
  /** The stored state, or a new one at `checkpoint` when there is none yet. */
  open(subscriptionId: string, checkpoint: number): Promise<DeliveryState>;
  get(subscriptionId: string): Promise<DeliveryState | undefined>;
  /** Writes the state; the checkpoint never moves back, whatever a late writer sends. */
  save(state: DeliveryState): Promise<void>;
  all(): Promise<DeliveryState[]>;
  /** Drops the states of subscriptions that no longer exist. */
  removeExcept(subscriptionIds: readonly string[]): Promise<number>;
}

export const DELIVERY_STATES = Symbol('DeliveryStateStore');
