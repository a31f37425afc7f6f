/*
 * Template usage: the units live machines hold plus the units open requests still expect.
 * requestMachines refuses beyond it, getAvailableTemplates shows it: both read usage(). The read
 * models are held in memory (the service's own replica collections): no database.
 */
import type { ReadModels } from '../../../application/ports/read-models.port';
import { machinesProjection, MachineView } from '../../../application/projections/machines.projection';
import type { ProjectionDefinition } from '../../../application/projections/projection';
import { requestsProjection, RequestView } from '../../../application/projections/requests.projection';
import { TemplateUsageService } from '../../../application/services/template-usage.service';
import { MemoryCollection } from '../../../integration/memory/memory-collection';

function collection(definition: unknown, docs: readonly object[]): MemoryCollection {
  const held = new MemoryCollection(definition as ProjectionDefinition);
  held.seed(docs as never, 0);
  return held;
}

const memory = (machines: MachineView[], requests: RequestView[]): ReadModels => {
  const views = {
    machines: collection(machinesProjection, machines),
    requests: collection(requestsProjection, requests),
  };
  return { view: async (name: string) => views[name as keyof typeof views] as never };
};

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
    expect(await service.usedUnits('spot')).toBe(16);
    expect((await service.usage(['spot'])).get('spot')?.usedUnits).toBe(16);
    expect(await service.usedUnits('other')).toBe(4);
  });

  it('counts every live machine by its own weight, whatever weights the template gives its types now', async () => {
    const service = new TemplateUsageService(memory(machines, requests));
    expect(await service.usedUnits('spot')).toBe((await service.usage()).get('spot')?.usedUnits);
    const mixed = [...machines, machine(9, { weight: 3 })];
    const again = new TemplateUsageService(memory(mixed, requests));
    expect(await again.usedUnits('spot')).toBe(19);
    expect((await again.usage()).get('spot')?.usedUnits).toBe(19);
  });

  it('is zero for a template with nothing out', async () => {
    expect(await new TemplateUsageService(memory([], [])).usedUnits('spot')).toBe(0);
  });
});
