/*
 * A template retired (DELETE) or removed from awsprov_templates.json never breaks status, return or
 * reclaim queries for the requests made from it: requests keep the template they were made from.
 */
import { minimalTemplate } from '../../fixtures/hostfactory/templates';
import { call as callJson } from '../../support/http-json';
import { startService, TestService } from '../../support/service';

const TEMPLATE = minimalTemplate(4, { instanceTags: 'team=hpc' });

let service: TestService;

beforeAll(async () => {
  service = await startService({
    env: { OHF_SIMULATED_LAUNCH_DELAY_MS: '0', OHF_RECONCILE_INTERVAL_MS: '50' },
  });
});
afterAll(() => service?.destroy());

const call = <T>(path: string, json?: unknown, method = 'POST') =>
  callJson<T>(service, path, { method, json });

type Status = {
  requests: {
    requestId: string;
    status: string;
    machines: { machineId: string; name: string; result: string; instanceTags: string }[];
  }[];
};

async function until(id: string, wanted: string): Promise<Status['requests'][number]> {
  for (let i = 0; i < 200; i++) {
    const { body } = await call<Status>('/hostfactory/getRequestStatus', { requests: [{ requestId: id }] });
    if (body.requests[0].status === wanted) return body.requests[0];
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${id} never reached ${wanted}`);
}

it('answers status, return and reclaim queries for requests of a retired template', async () => {
  expect((await call('/v1/templates/Retiring', TEMPLATE, 'PUT')).status).toBe(200);
  const { body: accepted } = await call<{ requestId: string }>('/hostfactory/requestMachines', {
    template: { templateId: 'Retiring', machineCount: 2 },
  });
  const done = await until(accepted.requestId, 'complete');
  expect(done.machines.every((m) => m.result === 'succeed' && m.instanceTags === 'team=hpc')).toBe(true);

  expect((await call('/v1/templates/Retiring', undefined, 'DELETE')).status).toBe(200);
  const { body: templates } = await call<{ templates: { templateId: string }[] }>(
    '/hostfactory/getAvailableTemplates',
    {},
  );
  expect(templates.templates.map((t) => t.templateId)).not.toContain('Retiring');
  // No new request from it, with a message that says why.
  const refused = await call<{ detail: string; field: string }>('/hostfactory/requestMachines', {
    template: { templateId: 'Retiring', machineCount: 1 },
  });
  expect(refused.status).toBe(400);
  expect(refused.body.detail).toMatch(/retired/);

  // Its requests still answer, its machines can be reclaimed and returned.
  const again = await until(accepted.requestId, 'complete');
  expect(again.machines).toHaveLength(2);
  const [first, second] = again.machines;
  expect((await call('/v1/admin/simulated-cloud/terminate', { machineIds: [first.machineId] })).status).toBe(
    200,
  );
  for (let i = 0; i < 200; i++) {
    const { body } = await call<{ requests: { machineId: string; gracePeriod: number }[] }>(
      '/hostfactory/getReturnRequests',
      {
        machines: again.machines.map((m) => ({ name: m.name, machineId: m.machineId })),
      },
    );
    if (body.requests.some((r) => r.machineId === first.machineId && r.gracePeriod === 0)) break;
    if (i === 199) throw new Error('the terminated machine never showed in getReturnRequests');
    await new Promise((r) => setTimeout(r, 25));
  }
  const { body: returned } = await call<{ requestId: string }>('/hostfactory/requestReturnMachines', {
    machines: [{ name: second.name, machineId: second.machineId }],
  });
  const ret = await until(returned.requestId, 'complete');
  expect(ret.machines.map((m) => [m.machineId, m.result])).toEqual([[second.machineId, 'succeed']]);
});
