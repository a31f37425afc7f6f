/*
 * Strays: instances with this deployment's tag that no machine stream knows. A replacement a
 * maintain fleet launched for a complete request is given back at once, through its fleet (so the
 * fleet's target comes down); an instance of a request still launching is left alone; an unknown
 * instance is reaped only after the stray timeout.
 */
import { Logger } from '@nestjs/common';
import { ReapStep } from '../../../application/jobs/hostfactory/reap.step';
import type { ReconcileContext } from '../../../application/jobs/hostfactory/reconcile-context';
import type { MachineSightings } from '../../../application/ports/machine-sightings.port';
import { machinesProjection } from '../../../application/projections/machines.projection';
import type { ProjectionDefinition } from '../../../application/projections/projection';
import { requestsProjection } from '../../../application/projections/requests.projection';
import type { HostFactorySettings } from '../../../application/settings';
import type {
  CloudProvider,
  InstanceObservation,
  ReleaseItem,
} from '../../../domain/ports/cloud-provider.port';
import { MemoryCollection } from '../../../integration/memory/memory-collection';

const NOW = Math.floor(Date.now() / 1000);
const FLEET = { kind: 'ec2-fleet' as const, id: 'fleet-0abc', owned: true, fleetType: 'maintain' as const };

function given(
  instances: InstanceObservation[],
  requests: Record<string, unknown>[],
  machines: Record<string, unknown>[] = [],
) {
  const released: ReleaseItem[][] = [];
  const provider = {
    listDeploymentInstances: async () => instances,
    release: async (items: ReleaseItem[]) => {
      released.push(items);
      return { released: items.map((i) => i.machineId), failures: [] };
    },
  } as unknown as CloudProvider;
  const view = (definition: unknown, docs: Record<string, unknown>[]) => {
    const collection = new MemoryCollection(definition as ProjectionDefinition);
    collection.seed(docs as never, 0);
    return collection;
  };
  const requestsView = view(requestsProjection, requests);
  const machinesView = view(machinesProjection, machines);
  const settings = { strayTimeoutSec: 1800, terminateStrays: true } as HostFactorySettings;
  const ctx = {
    provider,
    settings,
    logger: new Logger('test'),
    requests: async () => requestsView,
    machines: async () => machinesView,
  } as unknown as ReconcileContext;
  Logger.overrideLogger(false);
  return { step: new ReapStep(ctx, {} as MachineSightings), released };
}

const instance = (machineId: string, requestId: string | undefined, ageSec: number): InstanceObservation => ({
  machineId,
  requestId,
  state: 'running',
  priceType: 'ondemand',
  launchTime: NOW - ageSec,
});

describe('the stray scan', () => {
  it('gives a maintain fleet replacement of a complete request back through its fleet at once', async () => {
    const { step, released } = given(
      [instance('i-0replacement01', 'req-done', 30), instance('i-0known0000001', 'req-done', 900)],
      [{ _id: 'req-done', kind: 'acquire', state: 'complete', resources: [FLEET] }],
      [{ _id: 'i-0known0000001', requestId: 'req-done', status: 'running' }],
    );
    await step.strays(0);
    expect(released).toEqual([
      [{ machineId: 'i-0replacement01', requestId: 'req-done', resources: [FLEET] }],
    ]);
  });

  it('leaves the instances of a request still being launched or provisioned alone', async () => {
    const { step, released } = given(
      [instance('i-0launching001', 'req-new', 5000), instance('i-0provision001', 'req-prov', 5000)],
      [
        { _id: 'req-new', kind: 'acquire', state: 'accepted', resources: [] },
        { _id: 'req-prov', kind: 'acquire', state: 'provisioning', resources: [FLEET] },
      ],
    );
    await step.strays(0);
    expect(released).toEqual([]);
  });

  it('reaps an instance no request knows only once the stray timeout has passed', async () => {
    const { step, released } = given(
      [instance('i-0young0000001', 'req-gone', 60), instance('i-0old000000001', undefined, 4000)],
      [],
    );
    await step.strays(0);
    expect(released).toEqual([[{ machineId: 'i-0old000000001', requestId: '', resources: [] }]]);
  });
});
