/*
 * What the core end-to-end tests share: template bodies in IBM's format, a mixed workload through
 * the HTTP API, and a reference fold of the event log through a projection definition.
 */
import { writeFileSync } from 'node:fs';
import { BSON, Db } from 'mongodb';
import type { ProjectionDefinition } from '../../../application/projections/projection';
import type { RecordedEvent } from '../../../domain/events/domain-event';
import type { EventStore } from '../../../domain/repositories/event-store.port';
import { PROJECTIONS_COLLECTION, ProjectionMeta } from '../../../integration/mongodb/projection-meta.store';
import { eventually, http } from '../../support/core-service';

export const templateBody = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  maxNumber: 10,
  attributes: { type: 'X86_64', ncpus: '2', nram: '4096' },
  imageId: 'ami-0123456789abcdef0',
  subnetId: 'subnet-0123456789abcdef0',
  vmType: 'm5.large',
  instanceTags: 'team=hpc',
  ...over,
});

async function ok(answer: Promise<{ status: number; body: unknown }>, what: string): Promise<unknown> {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Templates defined, updated, left unchanged, retired and defined again through PUT/DELETE and
 * file re-imports, then a Host Factory request and a return, so every kind of read model has data.
 */
export async function mixedWorkload(url: string, templatesFile: string): Promise<void> {
  const put = (id: string, body: Record<string, unknown>) =>
    ok(http(`${url}/v1/templates/${id}`, { method: 'PUT', json: body }), `PUT ${id}`);
  const importFile = (templates: Record<string, unknown>[]) => {
    writeFileSync(templatesFile, JSON.stringify({ templates }));
    return ok(http(`${url}/v1/templates/import`, { method: 'POST' }), 'import');
  };
  const fileA = { templateId: 'file-a', ...templateBody() };
  const fileB = { templateId: 'file-b', ...templateBody({ maxNumber: 4 }) };
  await importFile([fileA, fileB, { templateId: 'file-c', ...templateBody() }]);
  for (let i = 0; i < 6; i++) await put(`api-${i}`, templateBody({ maxNumber: i + 1 }));
  await put('api-1', templateBody({ maxNumber: 7, instanceTags: 'team=hpc;env=prod' }));
  await put('api-2', templateBody({ maxNumber: 3 }));
  await ok(http(`${url}/v1/templates/api-3`, { method: 'DELETE' }), 'DELETE api-3');
  await put('api-3', templateBody({ vmType: 'c5.large' }));
  // The file in force again, changed: file-b updated, file-c and the API's templates retired.
  await importFile([fileA, { ...fileB, maxNumber: 8 }, { templateId: 'file-d', ...templateBody() }]);
  await importFile([fileA, { ...fileB, maxNumber: 8 }, { templateId: 'file-d', ...templateBody() }]);
  await put('api-4', templateBody({ priceType: 'spot', fleetRole: 'aws-ec2-spot-fleet-tagging-role' }));

  const hf = (call: string, body: unknown) =>
    ok(http(`${url}/hostfactory/${call}`, { method: 'POST', json: body }), call) as Promise<
      Record<string, unknown>
    >;
  const { requestId } = await hf('requestMachines', { template: { templateId: 'file-a', machineCount: 2 } });
  const machines = await eventually(async () => {
    const status = await hf('getRequestStatus', { requests: [{ requestId }] });
    const [request] = status.requests as {
      status: string;
      machines: { machineId: string; name: string }[];
    }[];
    return request.status === 'complete' && request.machines.length === 2 ? request.machines : undefined;
  });
  await hf('requestReturnMachines', {
    machines: [{ name: machines[0].name, machineId: machines[0].machineId }],
  });
}

export async function projectionMetas(db: Db): Promise<Map<string, ProjectionMeta>> {
  const metas = await db.collection<ProjectionMeta>(PROJECTIONS_COLLECTION).find({}).toArray();
  return new Map(metas.map((m) => [m._id, m]));
}

export async function documentsOf(db: Db, collection: string): Promise<BSON.Document[]> {
  return db.collection(collection).find({}).sort({ _id: 1 }).toArray();
}

/** Waits until nothing is being written and every projection is live at the head. */
export async function quiescent(db: Db, store: EventStore, names: string[], stableMs = 600): Promise<number> {
  let last = -1;
  let since = Date.now();
  return eventually(
    async () => {
      const head = await store.headPosition();
      const metas = await projectionMetas(db);
      const settled = names.every((n) => {
        const m = metas.get(n);
        return m && !m.rebuild && !m.replayRequestedAt && m.checkpoint === head;
      });
      if (head !== last || !settled) {
        last = head;
        since = Date.now();
        return undefined;
      }
      return Date.now() - since >= stableMs ? head : undefined;
    },
    60_000,
    50,
  );
}

/**
 * The read model a projection should hold after the log up to `upTo`, folded one event at a time
 * with no batching, checkpoint or collection switch: the reference a rebuild must equal.
 */
export async function referenceFold(
  store: EventStore,
  projection: ProjectionDefinition,
  upTo: number,
): Promise<BSON.Document[]> {
  const docs = new Map<string, BSON.Document>();
  const wanted = new Set(projection.eventTypes);
  let after = 0;
  while (after < upTo) {
    const batch = await store.readAll(after, Math.min(5000, upTo - after));
    if (batch.events.length === 0) break;
    for (const event of batch.events as RecordedEvent[]) {
      if (!wanted.has(event.type)) continue;
      for (const key of projection.keysOf(event)) {
        const current = docs.get(key);
        const { _pos: _ignored, ...plain } = current ?? {};
        const next = projection.evolve(current ? (plain as { _id: string }) : undefined, event, key);
        if (next) docs.set(key, { ...next, _id: key, _pos: event.position });
        else docs.delete(key);
      }
    }
    after = batch.nextAfter;
  }
  // As the driver stores it (undefined → null, key order as written), sorted by _id.
  return [...docs.keys()]
    .sort()
    .map((key) => BSON.deserialize(BSON.serialize(docs.get(key)!, { ignoreUndefined: false })));
}
