import type { Provider } from '@nestjs/common';
import {
  BACKGROUND_PROCESSORS,
  BackgroundProcessor,
  FEATURE_PROCESSORS,
  ProcessorSource,
} from '../../application/jobs/background-processor';
import { ALL_PROJECTIONS } from '../../application/projections/all-projections';
import { DISTRIBUTED_LOCK } from '../../application/ports/distributed-lock.port';
import { HEALTH_PROBE } from '../../application/ports/health.port';
import { PROJECTION_ADMIN, READ_MODELS } from '../../application/ports/read-models.port';
import { TEMPLATE_SOURCE } from '../../application/ports/template-source.port';
import { AggregateRepository } from '../../application/services/aggregate-repository';
import { buildEventRegistry } from '../../domain/events/event-catalog';
import { EventRegistry } from '../../domain/events/event-registry';
import { EVENT_STORE } from '../../domain/repositories/event-store.port';
import { MongoEventStore } from '../../integration/mongodb/mongo-event-store';
import { MemoryReadModels } from '../../integration/memory/memory-read-models';
import { MongoReadModels } from '../../integration/mongodb/mongo-read-models';
import { ProjectionEngine } from '../../integration/mongodb/projection-engine';
import { TemplateFileSource } from '../../integration/symphony/template-file.source';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MongoConnection } from '../database/mongo-connection';
import { HealthService } from '../health/health.service';
import { MongoDistributedLock } from '../leases/mongo-distributed-lock';
import { MongoLeaseStore } from '../leases/mongo-lease.store';
import { ProcessorSupervisor } from '../leases/processor-supervisor';
import { JsonLogger } from '../logging/json-logger';

/** The event-sourced core every feature stands on: database, event store, projections, leases. */
export const coreProviders = (config: AppConfig, logger: JsonLogger): Provider[] => [
  { provide: APP_CONFIG, useValue: config },
  { provide: JsonLogger, useValue: logger },
  { provide: MongoConnection, useFactory: () => MongoConnection.open(config) },
  { provide: EventRegistry, useFactory: buildEventRegistry },
  {
    provide: EVENT_STORE,
    inject: [MongoConnection, EventRegistry],
    useFactory: async (mongo: MongoConnection, registry: EventRegistry) => {
      const store = new MongoEventStore(
        mongo.db,
        registry,
        `/open-host-factory/${config.deploymentId}`,
        `${config.publicUrl}/v1/events/types`,
      );
      await store.init();
      return store;
    },
  },
  {
    provide: ProjectionEngine,
    inject: [MongoConnection, EVENT_STORE],
    useFactory: async (mongo: MongoConnection, store: MongoEventStore) => {
      const engine = new ProjectionEngine(mongo.db, store, ALL_PROJECTIONS);
      await engine.init();
      return engine;
    },
  },
  { provide: PROJECTION_ADMIN, useExisting: ProjectionEngine },
  {
    provide: READ_MODELS,
    inject: [MongoConnection, EVENT_STORE, ProjectionEngine],
    useFactory: async (mongo: MongoConnection, store: MongoEventStore, engine: ProjectionEngine) => {
      if (!config.memoryReadModels) return new MongoReadModels(mongo.db, store, engine);
      const replica = new MemoryReadModels(mongo.db, store, ALL_PROJECTIONS);
      await replica.init();
      return replica;
    },
  },
  {
    provide: HEALTH_PROBE,
    inject: [MongoConnection, ProjectionEngine],
    useFactory: (mongo: MongoConnection, engine: ProjectionEngine) =>
      new HealthService(mongo.db, engine, config.readinessMaxLag),
  },
  { provide: TEMPLATE_SOURCE, useValue: new TemplateFileSource(config.templatesFile) },
  {
    provide: ProcessorSupervisor,
    inject: [MongoConnection],
    useFactory: (mongo: MongoConnection) =>
      new ProcessorSupervisor(
        new MongoLeaseStore(mongo.db),
        { owner: config.instanceId, ttlMs: config.leaseTtlMs },
        logger,
      ),
  },
  {
    provide: BACKGROUND_PROCESSORS,
    inject: [ProjectionEngine, { token: FEATURE_PROCESSORS, optional: true }],
    useFactory: (engine: ProjectionEngine, features?: ProcessorSource[]): BackgroundProcessor[] => [
      ...engine.processors(),
      ...(features ?? []).flatMap((source) => source.processors()),
    ],
  },
  {
    provide: DISTRIBUTED_LOCK,
    inject: [MongoConnection],
    useFactory: (mongo: MongoConnection) =>
      new MongoDistributedLock(new MongoLeaseStore(mongo.db), config.instanceId),
  },
  AggregateRepository,
];
