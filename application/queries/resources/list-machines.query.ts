import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { MachineView, machinesProjection } from '../../projections/machines.projection';

export interface MachineFilter {
  state?: string;
  templateId?: string;
  requestId?: string;
  limit: number;
}

export class ListMachinesQuery extends Query<{ machines: MachineView[] }> {
  constructor(readonly filter: MachineFilter) {
    super();
  }
}

@QueryHandler(ListMachinesQuery)
export class ListMachinesHandler implements IQueryHandler<ListMachinesQuery> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async execute({ filter }: ListMachinesQuery): Promise<{ machines: MachineView[] }> {
    const view = await this.readModels.view<MachineView>(machinesProjection.name);
    const query = Object.fromEntries(
      Object.entries({
        status: filter.state,
        templateId: filter.templateId,
        requestId: filter.requestId,
      }).filter(([, v]) => v !== undefined),
    );
    return { machines: await view.find(query, { sort: { launchedAt: -1 }, limit: filter.limit }) };
  }
}
