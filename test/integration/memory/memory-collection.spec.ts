import type { Document } from 'mongodb';
import type { ProjectionDefinition } from '../../../application/projections/projection';
import { MemoryCollection } from '../../../integration/memory/memory-collection';
import { testDatabase } from '../../support/mongo';

/** Documents shaped like the read models, with the awkward cases: absent fields, arrays, nesting. */
const DOCS: Document[] = [
  {
    _id: 'a',
    status: 'running',
    templateId: 'T1',
    requestId: 'r1',
    weight: 1,
    name: 'h-a',
    launchedAt: '2026-01-01T00:00:03Z',
  },
  {
    _id: 'b',
    status: 'pending',
    templateId: 'T1',
    requestId: 'r1',
    weight: 2,
    launchedAt: '2026-01-01T00:00:01Z',
    message: 'x',
  },
  {
    _id: 'c',
    status: 'lost',
    templateId: 'T2',
    requestId: 'r2',
    weight: 1,
    name: 'h-c',
    reclaimDeadline: 5,
    launchedAt: '2026-01-01T00:00:02Z',
  },
  {
    _id: 'd',
    status: 'terminated',
    templateId: 'T2',
    requestId: 'r2',
    weight: 1,
    returnRequestId: 'ret-1',
    launchedAt: '2026-01-01T00:00:04Z',
  },
  {
    _id: 'r1',
    kind: 'acquire',
    state: 'complete',
    resources: [{ kind: 'ec2-fleet', owned: true }],
    resourcesReleased: false,
    acceptedAt: '2',
  },
  {
    _id: 'r2',
    kind: 'acquire',
    state: 'provisioning',
    resources: [{ kind: 'launch-template', owned: false }],
    acceptedAt: '1',
  },
  {
    _id: 'ret-1',
    kind: 'return',
    state: 'accepted',
    machines: [{ machineId: 'd', known: true }],
    acceptedAt: '3',
  },
];

const FILTERS: Document[] = [
  {},
  { _id: 'a' },
  { _id: { $in: ['a', 'd', 'zz'] } },
  { status: 'running' },
  { status: { $nin: ['terminated', 'failed', 'lost', 'reclaimed'] } },
  { requestId: { $in: ['r1', 'r2'] } },
  { templateId: { $in: ['T1'] }, status: { $nin: ['terminated'] } },
  { $or: [{ _id: { $in: ['a'] } }, { name: { $in: ['h-c'] } }] },
  {
    $or: [{ reclaimDeadline: { $exists: true } }, { status: { $in: ['lost', 'reclaimed'] } }],
    returnRequestId: { $exists: false },
  },
  { $or: [{ status: 'returning' }, { status: { $in: ['pending', 'running'] }, message: { $exists: true } }] },
  {
    kind: 'acquire',
    state: { $in: ['complete', 'complete_with_error'] },
    resourcesReleased: false,
    'resources.owned': true,
  },
  { kind: 'acquire', state: 'provisioning' },
  { 'machines.machineId': 'd' },
  { weight: { $gte: 2 } },
  { launchedAt: { $lt: '2026-01-01T00:00:03Z' } },
  { name: { $exists: false }, kind: { $exists: false } },
];

const definition: ProjectionDefinition = {
  name: 'probe',
  eventTypes: [],
  indexes: [{ requestId: 1 }, { status: 1, templateId: 1 }, { name: 1 }],
  keysOf: () => [],
  evolve: (doc) => doc,
};

describe('MemoryCollection answers the read side filters exactly as MongoDB does', () => {
  let env: Awaited<ReturnType<typeof testDatabase>>;
  const memory = new MemoryCollection(definition);

  beforeAll(async () => {
    env = await testDatabase();
    await env.db.collection('probe').insertMany(DOCS);
    memory.seed(DOCS as never, 0);
  });
  afterAll(() => env.close());

  it.each(FILTERS.map((f) => [JSON.stringify(f), f]))('%s', async (_label, filter) => {
    const fromMongo = await env.db.collection('probe').find(filter).sort({ _id: 1 }).toArray();
    const fromMemory = await memory.find(filter, { sort: { _id: 1 } });
    expect(fromMemory).toEqual(fromMongo);
    expect(await memory.count(filter)).toBe(fromMongo.length);
  });

  it('sorts and limits like MongoDB', async () => {
    const fromMongo = await env.db
      .collection('probe')
      .find({ status: { $exists: true } })
      .sort({ launchedAt: -1 })
      .limit(3)
      .toArray();
    expect(await memory.find({ status: { $exists: true } }, { sort: { launchedAt: -1 }, limit: 3 })).toEqual(
      fromMongo,
    );
  });

  it('hands out documents no caller can change', async () => {
    const [doc] = await memory.find({ _id: 'a' });
    expect(() => {
      (doc as Document).status = 'changed';
    }).toThrow(TypeError);
    expect(Object.isFrozen((await memory.findOne({ _id: 'r1' }))?.['resources' as never])).toBe(true);
    expect((await memory.findOne({ _id: 'a' }))?.['status' as never]).toBe('running');
  });
});
