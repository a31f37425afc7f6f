import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { existsSync } from 'node:fs';
import { ImportTemplatesCommand } from '../../application/commands/templates/import-templates.command';
import { BACKGROUND_PROCESSORS, BackgroundProcessor } from '../../application/jobs/background-processor';
import { READ_MODELS, ReadModels } from '../../application/ports/read-models.port';
import { CLOUD_PROVIDER, CloudProvider } from '../../domain/ports/cloud-provider.port';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MongoConnection } from '../database/mongo-connection';
import { ProcessorSupervisor } from '../leases/processor-supervisor';
import { JsonLogger } from '../logging/json-logger';

/** Starts the background processors once the app is up; stops them and releases leases on shutdown. */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BACKGROUND_PROCESSORS) private readonly processors: BackgroundProcessor[],
    private readonly supervisor: ProcessorSupervisor,
    private readonly mongo: MongoConnection,
    @Inject(CLOUD_PROVIDER) private readonly cloud: CloudProvider & { close?: () => void | Promise<void> },
    @Inject(READ_MODELS) private readonly readModels: ReadModels & { stop?: () => Promise<void> },
    private readonly commands: CommandBus,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.supervisor.start(this.processors);
    const file = this.config.templatesFile;
    if (file && existsSync(file)) {
      try {
        const result = await this.commands.execute(new ImportTemplatesCommand(file));
        this.logger.event('info', 'templates imported', { ...result }, 'Lifecycle');
      } catch (error) {
        // A bad file leaves the catalog in force as it was; the service still serves.
        this.logger.event(
          'error',
          'template file refused',
          { file, error: (error as Error).message },
          'Lifecycle',
        );
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.supervisor.stop();
    await this.readModels.stop?.();
    await this.cloud.close?.();
    await this.mongo.close();
  }
}
