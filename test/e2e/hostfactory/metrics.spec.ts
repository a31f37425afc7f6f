/* Host Factory calls and provider calls show up in the Prometheus scrape, by operation and outcome. */
import { minimalTemplate } from '../../fixtures/hostfactory/templates';
import { call } from '../../support/http-json';
import { startService, TestService } from '../../support/service';

let service: TestService;

beforeAll(async () => {
  service = await startService({
    env: { OHF_SIMULATED_LAUNCH_DELAY_MS: '0', OHF_RECONCILE_INTERVAL_MS: '50' },
  });
});
afterAll(() => service?.destroy());

const post = <T>(path: string, json: unknown, method = 'POST') => call<T>(service, path, { method, json });

/** The value of one series in Prometheus text, or undefined when it is not there. */
function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('counts Host Factory calls by operation and outcome, and provider calls by API', async () => {
  expect((await post('/v1/templates/Metrics-T', minimalTemplate(4), 'PUT')).status).toBe(200);
  const { body: accepted } = await post<{ requestId: string }>('/hostfactory/requestMachines', {
    template: { templateId: 'Metrics-T', machineCount: 2 },
  });
  expect(
    (await post('/hostfactory/requestMachines', { template: { templateId: 'Metrics-T', machineCount: 0 } }))
      .status,
  ).toBe(400);
  for (let i = 0; i < 100; i++) {
    const { body: answer } = await post<{ requests: { status: string }[] }>('/hostfactory/getRequestStatus', {
      requests: [{ requestId: accepted.requestId }],
    });
    if (answer.requests[0].status === 'complete') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const text = await (await fetch(`${service.url}/metrics`)).text();
  expect(series(text, 'ohf_hostfactory_calls_total', { operation: 'requestMachines', outcome: 'ok' })).toBe(
    1,
  );
  expect(series(text, 'ohf_hostfactory_calls_total', { operation: 'requestMachines', outcome: '400' })).toBe(
    1,
  );
  expect(
    series(text, 'ohf_hostfactory_calls_total', { operation: 'getRequestStatus', outcome: 'ok' }),
  ).toBeGreaterThanOrEqual(1);
  expect(series(text, 'ohf_hostfactory_call_duration_seconds_count', { operation: 'requestMachines' })).toBe(
    2,
  );
  expect(
    series(text, 'ohf_provider_calls_total', { provider: 'simulated', api: 'launch', outcome: 'ok' }),
  ).toBe(1);
  expect(
    series(text, 'ohf_provider_calls_total', { provider: 'simulated', api: 'describe', outcome: 'ok' }),
  ).toBeGreaterThanOrEqual(1);
});
