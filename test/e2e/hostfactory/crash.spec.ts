/*
 * SIGKILL during provisioning and right after a return: restarted on the same database, the
 * service finishes every request, and the simulated cloud launched exactly what was asked
 * (no double launch after the crash, no machine forgotten).
 */
import { HostFactoryHarness } from '../../fixtures/hostfactory/hf-harness';
import { ONDEMAND, SMALL } from '../../fixtures/hostfactory/templates';
import { eventually, withDb } from '../../support/service-process';

let hf: HostFactoryHarness;

beforeAll(async () => {
  hf = await HostFactoryHarness.start({ OHF_SIMULATED_LAUNCH_DELAY_MS: '5000' }, 'hf_crash');
});
afterAll(async () => {
  await hf?.dispose();
});

/** Instances the simulated cloud holds, per request id. */
async function launchedPerRequest(): Promise<Map<string, number>> {
  const rows = await withDb(hf.service.dbName, (db) =>
    db
      .collection('simulated_cloud_instances')
      .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$requestId', n: { $sum: 1 } } }])
      .toArray(),
  );
  return new Map(rows.map((r) => [r._id, r.n]));
}

describe('a crash while provisioning', () => {
  it('launches exactly what was asked once the service is back, and every request ends', async () => {
    const asked: [string, number][] = [
      [ONDEMAND, 1],
      [ONDEMAND, 2],
      [ONDEMAND, 3],
      [ONDEMAND, 4],
      [ONDEMAND, 5],
      [SMALL, 3],
    ];
    const ids = await Promise.all(asked.map(([templateId, n]) => hf.requestMachines(templateId, n)));
    const count = new Map(ids.map((id, i) => [id, asked[i][1]]));
    const total = asked.reduce((n, [, c]) => n + c, 0);

    // First crash: the requests are accepted and the reconciler is launching them.
    await hf.service.kill9();
    const afterFirst = [...(await launchedPerRequest()).values()].reduce((a, b) => a + b, 0);
    await hf.restart();

    // Second crash: some instances are in the cloud, none is running yet.
    await eventually('some instances launched', async () =>
      (await hf.service.count('simulated_cloud_instances')) > afterFirst ? true : undefined,
    );
    const [first] = await hf.status(ids[0]);
    expect(first.status).toBe('running');
    await hf.service.kill9();
    await hf.restart();

    const final = await hf.untilFinal(ids, undefined, 40_000);
    expect(final.map((r) => r.status)).toEqual(ids.map(() => 'complete'));
    for (const r of final) {
      expect(r.machines).toHaveLength(count.get(r.requestId)!);
      expect(r.machines.every((m) => m.result === 'succeed' && m.name)).toBe(true);
    }
    const machineIds = final.flatMap((r) => r.machines.map((m) => m.machineId));
    expect(new Set(machineIds).size).toBe(total);

    // The cloud launched each request's machines once: the same number, the same instances.
    expect(await launchedPerRequest()).toEqual(count);
    expect(await hf.service.count('simulated_cloud_instances')).toBe(total);
    expect(await hf.service.count('simulated_cloud_instances', { _id: { $in: machineIds } })).toBe(total);
    expect(hf.service.starts).toBe(3);
  });
});

describe('a crash right after requestReturnMachines', () => {
  it('still terminates the machines and completes the return after the restart', async () => {
    const acquire = await hf.requestMachines(ONDEMAND, 3);
    const [done] = await hf.untilFinal([acquire]);
    expect(done.status).toBe('complete');
    const ret = await hf.returnMachines(done.machines.map((m) => ({ name: m.name, machineId: m.machineId })));
    await hf.service.kill9();
    await hf.restart();

    const [final] = await hf.untilFinal([ret.requestId], (r) => {
      if (r.machines.some((m) => m.status !== 'terminated')) expect(r.status).toBe('running');
    });
    expect(final.status).toBe('complete');
    expect(final.machines.map((m) => m.machineId).sort()).toEqual(
      done.machines.map((m) => m.machineId).sort(),
    );
    expect(final.machines.every((m) => m.result === 'succeed' && m.status === 'terminated')).toBe(true);
    expect(
      await hf.service.count('simulated_cloud_instances', {
        requestId: acquire,
        terminatedAt: { $exists: true },
      }),
    ).toBe(3);
  });
});
