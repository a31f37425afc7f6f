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

  async usage(templateIds?: string[]): Promise<Map<string, TemplateUsage>> {
    const [machinesView, requestsView] = await Promise.all([
      this.readModels.view<MachineView>(machinesProjection.name),
      this.readModels.view<RequestView>(requestsProjection.name),
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

  /**
   * Units one template has out, without reading its live machines (thousands at scale): a count
   * per weight the template gives its instance types. A machine launched under weights the
   * template no longer has would be missed, so the counts must add up to all live machines; if
   * they do not, the machines are read after all. Units still expected from open requests count.
   */
  async usedUnits(
    templateId: string,
    weights: readonly number[],
    consistency: ReadConsistency = 'own-writes',
  ): Promise<number> {
    const [machinesView, requestsView] = await Promise.all([
      this.readModels.view<MachineView>(machinesProjection.name, consistency),
      this.readModels.view<RequestView>(requestsProjection.name, consistency),
    ]);
    const live = { templateId, status: { $nin: FINAL_MACHINE_STATUSES } };
    const kinds = [...new Set([1, ...weights])];
    const [total, ...counts] = await Promise.all([
      machinesView.count(live),
      ...kinds.map((weight) => machinesView.count({ ...live, weight })),
    ]);
    const liveUnits =
      counts.reduce((a, b) => a + b, 0) === total
        ? kinds.reduce((sum, weight, i) => sum + weight * counts[i], 0)
        : (await machinesView.find(live)).reduce((sum, m) => sum + m.weight, 0);
    const open = await requestsView.find({
      templateId,
      kind: 'acquire',
      state: { $in: ['accepted', 'provisioning'] },
    });
    if (open.length === 0) return liveUnits;
    const ofOpen = await machinesView.find({ requestId: { $in: open.map((r) => r._id) } });
    const seen = new Map<string, number>();
    for (const m of ofOpen) seen.set(m.requestId, (seen.get(m.requestId) ?? 0) + m.weight);
    return open.reduce(
      (units, r) =>
        units + Math.max(0, (r.machineCount ?? 0) - (r.failedUnits ?? 0) - (seen.get(r._id) ?? 0)),
      liveUnits,
    );
  }
}
