import { performance } from 'node:perf_hooks';
import type { InstanceObservation, LaunchOrder, LaunchOutcome } from '../../domain/ports/cloud-provider.port';
import type { TemplateSpec } from '../../domain/entities/template/template-spec';
import { countAwsCalls } from '../../integration/aws/aws-clients';
import { motoNetwork, motoProvider, orderFor, templateFor } from '../integration/aws/moto-fixture';
import { startMoto } from '../support/moto';

const REQUESTS = 10;
const MACHINES_PER_REQUEST = 50;

/**
 * 500 machines through the AWS provider on moto: 10 requests of 50, half through EC2 Fleet
 * instant and half through RunInstances, launched side by side, then described (as the service
 * polls) until every machine runs with a host name. Reports wall time and the AWS calls made,
 * counted by a middleware on the SDK clients (every retry counts).
 */
export async function benchAwsProvision(): Promise<{ name: string; value: string }[]> {
  const moto = await startMoto();
  const provider = motoProvider(moto.endpoint);
  try {
    const network = await motoNetwork(provider);
    const calls = countAwsCalls(provider.clients);
    const templates: TemplateSpec[] = [
      templateFor(network, { templateId: 'bench-fleet', providerApi: 'EC2Fleet', fleetType: 'instant' }),
      templateFor(network, { templateId: 'bench-run', providerApi: 'RunInstances' }),
    ];
    const orders: LaunchOrder[] = Array.from({ length: REQUESTS }, (_, r) =>
      orderFor(`bench-${r}`, templates[r % 2], MACHINES_PER_REQUEST),
    );

    const started = performance.now();
    const outcomes: LaunchOutcome[] = await Promise.all(orders.map((order) => provider.launch(order)));
    const launchedMs = performance.now() - started;
    const launchCalls = calls.total();

    const machineIds = outcomes.flatMap((o) => o.instances.map((i) => i.machineId));
    let running: InstanceObservation[] = [];
    let describes = 0;
    while (running.length < REQUESTS * MACHINES_PER_REQUEST && describes < 20) {
      describes++;
      const seen = await provider.describe({ machineIds, requests: [] });
      running = seen.instances.filter((i) => i.state === 'running' && i.name);
    }
    const totalMs = performance.now() - started;
    if (running.length < REQUESTS * MACHINES_PER_REQUEST) {
      throw new Error(`only ${running.length} of ${REQUESTS * MACHINES_PER_REQUEST} machines came up`);
    }
    const breakdown = Object.entries(calls.byCommand())
      .map(([command, n]) => `${command.replace(/Command$/, '')} ${n}`)
      .join(', ');
    return [
      {
        name: 'aws: 500 machines launched and running (moto, 10 × 50, EC2 Fleet instant + RunInstances)',
        value: `${Math.round(totalMs)} ms`,
      },
      {
        name: 'aws: launch calls for 10 requests',
        value: `${Math.round(launchedMs)} ms, ${launchCalls} AWS calls`,
      },
      {
        name: 'aws: AWS calls in total',
        value: `${calls.total()} (${describes} describe() of 500 machines; ${breakdown})`,
      },
    ];
  } finally {
    provider.close();
    await moto.stop();
  }
}
