import {
  FailedEvent,
  SubscriptionCreated,
  SubscriptionDeleted,
  SubscriptionDisabled,
  SubscriptionEvent,
  SubscriptionPaused,
  SubscriptionResumed,
  SubscriptionUpdated,
} from '../../events/subscription/subscription.events';
import type { Decider } from '../../shared/decider';
import { conflict, notFound } from '../../shared/domain-error';
import type { SubscriptionSpec } from './subscription-spec';
import { changedFields } from '../../shared/changed-fields';

export type SubscriptionStatus = 'active' | 'paused' | 'disabled';

export type SubscriptionState =
  | { status: 'none' }
  | { status: 'deleted' }
  | {
      status: SubscriptionStatus;
      spec: SubscriptionSpec;
      startAfter: number;
      reason?: string;
      failedEvent?: FailedEvent;
    };

export type LiveSubscription = Extract<SubscriptionState, { spec: SubscriptionSpec }>;

export type SubscriptionCommand =
  | { kind: 'create'; subscriptionId: string; spec: SubscriptionSpec; startAfter: number }
  | { kind: 'update'; subscriptionId: string; spec: SubscriptionSpec }
  | { kind: 'pause'; subscriptionId: string; reason: string; failedEvent?: FailedEvent; attempts: number }
  | { kind: 'disable'; subscriptionId: string; reason: string; failedEvent?: FailedEvent }
  | { kind: 'resume'; subscriptionId: string }
  | { kind: 'delete'; subscriptionId: string };

export const isLive = (state: SubscriptionState): state is LiveSubscription => 'spec' in state;

function live(state: SubscriptionState, id: string): LiveSubscription {
  if (!isLive(state)) throw notFound('subscription', id);
  return state;
}

export const subscriptionDecider: Decider<SubscriptionState, SubscriptionCommand, SubscriptionEvent> = {
  category: 'subscription',
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    const { subscriptionId } = command;
    switch (command.kind) {
      case 'create':
        if (state.status !== 'none') throw conflict(`subscription '${subscriptionId}' already exists`);
        return [
          SubscriptionCreated.create({ subscriptionId, spec: command.spec, startAfter: command.startAfter }),
        ];
      case 'update': {
        const changed = changedFields(live(state, subscriptionId).spec, command.spec);
        return changed.length
          ? [SubscriptionUpdated.create({ subscriptionId, spec: command.spec, changed })]
          : [];
      }
      case 'pause': {
        // Only a running delivery pauses: a pause decided late, after a resume or a 410, changes nothing.
        if (live(state, subscriptionId).status !== 'active') return [];
        const { reason, failedEvent, attempts } = command;
        return [
          SubscriptionPaused.create({
            subscriptionId,
            reason,
            attempts,
            ...(failedEvent ? { failedEvent } : {}),
          }),
        ];
      }
      case 'disable': {
        if (live(state, subscriptionId).status === 'disabled') return [];
        const { reason, failedEvent } = command;
        return [
          SubscriptionDisabled.create({ subscriptionId, reason, ...(failedEvent ? { failedEvent } : {}) }),
        ];
      }
      case 'resume':
        return live(state, subscriptionId).status === 'active'
          ? []
          : [SubscriptionResumed.create({ subscriptionId })];
      case 'delete':
        live(state, subscriptionId);
        return [SubscriptionDeleted.create({ subscriptionId })];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case SubscriptionCreated.type:
        return { status: 'active', spec: event.data.spec, startAfter: event.data.startAfter };
      case SubscriptionDeleted.type:
        return { status: 'deleted' };
    }
    if (!isLive(state)) return state;
    switch (event.type) {
      case SubscriptionUpdated.type:
        return { ...state, spec: event.data.spec };
      case SubscriptionPaused.type:
      case SubscriptionDisabled.type:
        return {
          status: event.type === SubscriptionPaused.type ? 'paused' : 'disabled',
          spec: state.spec,
          startAfter: state.startAfter,
          reason: event.data.reason,
          failedEvent: event.data.failedEvent,
        };
      case SubscriptionResumed.type:
        return { status: 'active', spec: state.spec, startAfter: state.startAfter };
    }
  },
};
