import { CoreService, http, startCoreService } from '../../support/core-service';
import { templateBody } from './workload';

type View = { _id: string; spec: { maxNumber: number }; status: string; version: number };

/**
 * A query issued right after a command returns sees the command's effect, every time: with the
 * in-memory replica of the read models (the default) and reading the MongoDB read models directly.
 */
describe.each([
  ['the in-memory read models', {}],
  ['the MongoDB read models', { OHF_MEMORY_READ_MODELS: 'false' }],
])('read-your-writes from %s', (_name, env: Record<string, string>) => {
  let service: CoreService;

  beforeAll(async () => {
    service = await startCoreService(env);
  });
  afterAll(() => service?.close());

  it('shows a PUT to the GET right after it, many times in a row', async () => {
    for (let i = 1; i <= 60; i++) {
      const put = await http<{ version: number }>(`${service.url}/v1/templates/ryw`, {
        method: 'PUT',
        json: templateBody({ maxNumber: i }),
      });
      expect(put.status).toBe(200);
      expect(put.body.version).toBe(i);
      const got = await http<View>(`${service.url}/v1/templates/ryw`);
      expect([got.status, got.body.spec.maxNumber, got.body.version]).toEqual([200, i, i]);
      const list = await http<{ templates: View[] }>(`${service.url}/v1/templates`);
      expect(list.body.templates.find((t) => t._id === 'ryw')?.spec.maxNumber).toBe(i);
    }
  });

  it('shows a retirement and a new definition at once', async () => {
    for (let i = 0; i < 15; i++) {
      const id = `cycle-${i}`;
      expect(
        (await http(`${service.url}/v1/templates/${id}`, { method: 'PUT', json: templateBody() })).status,
      ).toBe(200);
      expect((await http<View>(`${service.url}/v1/templates/${id}`)).body.status).toBe('active');
      expect((await http(`${service.url}/v1/templates/${id}`, { method: 'DELETE' })).status).toBe(200);
      expect((await http<View>(`${service.url}/v1/templates/${id}`)).body.status).toBe('retired');
      const active = await http<{ templates: View[] }>(`${service.url}/v1/templates`);
      expect(active.body.templates.map((t) => t._id)).not.toContain(id);
    }
  });

  it('shows every one of many concurrent writes to the reads that follow each', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const put = await http(`${service.url}/v1/templates/burst-${i}`, {
          method: 'PUT',
          json: templateBody({ maxNumber: 100 + i }),
        });
        const got = await http<View>(`${service.url}/v1/templates/burst-${i}`);
        return [put.status, got.status, got.body.spec.maxNumber];
      }),
    );
    expect(results).toEqual(Array.from({ length: 30 }, (_, i) => [200, 200, 100 + i]));
  });
});
