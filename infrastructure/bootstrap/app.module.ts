import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionsController } from '../../api/admin/projections.controller';
import { BearerTokenGuard } from '../../api/auth/bearer-token.guard';
import { HealthController } from '../../api/health/health.controller';
import { HostFactoryController } from '../../api/hostfactory/host-factory.controller';
import { ResourcesController } from '../../api/resources/resources.controller';
import { FEATURE_PROCESSORS, ProcessorSource } from '../../application/jobs/background-processor';
import { DeliveryManager } from '../../application/jobs/delivery/delivery-manager';
import { HostFactoryReconciler } from '../../application/jobs/hostfactory/host-factory.reconciler';
import { ProblemDetailsFilter } from '../../api/problem/problem-details.filter';
import { TemplatesController } from '../../api/templates/templates.controller';
import { DefineTemplateHandler } from '../../application/commands/templates/define-template.command';
import { ImportTemplatesHandler } from '../../application/commands/templates/import-templates.command';
import { RetireTemplateHandler } from '../../application/commands/templates/retire-template.command';
import { GetTemplateHandler } from '../../application/queries/templates/get-template.query';
import { ListTemplatesHandler } from '../../application/queries/templates/list-templates.query';
import type { AppConfig } from '../config/app-config';
import type { JsonLogger } from '../logging/json-logger';
import { coreProviders } from './core.providers';
import { EVENTS_CONTROLLERS, eventsProviders } from './events.providers';
import { hostFactoryProviders } from './host-factory.providers';
import { LifecycleService } from './lifecycle.service';

const handlers = [
  DefineTemplateHandler,
  RetireTemplateHandler,
  ImportTemplatesHandler,
  ListTemplatesHandler,
  GetTemplateHandler,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        HealthController,
        TemplatesController,
        ProjectionsController,
        HostFactoryController,
        ResourcesController,
        ...EVENTS_CONTROLLERS,
      ],
      providers: [
        ...coreProviders(config, logger),
        ...handlers,
        ...hostFactoryProviders(config),
        ...eventsProviders(config),
        {
          provide: FEATURE_PROCESSORS,
          inject: [HostFactoryReconciler, DeliveryManager],
          useFactory: (...sources: ProcessorSource[]) => sources,
        },
        LifecycleService,
        { provide: APP_GUARD, useClass: BearerTokenGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
