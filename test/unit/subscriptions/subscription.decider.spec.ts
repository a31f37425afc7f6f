import {
  SubscriptionCommand,
  subscriptionDecider,
} from '../../../domain/entities/subscription/subscription.decider';
import type { SubscriptionSpec } from '../../../domain/entities/subscription/subscription-spec';
import {
  SubscriptionCreated,
  SubscriptionDeleted,
  SubscriptionDisabled,
  SubscriptionEvent,
  SubscriptionPaused,
  SubscriptionResumed,
  SubscriptionUpdated,
} from '../../../domain/events/subscription/subscription.events';
import { fold } from '../../../domain/shared/decider';
import { DomainError } from '../../../domain/shared/domain-error';

/** Given-when-then over the pure decider: no database, no framework. */
const given = (...history: SubscriptionEvent[]) => ({
  when: (command: SubscriptionCommand) => {
    const decide = () => subscriptionDecider.decide(command, fold(subscriptionDecider, history));
    return {
      then: (expected: SubscriptionEvent[]) => expect(decide()).toEqual(expected),
      thenRefused: (kind: DomainError['kind']) => {
        expect(decide).toThrow(DomainError);
        try {
          decide();
        } catch (error) {
          expect((error as DomainError).kind).toBe(kind);
        }
      },
    };
  },
});

const subscriptionId = 'sub-1';
const spec: SubscriptionSpec = {
  sink: 'https://consumer.example.com/events',
  protocol: 'HTTP',
  protocolsettings: { headers: {}, method: 'POST', contentmode: 'binary' },
};
const failedEvent = { id: 'e-1', type: 'io.openhostfactory.template.defined.v1', position: 7 };
const created = SubscriptionCreated.create({ subscriptionId, spec, startAfter: 3 });
const paused = SubscriptionPaused.create({ subscriptionId, reason: 'down', failedEvent, attempts: 5 });
const disabled = SubscriptionDisabled.create({
  subscriptionId,
  reason: 'sink answered 410 Gone',
  failedEvent,
});
const resumed = SubscriptionResumed.create({ subscriptionId });
const deleted = SubscriptionDeleted.create({ subscriptionId });

describe('the subscription decider', () => {
  it('creates a subscription once', () => {
    given().when({ kind: 'create', subscriptionId, spec, startAfter: 3 }).then([created]);
    given(created).when({ kind: 'create', subscriptionId, spec, startAfter: 3 }).thenRefused('conflict');
  });

  it('records what an update changes, and nothing when nothing changes', () => {
    const moved = { ...spec, sink: 'https://elsewhere.example.com/', types: ['io.x.v1'] };
    given(created)
      .when({ kind: 'update', subscriptionId, spec: moved })
      .then([SubscriptionUpdated.create({ subscriptionId, spec: moved, changed: ['sink', 'types'] })]);
    given(created).when({ kind: 'update', subscriptionId, spec }).then([]);
    given().when({ kind: 'update', subscriptionId, spec }).thenRefused('not-found');
    given(created, deleted).when({ kind: 'update', subscriptionId, spec }).thenRefused('not-found');
  });

  it('pauses only an active subscription', () => {
    const pause = { kind: 'pause', subscriptionId, reason: 'down', failedEvent, attempts: 5 } as const;
    given(created).when(pause).then([paused]);
    given(created, paused).when(pause).then([]);
    // A pause decided after the sink said 410 does not turn a disabled subscription into a paused one.
    given(created, disabled).when(pause).then([]);
    given(created, paused, resumed).when(pause).then([paused]);
  });

  it('disables an active or paused subscription, once', () => {
    const disable = {
      kind: 'disable',
      subscriptionId,
      reason: 'sink answered 410 Gone',
      failedEvent,
    } as const;
    given(created).when(disable).then([disabled]);
    given(created, paused).when(disable).then([disabled]);
    given(created, disabled).when(disable).then([]);
  });

  it('resumes a paused or disabled subscription; an active one stays as it is', () => {
    given(created, paused).when({ kind: 'resume', subscriptionId }).then([resumed]);
    given(created, disabled).when({ kind: 'resume', subscriptionId }).then([resumed]);
    given(created).when({ kind: 'resume', subscriptionId }).then([]);
    given().when({ kind: 'resume', subscriptionId }).thenRefused('not-found');
  });

  it('deletes an existing subscription, once', () => {
    given(created, paused).when({ kind: 'delete', subscriptionId }).then([deleted]);
    given(created, deleted).when({ kind: 'delete', subscriptionId }).thenRefused('not-found');
  });

  it('keeps the start, the reason and the failed event in its state', () => {
    expect(fold(subscriptionDecider, [created, paused])).toEqual({
      status: 'paused',
      spec,
      startAfter: 3,
      reason: 'down',
      failedEvent,
    });
    expect(fold(subscriptionDecider, [created, paused, resumed])).toEqual({
      status: 'active',
      spec,
      startAfter: 3,
    });
    expect(fold(subscriptionDecider, [created, deleted])).toEqual({ status: 'deleted' });
  });
});
