import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  acquireResult,
  acquireStatus,
  HfResult,
  returnResult,
  returnStatus,
} from '../../../domain/entities/request/host-factory-status';
import { formatInstanceTags } from '../../../domain/entities/template/template.parser';
import type { HfMachine, HfRequestStatus } from '../../dtos/host-factory.dto';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { MachineView, machinesProjection } from '../../projections/machines.projection';
import { RequestView, requestsProjection } from '../../projections/requests.projection';

/** getRequestStatus: several ids of both kinds in one call; an unknown id is answered, not refused. */
export class GetRequestStatusQuery extends Query<{ requests: HfRequestStatus[] }> {
  constructor(readonly requestIds: string[]) {
    super();
  }
}

function failureMessage(m: MachineView): string {
  if (m.message) return m.message;
  if (m.status === 'lost') return 'terminated outside Host Factory';
  if (m.status === 'reclaimed') return 'reclaimed by the cloud (spot interruption)';
  return `instance is ${m.cloudState}`;
}

function toHf(m: MachineView, result: HfResult, tags: string): HfMachine {
  return {
    machineId: m._id,
    name: m.name ?? '',
    result,
    status: m.cloudState,
    privateIpAddress: m.privateIpAddress ?? '',
    publicIpAddress: m.publicIpAddress ?? '',
    launchtime: Math.trunc(m.launchTime ?? Date.parse(m.launchedAt) / 1000),
    message: result === 'fail' ? failureMessage(m) : '',
    priceType: m.priceType,
    instanceType: m.instanceType ?? '',
    instanceTags: tags,
    cloudHostId: null,
  };
}

@QueryHandler(GetRequestStatusQuery)
export class GetRequestStatusHandler implements IQueryHandler<GetRequestStatusQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ requestIds }: GetRequestStatusQuery): Promise<{ requests: HfRequestStatus[] }> {
    const [requestsView, machinesView] = await Promise.all([
      this.readModels.view<RequestView>(requestsProjection.name),
      this.readModels.view<MachineView>(machinesProjection.name),
    ]);
    // The machines of acquire requests are found by request id, so they are read alongside the
    // requests (ret- and unknown ids simply match none): one round trip fewer on the hot path.
    const acquireLike = requestIds.filter((id) => !id.startsWith('ret-'));
    const [requests, ofAcquire] = await Promise.all([
      requestsView.find({ _id: { $in: requestIds } }),
      acquireLike.length
        ? machinesView.find(
            { requestId: { $in: acquireLike } },
            { sort: { requestId: 1, launchedAt: 1, _id: 1 } },
          )
        : [],
    ]);
    const returnedIds = requests.flatMap((r) =>
      r.kind === 'return' ? (r.machines ?? []).map((m) => m.machineId) : [],
    );
    const ofReturn = returnedIds.length ? await machinesView.find({ _id: { $in: returnedIds } }) : [];
    const byRequest = new Map<string, MachineView[]>();
    for (const m of ofAcquire) byRequest.set(m.requestId, [...(byRequest.get(m.requestId) ?? []), m]);
    const byId = new Map(ofReturn.map((m) => [m._id, m]));
    const known = new Map(requests.map((r) => [r._id, r]));
    return {
      requests: requestIds.map((id) => {
        const request = known.get(id);
        if (!request)
          return {
            requestId: id,
            status: 'complete_with_error',
            message: `request ${id} is not known to this provider`,
            machines: [],
          };
        return request.kind === 'acquire'
          ? this.acquire(request, byRequest.get(id) ?? [])
          : this.return(request, byId);
      }),
    };
  }

  private acquire(request: RequestView, machines: MachineView[]): HfRequestStatus {
    const tags = formatInstanceTags(request.template?.instanceTags ?? {});
    const status = acquireStatus(
      {
        machineCount: request.machineCount ?? 0,
        failedUnits: request.failedUnits ?? 0,
        completedAs: request.completedAs,
      },
      machines,
    );
    const failures = (request.failures ?? []).map((f) => `${f.code}: ${f.message}`);
    const message =
      status === 'complete_with_error' ? [...new Set(failures)].join('; ') || 'some machines failed' : '';
    return {
      requestId: request._id,
      status,
      message,
      machines: machines.map((m) => toHf(m, acquireResult(m), tags)),
    };
  }

  private return(request: RequestView, byId: Map<string, MachineView>): HfRequestStatus {
    const machines = (request.machines ?? []).map((ref): HfMachine => {
      const m = ref.known ? byId.get(ref.machineId) : undefined;
      const result = returnResult(m);
      if (m)
        return {
          ...toHf(m, result, ''),
          name: m.name ?? ref.name,
          message: result === 'fail' ? failureMessage(m) : '',
        };
      return {
        machineId: ref.machineId,
        name: ref.name,
        result: 'fail',
        privateIpAddress: '',
        publicIpAddress: '',
        launchtime: 0,
        message: 'machine not known to this provider',
        priceType: 'ondemand',
        instanceType: '',
        instanceTags: '',
        cloudHostId: null,
      };
    });
    const status = returnStatus(machines.map((m) => m.result));
    return {
      requestId: request._id,
      status,
      message: status === 'complete_with_error' ? 'some machines are not known to this provider' : '',
      machines,
    };
  }
}
