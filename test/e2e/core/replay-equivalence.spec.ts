import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../../../application/projections/all-projections';
import type { ProjectionStatus } from '../../../application/ports/read-models.port';
import { parseTemplate } from '../../../domain/entities/template/template.parser';
import { TemplateDefined, TemplateUpdated } from '../../../domain/events/template/template.events';
import { CoreService, eventually, http, startCoreService } from '../../support/core-service';
import {
  documentsOf,
  mixedWorkload,
  projectionMetas,
  quiescent,
  referenceFold,
  templateBody,
} from './workload';

jest.setTimeout(180_000);

const NAMES = ALL_PROJECTIONS.map((p) => p.name);
/** Events written straight to the log so that a rebuild lasts long enough to read during it. */
const BULK_TEMPLATES = 400;
const UPDATES_EACH = 40;

type TemplateList = { templates: { _id: string; spec: { maxNumber: number }; status: string }[] };

/**
 * Replay equivalence, over every projection the service has: after a mixed workload, rebuilding
 * each read model from position 0 gives the live one back document by document, while reads keep
 * being served from the old collection until the switch.
 */
describe('projection replay', () => {
  let service: CoreService;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ohf-replay-'));
    service = await startCoreService({
      OHF_TEMPLATES_FILE: join(dir, 'awsprov_templates.json'),
      OHF_SIMULATED_LAUNCH_DELAY_MS: '0',
      OHF_RECONCILE_INTERVAL_MS: '50',
      // Queries read the MongoDB read models, so reads during a rebuild go to the collections.
      OHF_MEMORY_READ_MODELS: 'false',
    });
    await mixedWorkload(service.url, join(dir, 'awsprov_templates.json'));
    // Bulk history for the catalog, appended concurrently as other instances would.
    for (let i = 0; i < BULK_TEMPLATES; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const id = `bulk-${i + j}`;
          const spec = parseTemplate({ templateId: id, ...templateBody() });
          await service.store.append({
            streamId: `template-${id}`,
            events: [TemplateDefined.create({ spec, origin: 'api' })],
            expectedVersion: 'no-stream',
          });
          for (let u = 1; u <= UPDATES_EACH; u++)
            await service.store.append({
              streamId: `template-${id}`,
              events: [
                TemplateUpdated.create({
                  spec: { ...spec, maxNumber: u },
                  changed: ['maxNumber'],
                  origin: 'api',
                }),
              ],
              expectedVersion: u,
            });
        }),
      );
    }
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const statuses = async (): Promise<ProjectionStatus[]> =>
    (await http<{ projections: ProjectionStatus[] }>(`${service.url}/v1/admin/projections`)).body.projections;

  it('rebuilds every read model equal to the live one while reads keep working', async () => {
    const head = await quiescent(service.db, service.store, NAMES);
    expect(head).toBeGreaterThan(BULK_TEMPLATES * UPDATES_EACH);
    const before = await projectionMetas(service.db);
    const snapshot = new Map<string, unknown[]>();
    for (const name of NAMES) snapshot.set(name, await documentsOf(service.db, before.get(name)!.collection));
    // The workload reached every kind of read model the test knows of.
    for (const name of ['templates', 'requests', 'machines'].filter((n) => NAMES.includes(n)))
      expect(snapshot.get(name)!.length).toBeGreaterThan(0);
    const catalog = (await http<TemplateList>(`${service.url}/v1/templates?includeRetired=true`)).body;
    expect(catalog.templates.length).toBe(BULK_TEMPLATES + 10);

    const replay = await http<{ projections: ProjectionStatus[] }>(
      `${service.url}/v1/admin/projections/replay`,
      {
        method: 'POST',
      },
    );
    expect(replay.status).toBe(202);
    expect(replay.body.projections.map((p) => p.name).sort()).toEqual([...NAMES].sort());
    expect(replay.body.projections.every((p) => p.state === 'rebuilding')).toBe(true);

    // Reads go on while the rebuild runs, answered from the old collections, unchanged.
    const window = { from: Date.now(), to: 0 };
    const reads: { at: number; done: number }[] = [];
    let replaying = true;
    const reader = (async () => {
      for (let i = 0; replaying; i++) {
        const at = Date.now();
        if (i % 4 === 0) {
          const list = await http<TemplateList>(`${service.url}/v1/templates?includeRetired=true`);
          expect([list.status, list.body]).toEqual([200, catalog]);
        } else {
          const one = await http<{ spec: { maxNumber: number } }>(
            `${service.url}/v1/templates/bulk-${i % 50}`,
          );
          expect([one.status, one.body.spec.maxNumber]).toEqual([200, UPDATES_EACH]);
        }
        reads.push({ at, done: Date.now() });
      }
    })();
    await eventually(
      async () => {
        if (!(await statuses()).some((s) => s.state === 'rebuilding')) return true;
        window.to = Date.now();
        return undefined;
      },
      120_000,
      10,
    );
    replaying = false;
    await reader;
    const during = reads.filter((r) => r.at >= window.from && r.done <= window.to);
    expect(during.length).toBeGreaterThanOrEqual(3);

    const after = await projectionMetas(service.db);
    expect(await service.store.headPosition()).toBe(head);
    for (const name of NAMES) {
      const old = before.get(name)!;
      const now = after.get(name)!;
      expect([name, now.generation, now.checkpoint]).toEqual([name, old.generation + 1, head]);
      expect(now.collection).not.toBe(old.collection);
      const rebuilt = await documentsOf(service.db, now.collection);
      // Document by document: the snapshot, the retired collection (kept 30 s) and a plain fold.
      expect([name, rebuilt]).toEqual([name, snapshot.get(name)]);
      expect(now.retired?.map((r) => r.collection)).toContain(old.collection);
      expect([name, await documentsOf(service.db, old.collection)]).toEqual([name, rebuilt]);
      const definition = ALL_PROJECTIONS.find((p) => p.name === name)!;
      expect([name, await referenceFold(service.store, definition, head)]).toEqual([name, rebuilt]);
    }
  });

  it('ends equal to the log when commands and reads go on during the rebuild', async () => {
    await quiescent(service.db, service.store, NAMES);
    const before = await projectionMetas(service.db);
    expect(
      (await http(`${service.url}/v1/admin/projections/templates/replay`, { method: 'POST' })).status,
    ).toBe(202);
    let writes = 0;
    for (let round = 0; (await statuses()).some((s) => s.state === 'rebuilding') || round < 5; round++) {
      const id = `during-${round % 7}`;
      const put = await http(`${service.url}/v1/templates/${id}`, {
        method: 'PUT',
        json: templateBody({ maxNumber: round + 1 }),
      });
      expect(put.status).toBe(200);
      writes++;
      // Read-your-writes holds through the rebuild: the live model still gets every event.
      const got = await http<{ spec: { maxNumber: number } }>(`${service.url}/v1/templates/${id}`);
      expect([got.status, got.body.spec.maxNumber]).toEqual([200, round + 1]);
    }
    expect(writes).toBeGreaterThanOrEqual(5);
    const head = await quiescent(service.db, service.store, NAMES);
    const after = await projectionMetas(service.db);
    expect(after.get('templates')!.generation).toBe(before.get('templates')!.generation + 1);
    for (const name of NAMES) {
      const definition = ALL_PROJECTIONS.find((p) => p.name === name)!;
      const live = await documentsOf(service.db, after.get(name)!.collection);
      expect([name, live]).toEqual([name, await referenceFold(service.store, definition, head)]);
    }
    await eventually(async () => ((await statuses()).every((s) => s.lag === 0) ? true : undefined));
  });
});
