import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { RequestView, requestsProjection } from '../../projections/requests.projection';

export interface RequestFilter {
  state?: string;
  kind?: 'acquire' | 'return';
  templateId?: string;
  limit: number;
}

export class ListRequestsQuery extends Query<{ requests: RequestView[] }> {
  constructor(readonly filter: RequestFilter) {
    super();
  }
}

@QueryHandler(ListRequestsQuery)
export class ListRequestsHandler implements IQueryHandler<ListRequestsQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ filter }: ListRequestsQuery): Promise<{ requests: RequestView[] }> {
    const view = await this.readModels.view<RequestView>(requestsProjection.name);
    const query = Object.fromEntries(
      Object.entries({ state: filter.state, kind: filter.kind, templateId: filter.templateId }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    return { requests: await view.find(query, { sort: { acceptedAt: -1 }, limit: filter.limit }) };
  }
}
