/*
 * maxNumber holds across service instances sharing one database: requests sent to two instances at
 * once never share the last units. Each instance answers from its own read-model replica, so the
 * capacity check must see the other instance's accepts (a lock across instances, a read up to the log head).
 */
import { minimalTemplate } from '../../fixtures/hostfactory/templates';
import { call } from '../../support/http-json';
import { startService, TestService } from '../../support/service';

const MAX = 5;
const TEMPLATE = minimalTemplate(MAX);
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

const post = <T = Record<string, unknown>>(
  service: TestService,
  path: string,
  json: unknown,
  method = 'POST',
) => call<T>(service, path, { method, json });

/** Waits until an instance's replica has the template defined through the other one. */
async function untilKnown(service: TestService, templateId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { body } = await post<{ templates: { templateId: string }[] }>(
      service,
      '/hostfactory/getAvailableTemplates',
      {},
    );
    if (body.templates.some((t) => t.templateId === templateId)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('refuses units another instance has just taken', async () => {
  expect((await post(a, '/v1/templates/Shared', TEMPLATE, 'PUT')).status).toBe(200);
  // Both instances know the template before the race starts.
  await untilKnown(b, 'Shared');
  // B takes every unit; A is asked at once, before its replica has tailed B's writes on its own.
  for (let i = 0; i < MAX; i++)
    expect(
      (await post(b, '/hostfactory/requestMachines', { template: { templateId: 'Shared', machineCount: 1 } }))
        .status,
    ).toBe(200);
  const late = await post<{ detail: string }>(a, '/hostfactory/requestMachines', {
    template: { templateId: 'Shared', machineCount: 1 },
  });
  expect(late.status).toBe(400);
  expect(late.body.detail).toMatch(/has 0 available/);
});

it('never accepts more than maxNumber units in a burst across both instances', async () => {
  expect((await post(a, '/v1/templates/Burst', { ...TEMPLATE }, 'PUT')).status).toBe(200);
  await untilKnown(b, 'Burst');
  const attempts = Array.from({ length: 16 }, (_, i) =>
    post(i % 2 ? b : a, '/hostfactory/requestMachines', {
      template: { templateId: 'Burst', machineCount: 1 },
    }),
  );
  const statuses = (await Promise.all(attempts)).map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(MAX);
  expect(statuses.filter((s) => s === 400)).toHaveLength(16 - MAX);
  const { body: available } = await post<{ templates: { templateId: string; availableNumber: number }[] }>(
    a,
    '/hostfactory/getAvailableTemplates',
    {},
  );
  expect(available.templates.find((t) => t.templateId === 'Burst')?.availableNumber).toBe(0);
});
