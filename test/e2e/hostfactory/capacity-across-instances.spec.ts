/*
 * maxNumber holds across service instances sharing one database: requests sent to two instances at
 * once never share the last units. Each instance answers from its own read-model replica, so the
 * capacity check must see the other instance's accepts (a lock across instances, a read up to the log head).
 */
import { startService, TestService } from '../../support/service';

const MAX = 5;
const TEMPLATE = {
  maxNumber: MAX,
  attributes: { type: 'X86_64', ncpus: 1, nram: 1024 },
  vmType: 'm5.large',
  imageId: 'ami-0123456789abcdef0',
  subnetId: 'subnet-0123456789abcdef0',
};
// Slow machines: nothing completes or is returned while the requests race.
const ENV = { OHF_SIMULATED_LAUNCH_DELAY_MS: '60000', OHF_RECONCILE_INTERVAL_MS: '1000' };

let a: TestService;
let b: TestService;

beforeAll(async () => {
  a = await startService({ env: ENV });
  b = await startService({ env: ENV, dbName: a.dbName });
});
afterAll(async () => {
  await b?.stop();
  await a?.destroy();
});

const post = (service: TestService, path: string, body: unknown, method = 'POST') =>
  fetch(`${service.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('refuses units another instance has just taken', async () => {
  expect((await post(a, '/v1/templates/Shared', TEMPLATE, 'PUT')).status).toBe(200);
  // Both instances know the template before the race starts.
  for (let i = 0; i < 100; i++) {
    const answer = (await (await post(b, '/hostfactory/getAvailableTemplates', {})).json()) as {
      templates: unknown[];
    };
    if (answer.templates.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // B takes every unit; A is asked at once, before its replica has tailed B's writes on its own.
  for (let i = 0; i < MAX; i++)
    expect(
      (await post(b, '/hostfactory/requestMachines', { template: { templateId: 'Shared', machineCount: 1 } }))
        .status,
    ).toBe(200);
  const late = await post(a, '/hostfactory/requestMachines', {
    template: { templateId: 'Shared', machineCount: 1 },
  });
  expect(late.status).toBe(400);
  expect(((await late.json()) as { detail: string }).detail).toMatch(/has 0 available/);
});

it('never accepts more than maxNumber units in a burst across both instances', async () => {
  expect((await post(a, '/v1/templates/Burst', { ...TEMPLATE }, 'PUT')).status).toBe(200);
  for (let i = 0; i < 100; i++) {
    const answer = (await (await post(b, '/hostfactory/getAvailableTemplates', {})).json()) as {
      templates: { templateId: string }[];
    };
    if (answer.templates.some((t) => t.templateId === 'Burst')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const attempts = Array.from({ length: 16 }, (_, i) =>
    post(i % 2 ? b : a, '/hostfactory/requestMachines', {
      template: { templateId: 'Burst', machineCount: 1 },
    }),
  );
  const statuses = (await Promise.all(attempts)).map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(MAX);
  expect(statuses.filter((s) => s === 400)).toHaveLength(16 - MAX);
  const available = (await (await post(a, '/hostfactory/getAvailableTemplates', {})).json()) as {
    templates: { templateId: string; availableNumber: number }[];
  };
  expect(available.templates.find((t) => t.templateId === 'Burst')?.availableNumber).toBe(0);
});
