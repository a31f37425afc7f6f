import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../../domain/shared/domain-error';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { TemplateView, templatesProjection } from '../../projections/templates.projection';

export class GetTemplateQuery extends Query<TemplateView> {
  constructor(readonly templateId: string) {
    super();
  }
}

@QueryHandler(GetTemplateQuery)
export class GetTemplateHandler implements IQueryHandler<GetTemplateQuery, TemplateView> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ templateId }: GetTemplateQuery): Promise<TemplateView> {
    const view = await this.readModels.view<TemplateView>(templatesProjection.name);
    const found = await view.findOne({ _id: templateId });
    if (!found) throw notFound('template', templateId);
    return found;
  }
}
