import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../../domain/shared/domain-error';
import type { HfRequestStatus } from '../../dtos/host-factory.dto';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { RequestView, requestsProjection } from '../../projections/requests.projection';
import { GetRequestStatusQuery } from '../hostfactory/get-request-status.query';

export class GetRequestQuery extends Query<{ request: RequestView; hostFactory: HfRequestStatus }> {
  constructor(readonly requestId: string) {
    super();
  }
}

/** One request for people and tools: the stored request and what Host Factory is told about it. */
@QueryHandler(GetRequestQuery)
export class GetRequestHandler implements IQueryHandler<GetRequestQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly queries: QueryBus,
  ) {}

  async execute({
    requestId,
  }: GetRequestQuery): Promise<{ request: RequestView; hostFactory: HfRequestStatus }> {
    const view = await this.readModels.view<RequestView>(requestsProjection.name);
    const request = await view.findOne({ _id: requestId });
    if (!request) throw notFound('request', requestId);
    const { requests } = await this.queries.execute(new GetRequestStatusQuery([requestId]));
    return { request, hostFactory: requests[0] };
  }
}
