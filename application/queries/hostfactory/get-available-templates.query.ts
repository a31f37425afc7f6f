import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { capacityOf } from '../../../domain/entities/template/template-spec';
import { formatInstanceTags } from '../../../domain/entities/template/template.parser';
import type { HfTemplate } from '../../dtos/host-factory.dto';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { TemplateView, templatesProjection } from '../../projections/templates.projection';
import { TemplateUsageService } from '../../services/template-usage.service';

export class GetAvailableTemplatesQuery extends Query<{ message: string; templates: HfTemplate[] }> {}

@QueryHandler(GetAvailableTemplatesQuery)
export class GetAvailableTemplatesHandler implements IQueryHandler<GetAvailableTemplatesQuery> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly usage: TemplateUsageService,
  ) {}

  async execute(): Promise<{ message: string; templates: HfTemplate[] }> {
    const view = await this.readModels.view<TemplateView>(templatesProjection.name);
    const [templates, usage] = await Promise.all([
      view.find({ status: 'active' }, { sort: { _id: 1 } }),
      this.usage.usage(),
    ]);
    return {
      message: 'Get available templates success.',
      templates: templates.map(({ spec }) => {
        const used = usage.get(spec.templateId);
        const cap = capacityOf(spec);
        return {
          templateId: spec.templateId,
          maxNumber: cap,
          availableNumber: Math.max(0, cap - (used?.usedUnits ?? 0)),
          requestedMachines: used?.machineNames ?? [],
          attributes: spec.attributes,
          vmTypes: spec.vmTypes,
          instanceTags: formatInstanceTags(spec.instanceTags),
          pgrpName: spec.pgrpName ?? null,
          onDemandCapacity: spec.onDemandCapacity ?? 0,
          priceType: spec.priceType,
        };
      }),
    };
  }
}
