/*
 * 500 machines through the whole service on moto: the service in its own process with
 * OHF_PROVIDER=aws, 10 requestMachines of 50 (five RunInstances, five EC2 Fleet instant) sent at
 * once, timed from the first request until getRequestStatus says `complete` for all ten with a
 * host name for every machine; then all 500 returned, until the return is `complete`. AWS calls
 * are counted by action at a gate in front of moto (every HTTP call to "AWS", retries included),
 * so the product code carries nothing for the benchmark.
 *
 *   node -r @swc-node/register test/bench/aws-flow.bench.ts
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { AwsService, HfRequest, motoTemplate, sleep } from '../e2e/aws/support/aws-service';
import { BenchRow, ensureMongo } from './bench-mongo';

const REQUESTS = 10;
const MACHINES = 50;
const RECONCILE_INTERVAL_MS = 1000;
const TEMPLATES = ['bench-run-instances', 'bench-ec2-fleet'];

/** Polls getRequestStatus (all ids in one call, as HF does) until none is `running`. */
async function untilDone(aws: AwsService, ids: string[], timeoutMs: number): Promise<HfRequest[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const requests = await aws.status(ids);
    if (requests.every((r) => r.status !== 'running')) return requests;
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms\n${aws.service.tail()}`);
    await sleep(100);
  }
}

const calls = (aws: AwsService): string =>
  `${aws.gate.total()} (${Object.entries(aws.gate.counts())
    .map(([action, n]) => `${action} ${n}`)
    .join(', ')})`;

export async function benchAwsFlow(): Promise<BenchRow[]> {
  const stopMongo = await ensureMongo();
  const aws = await AwsService.start({
    prefix: 'bench_aws',
    templates: (network) => [
      motoTemplate(network, TEMPLATES[0], { providerApi: 'RunInstances' }),
      motoTemplate(network, TEMPLATES[1], { providerApi: 'EC2Fleet', fleetType: 'instant' }),
    ],
    env: { OHF_RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS), LOG_LEVEL: 'info' },
  });
  try {
    aws.gate.resetCounts();
    const started = performance.now();
    const ids = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) => aws.requestMachines(TEMPLATES[i % 2], MACHINES)),
    );
    const acked = performance.now() - started;
    const acquired = await untilDone(aws, ids, 300_000);
    const acquireMs = performance.now() - started;
    const acquireCalls = calls(aws);
    const machines = acquired.flatMap((r) => r.machines);
    if (acquired.some((r) => r.status !== 'complete') || machines.length !== REQUESTS * MACHINES)
      throw new Error(`acquire ended ${acquired.map((r) => `${r.status}/${r.machines.length}`).join(' ')}`);
    if (machines.some((m) => m.result !== 'succeed' || !m.name || !m.privateIpAddress))
      throw new Error('a machine completed without a host name or an address');

    aws.gate.resetCounts();
    const returnStarted = performance.now();
    const returnId = await aws.returnMachines(
      machines.map((m) => ({ name: m.name, machineId: m.machineId })),
    );
    const [returned] = await untilDone(aws, [returnId], 300_000);
    const returnMs = performance.now() - returnStarted;
    if (returned.status !== 'complete') throw new Error(`return ended ${returned.status}`);
    const returnCalls = calls(aws);

    const label = `moto, ${REQUESTS} x ${MACHINES}, RunInstances + EC2 Fleet instant, reconcile ${RECONCILE_INTERVAL_MS} ms`;
    return [
      {
        name: `aws flow: 500 machines accepted -> complete (${label})`,
        value: `${Math.round(acquireMs)} ms`,
      },
      { name: 'aws flow: 10 requestMachines answered (sent at once)', value: `${Math.round(acked)} ms` },
      { name: 'aws flow: AWS calls, accepted -> complete', value: acquireCalls },
      { name: 'aws flow: 500 machines returned -> complete', value: `${Math.round(returnMs)} ms` },
      { name: 'aws flow: AWS calls, return -> complete', value: returnCalls },
    ];
  } finally {
    await aws.dispose();
    await stopMongo();
  }
}
