import type { DomainEvent } from '../domain-event';
import { defineEvent } from '../event-type';
import type { SubscriptionSpec } from '../../entities/subscription/subscription-spec';

/** The event a delivery stopped on: its id stays the same when it is delivered again. */
export interface FailedEvent {
  id: string;
  type: string;
  position: number;
}

const specSchema = {
  type: 'object',
  required: ['sink', 'protocol', 'protocolsettings'],
  properties: {
    sink: { type: 'string', format: 'uri' },
    protocol: { const: 'HTTP' },
    types: { type: 'array', items: { type: 'string' }, minItems: 1 },
    filters: { type: 'array', items: { type: 'object' } },
    protocolsettings: {
      type: 'object',
      required: ['headers', 'method', 'contentmode'],
      properties: {
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        method: { enum: ['POST', 'PUT'] },
        contentmode: { enum: ['binary', 'structured'] },
      },
    },
  },
};

const failedEventSchema = {
  type: 'object',
  required: ['id', 'type', 'position'],
  properties: { id: { type: 'string' }, type: { type: 'string' }, position: { type: 'integer' } },
};

const exampleSpec: SubscriptionSpec = {
  sink: 'https://consumer.example.com/events',
  protocol: 'HTTP',
  types: ['io.openhostfactory.template.defined.v1'],
  filters: [{ prefix: { subject: 'OnDemand-' } }],
  protocolsettings: { headers: { authorization: 'Bearer …' }, method: 'POST', contentmode: 'binary' },
};

const exampleFailed: FailedEvent = {
  id: '0b7e3c52-8f0e-4a53-9f39-3f4c1e2d5a10',
  type: 'io.openhostfactory.template.defined.v1',
  position: 42,
};

/*
 * Subscription events are not public: they carry sinks and their headers (often credentials), so
 * they are never delivered to subscribers, streamed or listed in the public catalog.
 */
export const SubscriptionCreated = defineEvent<
  'io.openhostfactory.subscription.created.v1',
  { subscriptionId: string; spec: SubscriptionSpec; startAfter: number }
>({
  type: 'io.openhostfactory.subscription.created.v1',
  description: 'A consumer subscribed; delivery starts with the event after position `startAfter`.',
  schema: {
    type: 'object',
    required: ['subscriptionId', 'spec', 'startAfter'],
    properties: {
      subscriptionId: { type: 'string' },
      spec: specSchema,
      startAfter: { type: 'integer', minimum: 0 },
    },
  },
  example: { subscriptionId: 'f1d15fd0-6893-11eb-9439-0242ac130002', spec: exampleSpec, startAfter: 41 },
  public: false,
});

export const SubscriptionUpdated = defineEvent<
  'io.openhostfactory.subscription.updated.v1',
  { subscriptionId: string; spec: SubscriptionSpec; changed: string[] }
>({
  type: 'io.openhostfactory.subscription.updated.v1',
  description: 'A subscription changed (sink, filters, settings); delivery goes on from its checkpoint.',
  schema: {
    type: 'object',
    required: ['subscriptionId', 'spec', 'changed'],
    properties: {
      subscriptionId: { type: 'string' },
      spec: specSchema,
      changed: { type: 'array', items: { type: 'string' } },
    },
  },
  example: {
    subscriptionId: 'f1d15fd0-6893-11eb-9439-0242ac130002',
    spec: { ...exampleSpec, sink: 'https://consumer.example.com/v2/events' },
    changed: ['sink'],
  },
  public: false,
});

export const SubscriptionPaused = defineEvent<
  'io.openhostfactory.subscription.paused.v1',
  { subscriptionId: string; reason: string; failedEvent?: FailedEvent; attempts: number }
>({
  type: 'io.openhostfactory.subscription.paused.v1',
  description: 'Delivery stopped after repeated failures; it resumes, with the same event, when asked to.',
  schema: {
    type: 'object',
    required: ['subscriptionId', 'reason', 'attempts'],
    properties: {
      subscriptionId: { type: 'string' },
      reason: { type: 'string' },
      failedEvent: failedEventSchema,
      attempts: { type: 'integer', minimum: 0 },
    },
  },
  example: {
    subscriptionId: 'f1d15fd0-6893-11eb-9439-0242ac130002',
    reason: 'sink answered 500 Internal Server Error',
    failedEvent: exampleFailed,
    attempts: 10,
  },
  public: false,
});

export const SubscriptionDisabled = defineEvent<
  'io.openhostfactory.subscription.disabled.v1',
  { subscriptionId: string; reason: string; failedEvent?: FailedEvent }
>({
  type: 'io.openhostfactory.subscription.disabled.v1',
  description:
    'The sink said it is gone (HTTP 410): nothing more is sent unless the subscription is resumed.',
  schema: {
    type: 'object',
    required: ['subscriptionId', 'reason'],
    properties: {
      subscriptionId: { type: 'string' },
      reason: { type: 'string' },
      failedEvent: failedEventSchema,
    },
  },
  example: {
    subscriptionId: 'f1d15fd0-6893-11eb-9439-0242ac130002',
    reason: 'sink answered 410 Gone',
    failedEvent: exampleFailed,
  },
  public: false,
});

export const SubscriptionResumed = defineEvent<
  'io.openhostfactory.subscription.resumed.v1',
  { subscriptionId: string }
>({
  type: 'io.openhostfactory.subscription.resumed.v1',
  description: 'Delivery of a paused or disabled subscription starts again from its checkpoint.',
  schema: {
    type: 'object',
    required: ['subscriptionId'],
    properties: { subscriptionId: { type: 'string' } },
  },
  example: { subscriptionId: 'f1d15fd0-6893-11eb-9439-0242ac130002' },
  public: false,
});

export const SubscriptionDeleted = defineEvent<
  'io.openhostfactory.subscription.deleted.v1',
  { subscriptionId: string }
>({
  type: 'io.openhostfactory.subscription.deleted.v1',
  description: 'A subscription was removed; its checkpoint goes with it.',
  schema: {
    type: 'object',
    required: ['subscriptionId'],
    properties: { subscriptionId: { type: 'string' } },
  },
  example: { subscriptionId: 'f1d15fd0-6893-11eb-9439-0242ac130002' },
  public: false,
});

export type SubscriptionEvent =
  | DomainEvent<typeof SubscriptionCreated.type, typeof SubscriptionCreated.example>
  | DomainEvent<typeof SubscriptionUpdated.type, typeof SubscriptionUpdated.example>
  | DomainEvent<typeof SubscriptionPaused.type, typeof SubscriptionPaused.example>
  | DomainEvent<typeof SubscriptionDisabled.type, typeof SubscriptionDisabled.example>
  | DomainEvent<typeof SubscriptionResumed.type, typeof SubscriptionResumed.example>
  | DomainEvent<typeof SubscriptionDeleted.type, typeof SubscriptionDeleted.example>;

export const SUBSCRIPTION_EVENTS = [
  SubscriptionCreated,
  SubscriptionUpdated,
  SubscriptionPaused,
  SubscriptionDisabled,
  SubscriptionResumed,
  SubscriptionDeleted,
];
