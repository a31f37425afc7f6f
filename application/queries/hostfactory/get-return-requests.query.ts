import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { HfMachineRef, HfReturnRequest } from '../../dtos/host-factory.dto';
import { MACHINE_SIGHTINGS, MachineSightings } from '../../ports/machine-sightings.port';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { MachineView, machinesProjection } from '../../projections/machines.projection';
import { HOST_FACTORY_SETTINGS, HostFactorySettings } from '../../settings';

export interface ReturnRequestsAnswer {
  status: 'complete';
  message: string;
  requests: HfReturnRequest[];
}

/**
 * getReturnRequests: the hosts the cloud is taking back (a spot interruption notice: gracePeriod =
 * seconds left) or has taken (terminated outside Host Factory: gracePeriod 0). Host Factory's list
 * is also a census: machines it stops listing are reaped later by the reconciler.
 */
export class GetReturnRequestsQuery extends Query<ReturnRequestsAnswer> {
  constructor(readonly machines: HfMachineRef[] | undefined) {
    super();
  }
}

@QueryHandler(GetReturnRequestsQuery)
export class GetReturnRequestsHandler implements IQueryHandler<GetReturnRequestsQuery, ReturnRequestsAnswer> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(MACHINE_SIGHTINGS) private readonly sightings: MachineSightings,
    @Inject(HOST_FACTORY_SETTINGS) private readonly settings: HostFactorySettings,
  ) {}

  async execute({ machines }: GetReturnRequestsQuery): Promise<ReturnRequestsAnswer> {
    const view = await this.readModels.view<MachineView>(machinesProjection.name);
    const listed = machines ?? [];
    const ids = listed.map((m) => m.machineId).filter((id): id is string => !!id);
    const names = listed.filter((m) => !m.machineId && m.name).map((m) => m.name!);
    const taken = {
      $or: [{ reclaimDeadline: { $exists: true } }, { status: { $in: ['lost', 'reclaimed'] } }],
    };
    let candidates: MachineView[];
    if (listed.length) {
      const known = await view.find({ $or: [{ _id: { $in: ids } }, { name: { $in: names } }] });
      await this.sightings.record(
        known.map((m) => m._id),
        new Date(),
      );
      candidates = known.filter(
        (m) => m.reclaimDeadline !== undefined || m.status === 'lost' || m.status === 'reclaimed',
      );
    } else {
      // No list: every host taken back recently that Host Factory has not returned yet.
      const since = new Date(Date.now() - this.settings.unlistedMachineTimeoutSec * 1000).toISOString();
      candidates = (await view.find({ ...taken, returnRequestId: { $exists: false } })).filter(
        (m) => !m.terminatedAt || m.terminatedAt >= since,
      );
    }
    const now = Math.floor(Date.now() / 1000);
    return {
      status: 'complete',
      message: 'Instances marked for termination retrieved successfully.',
      requests: candidates
        .filter((m) => m.status !== 'terminated' && m.status !== 'failed')
        .map((m) => ({
          machine: m.name ?? '',
          machineId: m._id,
          gracePeriod:
            m.status === 'running' || m.status === 'pending'
              ? Math.max(0, (m.reclaimDeadline ?? now) - now)
              : 0,
        })),
    };
  }
}
