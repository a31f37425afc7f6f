import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { TemplateView, templatesProjection } from '../../projections/templates.projection';

export class ListTemplatesQuery extends Query<TemplateView[]> {
  constructor(readonly includeRetired = false) {
    super();
  }
}

@QueryHandler(ListTemplatesQuery)
export class ListTemplatesHandler implements IQueryHandler<ListTemplatesQuery, TemplateView[]> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ includeRetired }: ListTemplatesQuery): Promise<TemplateView[]> {
    const view = await this.readModels.view<TemplateView>(templatesProjection.name);
    return view.find(includeRetired ? {} : { status: 'active' }, { sort: { _id: 1 } });
  }
}
