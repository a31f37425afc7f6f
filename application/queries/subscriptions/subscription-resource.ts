import type { FailedEvent } from '../../../domain/events/subscription/subscription.events';
import type { DeliveryState } from '../../jobs/delivery/delivery-state.port';
import type { SubscriptionView } from '../../projections/subscriptions.projection';

/** Where delivery stands, as GET /v1/subscriptions/{id} shows it. */
export interface DeliveryStatus {
  /** Position of the last event delivered (or passed over by the filters). */
  checkpoint: number;
  head: number;
  /** Events in the log after the checkpoint, wanted or not. */
  lag: number;
  /** Failed attempts in a row on the event after the checkpoint. */
  attempts: number;
  delivered: number;
  nextAttemptAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  failedEvent?: FailedEvent;
  lastDeliveredAt?: string;
}

/** The Subscriptions API subscription object, with the realized start and the delivery status. */
export type SubscriptionResource = Omit<SubscriptionView, '_id' | 'startAfter'> & {
  id: string;
  config: { from: number };
  delivery: DeliveryStatus;
};

/**
 * Header values often carry a sink's credentials: answers show that a header is set, never its value.
 * Sent back unchanged in a PUT, the masked value keeps the stored one.
 */
export const MASKED_HEADER_VALUE = '********';

export const maskHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.keys(headers).map((name) => [name, MASKED_HEADER_VALUE]));

export function toResource(
  view: SubscriptionView,
  state: DeliveryState | undefined,
  head: number,
): SubscriptionResource {
  const { _id, startAfter, ...rest } = view;
  const checkpoint = state?.checkpoint ?? startAfter;
  const delivery: DeliveryStatus = {
    checkpoint,
    head,
    lag: Math.max(0, head - checkpoint),
    attempts: state?.attempts ?? 0,
    delivered: state?.delivered ?? 0,
  };
  if (state?.nextAttemptAt) delivery.nextAttemptAt = state.nextAttemptAt.toISOString();
  if (state?.lastError) delivery.lastError = state.lastError;
  if (state?.lastErrorAt) delivery.lastErrorAt = state.lastErrorAt.toISOString();
  if (state?.failedEvent) delivery.failedEvent = state.failedEvent;
  if (state?.lastDeliveredAt) delivery.lastDeliveredAt = state.lastDeliveredAt.toISOString();
  const protocolsettings = { ...rest.protocolsettings, headers: maskHeaders(rest.protocolsettings.headers) };
  return { id: _id, ...rest, protocolsettings, config: { from: startAfter + 1 }, delivery };
}
