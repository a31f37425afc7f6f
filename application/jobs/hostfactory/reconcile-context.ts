import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOUD_PROVIDER, CloudProvider } from '../../../domain/ports/cloud-provider.port';
import { READ_MODELS, ReadModels, ReadModelView } from '../../ports/read-models.port';
import { MachineView, machinesProjection } from '../../projections/machines.projection';
import { RequestView, requestsProjection } from '../../projections/requests.projection';
import { AggregateRepository } from '../../services/aggregate-repository';
import { HOST_FACTORY_SETTINGS, HostFactorySettings } from '../../settings';

/** What every reconcile step needs: the cloud, the aggregates, the read models, the settings. */
@Injectable()
export class ReconcileContext {
  readonly logger = new Logger('Reconciler');

  constructor(
    @Inject(CLOUD_PROVIDER) readonly provider: CloudProvider,
    readonly aggregates: AggregateRepository,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(HOST_FACTORY_SETTINGS) readonly settings: HostFactorySettings,
  ) {}

  requests(): Promise<ReadModelView<RequestView>> {
    return this.readModels.view<RequestView>(requestsProjection.name);
  }

  machines(): Promise<ReadModelView<MachineView>> {
    return this.readModels.view<MachineView>(machinesProjection.name);
  }
}

/** Runs tasks with at most `limit` at a time: appends to many streams go out as group commits. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]);
  });
  await Promise.all(workers);
}
