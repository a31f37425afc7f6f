/*
 * requestMachines checks availability with TemplateUsageService.usedUnits (counts per weight);
 * getAvailableTemplates with usage() (reads the machines). Both must give the same units, also
 * when machines carry weights the template no longer has. Read models held in memory: no database.
 */
import type { ReadFilter, ReadModels, ReadModelView } from '../../../application/ports/read-models.port';
import type { MachineView } from '../../../application/projections/machines.projection';
import type { ReadModelDocument } from '../../../application/projections/projection';
import type { RequestView } from '../../../application/projections/requests.projection';
import { TemplateUsageService } from '../../../application/services/template-usage.service';

/** Equality, $in and $nin: what the service's filters use. */
function matches(doc: Record<string, unknown>, filter: ReadFilter): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    const value = doc[key];
    if (condition && typeof condition === 'object' && !Array.isArray(condition)) {
      const c = condition as { $in?: unknown[]; $nin?: unknown[] };
      if (c.$in) return c.$in.includes(value);
      if (c.$nin) return !c.$nin.includes(value);
    }
    return value === condition;
  });
}

class MemoryView<D extends ReadModelDocument> implements ReadModelView<D> {
  constructor(private readonly docs: D[]) {}
  async find(filter: ReadFilter): Promise<D[]> {
    return this.docs.filter((d) => matches(d as unknown as Record<string, unknown>, filter));
  }
  async findOne(filter: ReadFilter): Promise<D | undefined> {
    return (await this.find(filter))[0];
  }
  async count(filter: ReadFilter): Promise<number> {
    return (await this.find(filter)).length;
  }
}

const memory = (machines: MachineView[], requests: RequestView[]): ReadModels => ({
  view: async <D extends ReadModelDocument>(name: string) =>
    new MemoryView((name === 'machines' ? machines : requests) as unknown as D[]),
});

const machine = (id: number, over: Partial<MachineView>): MachineView => ({
  _id: `i-${id}`,
  requestId: 'req-done',
  templateId: 'spot',
  status: 'running',
  cloudState: 'running',
  priceType: 'spot',
  weight: 1,
  launchedAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});
const request = (id: string, over: Partial<RequestView>): RequestView => ({
  _id: id,
  kind: 'acquire',
  state: 'provisioning',
  acceptedAt: '2026-01-01T00:00:00Z',
  templateId: 'spot',
  machineCount: 0,
  failedUnits: 0,
  ...over,
});

describe('template usage', () => {
  const machines = [
    machine(1, { weight: 2 }),
    machine(2, { weight: 1 }),
    machine(3, { weight: 2, status: 'returning' }),
    machine(4, { weight: 2, status: 'terminated', cloudState: 'terminated' }),
    machine(5, { weight: 1, status: 'lost', cloudState: 'terminated' }),
    machine(6, { weight: 2, requestId: 'req-open', status: 'pending', cloudState: 'pending' }),
    machine(7, { weight: 1, requestId: 'req-open', status: 'failed', cloudState: 'terminated' }),
    machine(8, { weight: 1, templateId: 'other' }),
  ];
  const requests = [
    // 9 units asked, 1 refused, 3 seen (one failed): 5 still expected.
    request('req-open', { machineCount: 9, failedUnits: 1 }),
    request('req-accepted', { state: 'accepted', machineCount: 4 }),
    request('req-done', { state: 'complete', machineCount: 7 }),
    request('req-other', { templateId: 'other', machineCount: 3 }),
  ];

  it('counts live machines by weight and the units open requests still expect', async () => {
    const service = new TemplateUsageService(memory(machines, requests));
    // live: 2 + 1 + 2 (returning) + 2 (pending) = 7; expected: 5 + 4 = 9.
    expect(await service.usedUnits('spot', [2, 1])).toBe(16);
    expect((await service.usage(['spot'])).get('spot')?.usedUnits).toBe(16);
    expect(await service.usedUnits('other', [1])).toBe(4);
  });

  it('gives the same answer as usage() when the template weights changed since the launch', async () => {
    const service = new TemplateUsageService(memory(machines, requests));
    // The template now weighs its types 4 and 8: the counts miss every machine, so they are read.
    expect(await service.usedUnits('spot', [4, 8])).toBe((await service.usage()).get('spot')?.usedUnits);
    const mixed = [...machines, machine(9, { weight: 3 })];
    const again = new TemplateUsageService(memory(mixed, requests));
    expect(await again.usedUnits('spot', [1, 2])).toBe(19);
    expect((await again.usage()).get('spot')?.usedUnits).toBe(19);
  });

  it('is zero for a template with nothing out', async () => {
    expect(await new TemplateUsageService(memory([], [])).usedUnits('spot', [1])).toBe(0);
  });
});
