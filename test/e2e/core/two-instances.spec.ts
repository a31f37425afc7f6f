import { MongoClient } from 'mongodb';
import { ALL_PROJECTIONS } from '../../../application/projections/all-projections';
import type { LeaseDocument } from '../../../infrastructure/leases/mongo-lease.store';
import {
  dropDatabase,
  eventually,
  http,
  ServiceProcess,
  startServiceProcess,
  testMongoUri,
  uniqueDbName,
} from '../../support/core-service';
import { templateBody } from './workload';

jest.setTimeout(120_000);

const TTL_MS = 1000;

/**
 * Two (then three) service processes on one database: every background processor runs in exactly
 * one of them; a killed owner's processors move to the other within a few lease TTLs, and a
 * graceful stop hands them over at once.
 */
describe('several instances on one database', () => {
  const dbName = uniqueDbName('leases');
  const running: ServiceProcess[] = [];
  let client: MongoClient;

  const start = async (id: string): Promise<ServiceProcess> => {
    const p = await startServiceProcess({
      OHF_DB_NAME: dbName,
      OHF_INSTANCE_ID: id,
      OHF_LEASE_TTL_MS: String(TTL_MS),
    });
    running.push(p);
    return p;
  };
  const leases = () =>
    client.db(dbName).collection<LeaseDocument>('leases').find({}).sort({ _id: 1 }).toArray();
  const owners = async () => Object.fromEntries((await leases()).map((l) => [l._id, l.owner]));
  /** Processors a process's log says it took (JSON log lines "lease taken: <name>"). */
  const taken = (p: ServiceProcess): string[] =>
    p
      .logs()
      .map((l) => /^lease taken: (.+)$/.exec(String(l.msg))?.[1])
      .filter((n): n is string => n !== undefined);

  beforeAll(async () => {
    client = await MongoClient.connect(testMongoUri());
  });
  afterAll(async () => {
    for (const p of running)
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    await Promise.all(running.map((p) => p.exited));
    await client.close();
    await dropDatabase(dbName);
  });

  it('runs each processor in one instance, moves it on SIGKILL and hands it over on SIGTERM', async () => {
    const [a, b] = await Promise.all([start('inst-a'), start('inst-b')]);
    const projections = ALL_PROJECTIONS.map((p) => `projection:${p.name}`);

    // Every processor gets exactly one owner among the two, and keeps it while both live.
    let previous = '';
    const first = await eventually(async () => {
      // Settled: every projection has an owner, and no lease appeared or moved for a TTL.
      await new Promise((r) => setTimeout(r, TTL_MS));
      const now = await owners();
      const same = JSON.stringify(now) === previous;
      previous = JSON.stringify(now);
      return same && projections.every((n) => now[n]) ? now : undefined;
    });
    const names = Object.keys(first);
    for (const owner of Object.values(first)) expect(['inst-a', 'inst-b']).toContain(owner);
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, TTL_MS / 2));
      expect(await owners()).toEqual(first);
      for (const lease of await leases()) expect(lease.expiresAt.getTime()).toBeGreaterThan(Date.now() - 50);
    }
    // The logs agree: each processor was taken by one process only.
    const takenByA = taken(a);
    const takenByB = taken(b);
    expect([...takenByA, ...takenByB].sort()).toEqual([...names].sort());
    expect(takenByA.filter((n) => takenByB.includes(n))).toEqual([]);

    // SIGKILL the instance holding the most: the other takes everything within a few TTLs.
    const countOf = (id: string) => Object.values(first).filter((o) => o === id).length;
    const [victim, survivor] = countOf('inst-a') >= countOf('inst-b') ? [a, b] : [b, a];
    victim.proc.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await victim.exited).toBe('SIGKILL');
    await eventually(async () => {
      const now = await owners();
      return names.every((n) => now[n] === survivor.instanceId) ? true : undefined;
    }, 4 * TTL_MS);
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(4 * TTL_MS);
    // The log line follows the lease update; give the pipe a moment to carry it.
    const wanted = JSON.stringify([...names].sort());
    await eventually(
      async () => (JSON.stringify(taken(survivor).sort()) === wanted ? true : undefined),
      2000,
    ).catch(() => undefined);
    expect(taken(survivor).sort()).toEqual([...names].sort());

    // The survivor now runs the projections: its reads see its writes.
    const put = await http(`${survivor.url}/v1/templates/after-kill`, {
      method: 'PUT',
      json: templateBody(),
    });
    expect(put.status).toBe(200);
    const got = await http<{ status: string }>(`${survivor.url}/v1/templates/after-kill`);
    expect([got.status, got.body.status]).toEqual([200, 'active']);

    // A third instance waits; a graceful stop of the owner releases every lease at once.
    const c = await start('inst-c');
    await new Promise((r) => setTimeout(r, TTL_MS));
    expect(Object.values(await owners()).every((o) => o === survivor.instanceId)).toBe(true);
    expect(taken(c)).toEqual([]);
    survivor.proc.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    const left = (await leases()).filter((l) => l.owner === survivor.instanceId);
    expect(left.map((l) => l._id)).toEqual([]);
    await eventually(async () => {
      const now = await owners();
      return names.every((n) => now[n] === 'inst-c') ? true : undefined;
    }, 2 * TTL_MS);
    const read = await http<{ status: string }>(`${c.url}/v1/templates/after-kill`);
    expect([read.status, read.body.status]).toEqual([200, 'active']);
  });
});
