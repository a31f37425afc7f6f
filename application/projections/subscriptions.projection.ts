import type { RecordedEvent } from '../../domain/events/domain-event';
import {
  FailedEvent,
  SubscriptionCreated,
  SubscriptionDeleted,
  SubscriptionDisabled,
  SubscriptionPaused,
  SubscriptionResumed,
  SubscriptionUpdated,
} from '../../domain/events/subscription/subscription.events';
import type { SubscriptionStatus } from '../../domain/entities/subscription/subscription.decider';
import type { SubscriptionSpec } from '../../domain/entities/subscription/subscription-spec';
import type { ProjectionDefinition } from './projection';

/** A subscription as the Subscriptions API returns it (delivery progress is added by the query). */
export interface SubscriptionView extends SubscriptionSpec {
  _id: string;
  status: SubscriptionStatus;
  /** Why it is paused or disabled. */
  statusReason?: string;
  failedEvent?: FailedEvent;
  startAfter: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const statusOf = (type: string): SubscriptionStatus =>
  type === SubscriptionPaused.type ? 'paused' : type === SubscriptionDisabled.type ? 'disabled' : 'active';

export const subscriptionsProjection: ProjectionDefinition<SubscriptionView> = {
  name: 'subscriptions',
  eventTypes: [
    SubscriptionCreated.type,
    SubscriptionUpdated.type,
    SubscriptionPaused.type,
    SubscriptionDisabled.type,
    SubscriptionResumed.type,
    SubscriptionDeleted.type,
  ],
  indexes: [{ status: 1 }],
  keysOf: (event: RecordedEvent) => [event.subject],
  evolve(doc, event) {
    const stamp = { updatedAt: event.time, version: event.streamVersion };
    switch (event.type) {
      case SubscriptionCreated.type: {
        const { subscriptionId, spec, startAfter } = event.data as typeof SubscriptionCreated.example;
        return {
          _id: subscriptionId,
          ...spec,
          status: 'active',
          startAfter,
          createdAt: event.time,
          ...stamp,
        };
      }
      case SubscriptionDeleted.type:
        return undefined;
    }
    if (!doc) return doc;
    const base = { ...doc, ...stamp };
    switch (event.type) {
      case SubscriptionUpdated.type: {
        const { spec } = event.data as typeof SubscriptionUpdated.example;
        const { types: _t, filters: _f, ...kept } = base;
        return { ...kept, ...spec };
      }
      case SubscriptionPaused.type:
      case SubscriptionDisabled.type: {
        const { reason, failedEvent } = event.data as typeof SubscriptionPaused.example;
        const { failedEvent: _previous, ...kept } = base;
        return {
          ...kept,
          status: statusOf(event.type),
          statusReason: reason,
          ...(failedEvent ? { failedEvent } : {}),
        };
      }
      case SubscriptionResumed.type: {
        const { statusReason: _r, failedEvent: _e, ...kept } = base;
        return { ...kept, status: 'active' };
      }
      default:
        return doc;
    }
  },
};
