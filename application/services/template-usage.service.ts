import { Inject, Injectable } from '@nestjs/common';
import { FINAL_MACHINE_STATUSES } from '../../domain/entities/machine/machine.decider';
import { READ_MODELS, ReadConsistency, ReadModels } from '../ports/read-models.port';
import { MachineView, machinesProjection } from '../projections/machines.projection';
import { RequestView, requestsProjection } from '../projections/requests.projection';

export interface TemplateUsage {
  /** Units held by live machines plus units still expected from open requests. */
  usedUnits: number;
  /** Host names of the live machines launched from the template. */
  machineNames: string[];
}

/** What each template has out: the basis of availableNumber and of refusing a request beyond it. */
@Injectable()
export class TemplateUsageService {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  async usage(
    templateIds?: string[],
    consistency: ReadConsistency = 'own-writes',
  ): Promise<Map<string, TemplateUsage>> {
    const [machinesView, requestsView] = await Promise.all([
      this.readModels.view<MachineView>(machinesProjection.name, consistency),
      this.readModels.view<RequestView>(requestsProjection.name, consistency),
    ]);
    const byTemplate = templateIds ? { templateId: { $in: templateIds } } : {};
    const [live, open] = await Promise.all([
      machinesView.find({ ...byTemplate, status: { $nin: FINAL_MACHINE_STATUSES } }),
      requestsView.find({ ...byTemplate, kind: 'acquire', state: { $in: ['accepted', 'provisioning'] } }),
    ]);
    const ofOpen = open.length ? await machinesView.find({ requestId: { $in: open.map((r) => r._id) } }) : [];
    const usage = new Map<string, TemplateUsage>();
    const entry = (id: string) => usage.get(id) ?? usage.set(id, { usedUnits: 0, machineNames: [] }).get(id)!;
    for (const m of live) {
      const e = entry(m.templateId);
      e.usedUnits += m.weight;
      if (m.name) e.machineNames.push(m.name);
    }
    const seen = new Map<string, number>();
    for (const m of ofOpen) seen.set(m.requestId, (seen.get(m.requestId) ?? 0) + m.weight);
    for (const r of open) {
      const expected = (r.machineCount ?? 0) - (r.failedUnits ?? 0) - (seen.get(r._id) ?? 0);
      if (expected > 0) entry(r.templateId!).usedUnits += expected;
    }
    return usage;
  }

  /** The units one template has out, as usage() counts them. */
  async usedUnits(templateId: string, consistency: ReadConsistency = 'own-writes'): Promise<number> {
    return (await this.usage([templateId], consistency)).get(templateId)?.usedUnits ?? 0;
  }
}
