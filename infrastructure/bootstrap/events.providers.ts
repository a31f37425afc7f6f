import type { Provider } from '@nestjs/common';
import { EventsController } from '../../api/events/events.controller';
import { EventStreamController } from '../../api/events/event-stream.controller';
import { MetricsController } from '../../api/metrics/metrics.controller';
import { SubscriptionsController } from '../../api/subscriptions/subscriptions.controller';
import { CreateSubscriptionHandler } from '../../application/commands/subscriptions/create-subscription.command';
import { DeleteSubscriptionHandler } from '../../application/commands/subscriptions/delete-subscription.command';
import { ResumeSubscriptionHandler } from '../../application/commands/subscriptions/resume-subscription.command';
import { UpdateSubscriptionHandler } from '../../application/commands/subscriptions/update-subscription.command';
import { CONSUMER_SETTINGS, ConsumerSettings } from '../../application/jobs/delivery/consumer-settings';
import { DeliveryManager } from '../../application/jobs/delivery/delivery-manager';
import { DELIVERY_STATES, DeliveryStateStore } from '../../application/jobs/delivery/delivery-state.port';
import { EventLogHead } from '../../application/jobs/delivery/event-log-head';
import { PROCESSOR_RUNNER, ProcessorRunner } from '../../application/jobs/delivery/processor-runner.port';
import { CLOUD_EVENT_ENCODER, EVENT_SINK, EventSink } from '../../application/ports/event-sink.port';
import { METRICS, METRICS_EXPOSITION, MetricsRecorder } from '../../application/ports/metrics.port';
import {
  PROJECTION_ADMIN,
  ProjectionAdmin,
  READ_MODELS,
  ReadModels,
} from '../../application/ports/read-models.port';
import { GetEventSchemaHandler } from '../../application/queries/events/get-event-schema.query';
import { ListEventTypesHandler } from '../../application/queries/events/list-event-types.query';
import { ReadEventsHandler } from '../../application/queries/events/read-events.query';
import { StreamEventsHandler } from '../../application/queries/events/stream-events.query';
import { GetSubscriptionHandler } from '../../application/queries/subscriptions/get-subscription.query';
import { ListSubscriptionsHandler } from '../../application/queries/subscriptions/list-subscriptions.query';
import { AggregateRepository } from '../../application/services/aggregate-repository';
import { EventRegistry } from '../../domain/events/event-registry';
import { publicTypesOf } from '../../domain/entities/subscription/subscription-spec';
import { EVENT_STORE, EventStore } from '../../domain/repositories/event-store.port';
import { toStructuredJson } from '../../integration/cloudevents/cloud-event.mapper';
import { HttpSinkClient } from '../../integration/cloudevents/http-sink.client';
import { MongoDeliveryStateStore } from '../../integration/mongodb/mongo-delivery-state.store';
import type { AppConfig } from '../config/app-config';
import { MongoConnection } from '../database/mongo-connection';
import { MongoLeaseStore } from '../leases/mongo-lease.store';
import { SupervisedProcessorRunner } from '../leases/supervised-processor-runner';
import { JsonLogger } from '../logging/json-logger';
import { SERVICE_METRICS } from '../metrics/metric-catalog';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { deliveryCollector, eventLogCollector, projectionCollector } from '../metrics/scrape-collectors';

export const EVENTS_CONTROLLERS = [
  SubscriptionsController,
  EventsController,
  EventStreamController,
  MetricsController,
];

const EVENTS_HANDLERS = [
  CreateSubscriptionHandler,
  UpdateSubscriptionHandler,
  ResumeSubscriptionHandler,
  DeleteSubscriptionHandler,
  GetSubscriptionHandler,
  ListSubscriptionsHandler,
  ReadEventsHandler,
  StreamEventsHandler,
  ListEventTypesHandler,
  GetEventSchemaHandler,
];

/** The consumer feature's settings: delivery from AppConfig, with the allow-list and the public URL. */
const consumerSettings = (config: AppConfig): ConsumerSettings => ({
  ...config.delivery,
  sinkAllowedHosts: config.sinkAllowedHosts,
  schemaBaseUrl: `${config.publicUrl}/v1/events/types`,
});

/** CloudEvents for consumers: subscriptions and their delivery, the log and live stream, the catalog, metrics. */
export const eventsProviders = (config: AppConfig): Provider[] => {
  const settings = consumerSettings(config);
  return [
    { provide: CONSUMER_SETTINGS, useValue: settings },
    { provide: CLOUD_EVENT_ENCODER, useValue: { structured: toStructuredJson } },
    { provide: EVENT_SINK, useValue: new HttpSinkClient() },
    {
      provide: DELIVERY_STATES,
      inject: [MongoConnection],
      useFactory: (mongo: MongoConnection) => new MongoDeliveryStateStore(mongo.db),
    },
    {
      provide: EventLogHead,
      inject: [EVENT_STORE],
      useFactory: (store: EventStore) => new EventLogHead(store, settings.pollMs),
    },
    {
      provide: MetricsRegistry,
      inject: [EVENT_STORE, PROJECTION_ADMIN, DELIVERY_STATES, READ_MODELS],
      useFactory: (
        store: EventStore,
        admin: ProjectionAdmin,
        states: DeliveryStateStore,
        views: ReadModels,
      ) => {
        const registry = new MetricsRegistry().define(...SERVICE_METRICS);
        return registry
          .addCollector(eventLogCollector(store, registry))
          .addCollector(projectionCollector(admin, registry))
          .addCollector(deliveryCollector(store, states, views, registry));
      },
    },
    { provide: METRICS, useExisting: MetricsRegistry },
    { provide: METRICS_EXPOSITION, useExisting: MetricsRegistry },
    {
      provide: PROCESSOR_RUNNER,
      inject: [MongoConnection, JsonLogger],
      useFactory: (mongo: MongoConnection, logger: JsonLogger) =>
        new SupervisedProcessorRunner(
          new MongoLeaseStore(mongo.db),
          { owner: config.instanceId, ttlMs: config.leaseTtlMs },
          logger,
        ),
    },
    {
      provide: DeliveryManager,
      inject: [
        READ_MODELS,
        PROCESSOR_RUNNER,
        DELIVERY_STATES,
        EVENT_STORE,
        AggregateRepository,
        EVENT_SINK,
        EventLogHead,
        METRICS,
        EventRegistry,
      ],
      useFactory: (
        views: ReadModels,
        runner: ProcessorRunner,
        states: DeliveryStateStore,
        store: EventStore,
        aggregates: AggregateRepository,
        sink: EventSink,
        head: EventLogHead,
        metrics: MetricsRecorder,
        registry: EventRegistry,
      ) =>
        new DeliveryManager(views, runner, states, {
          store,
          aggregates,
          states,
          sink,
          head,
          metrics,
          publicTypes: publicTypesOf(registry.all()),
          settings,
        }),
    },
    ...EVENTS_HANDLERS,
  ];
};
