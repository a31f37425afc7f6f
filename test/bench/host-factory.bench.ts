/*
 * Host Factory latencies on the simulated cloud: the service in its own process, 100 requests of
 * 50 machines all complete, then getRequestStatus from 16 concurrent clients (one id per call, and
 * calls of 20 ids), requestMachines acknowledgements, and the wall time of one plug-in script call.
 * Targets: getRequestStatus p99 <= 25 ms; a script call <= 100 ms.
 */
import 'reflect-metadata';
import http from 'node:http';
import { HostFactoryHarness } from '../fixtures/hostfactory/hf-harness';
import { BenchRow, ensureMongo } from './bench-mongo';

const REQUESTS = 100;
const MACHINES = 50;
const CLIENTS = 16;
const CALLS_PER_CLIENT = 150;
const TEMPLATE = 'Bench-Template';

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const summary = (samples: number[]): string => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1])} (${sorted.length} calls)`;
};

async function timed<T>(work: () => Promise<T>, into: number[]): Promise<T> {
  const started = performance.now();
  const result = await work();
  into.push(performance.now() - started);
  return result;
}

/**
 * One Host Factory call over a keep-alive connection. node:http rather than fetch: fetch costs the
 * client about a millisecond of CPU a call, on the same two cores as the service it measures.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(hf: HostFactoryHarness, operation: string, body: unknown): Promise<Record<string, unknown>> {
  const data = JSON.stringify(body);
  const { hostname, port } = new URL(hf.service.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: hostname,
        port,
        path: `/hostfactory/${operation}`,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
          authorization: `Bearer ${hf.hfToken}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          if (response.statusCode !== 200)
            reject(new Error(`${operation}: HTTP ${response.statusCode} ${JSON.stringify(answer)}`));
          else resolve(answer);
        });
      },
    );
    request.on('error', reject);
    request.end(data);
  });
}

export async function benchHostFactory(): Promise<BenchRow[]> {
  const stopMongo = await ensureMongo();
  const hf = await HostFactoryHarness.start(
    { OHF_SIMULATED_LAUNCH_DELAY_MS: '200', OHF_RECONCILE_INTERVAL_MS: '5000' },
    'bench_hf',
  );
  try {
    const put = await hf.admin('PUT', `/v1/templates/${TEMPLATE}`, {
      templateId: TEMPLATE,
      maxNumber: -1,
      attributes: { type: ['String', 'X86_64'], ncpus: ['Numeric', '2'], nram: ['Numeric', '8192'] },
      imageId: 'ami-0123456789abcdef0',
      subnetId: 'subnet-0123456789abcdef0',
      vmType: 'm5.large',
    });
    if (put.status >= 300) throw new Error(`template: HTTP ${put.status} ${JSON.stringify(put.body)}`);

    // Setup: 100 requests of 50, four HF callers at a time, while the reconciler launches them.
    const acks: number[] = [];
    const ids: string[] = [];
    const setupStarted = performance.now();
    for (let i = 0; i < REQUESTS; i += 4)
      ids.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(4, REQUESTS - i) }, () =>
            timed(
              async () =>
                String(
                  (
                    await post(hf, 'requestMachines', {
                      template: { templateId: TEMPLATE, machineCount: MACHINES },
                    })
                  ).requestId,
                ),
              acks,
            ),
          ),
        )),
      );
    const deadline = Date.now() + 180_000;
    for (;;) {
      const { requests } = (await post(hf, 'getRequestStatus', {
        requests: ids.map((requestId) => ({ requestId })),
      })) as { requests: { status: string; machines: unknown[] }[] };
      if (requests.every((r) => r.status === 'complete' && r.machines.length === MACHINES)) break;
      if (Date.now() > deadline) throw new Error('setup: the requests did not complete within 180 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const setupSec = (performance.now() - setupStarted) / 1000;

    const pick = (): string => ids[Math.floor(Math.random() * ids.length)];
    const load = async (idsPerCall: number, calls: number, clients = CLIENTS): Promise<number[]> => {
      const samples: number[] = [];
      await Promise.all(
        Array.from({ length: clients }, async () => {
          for (let i = 0; i < calls; i++)
            await timed(
              () =>
                post(hf, 'getRequestStatus', {
                  requests: Array.from({ length: idsPerCall }, () => ({ requestId: pick() })),
                }),
              samples,
            );
        }),
      );
      return samples;
    };
    // Warm-up: a full round, so the figures are the service's steady state, not its JIT and first GCs.
    await load(1, CALLS_PER_CLIENT);
    const solo = await load(1, 200, 1);
    const single = await load(1, CALLS_PER_CLIENT);
    const twenty = await load(20, Math.ceil(CALLS_PER_CLIENT / 5));

    // Steady state: requestMachines of one machine, one HF caller, nothing else going on.
    const steadyAcks: number[] = [];
    for (let i = 0; i < 30; i++)
      await timed(
        () => post(hf, 'requestMachines', { template: { templateId: TEMPLATE, machineCount: 1 } }),
        steadyAcks,
      );

    const script: number[] = [];
    for (let i = 0; i < 20; i++) {
      const run = await hf.run('getRequestStatus', { requests: [{ requestId: pick() }] });
      if (run.code !== 0) throw new Error(`getRequestStatus.sh exited ${run.code}: ${run.stdout}`);
      script.push(run.ms);
    }

    return [
      { name: 'setup: 100 requests x 50 machines complete', value: `${setupSec.toFixed(1)} s` },
      { name: 'getRequestStatus, 1 id, 1 client', value: summary(solo) },
      { name: `getRequestStatus, 1 id, ${CLIENTS} clients`, value: summary(single) },
      { name: `getRequestStatus, 20 ids, ${CLIENTS} clients`, value: summary(twenty) },
      { name: 'requestMachines ack, 4 callers, during launches', value: summary(acks) },
      { name: 'requestMachines ack, 1 caller, steady', value: summary(steadyAcks) },
      { name: 'getRequestStatus.sh wall time (1 id)', value: summary(script) },
    ];
  } finally {
    await hf.dispose();
    await stopMongo();
  }
}
