/*
 * complete_with_error made to happen for real: the cloud terminates an instance before it runs,
 * or instances stay pending past OHF_PENDING_TIMEOUT_SEC. HF may drop a request's machines when it
 * sees complete_with_error, so it must never be reported while a machine is still executing.
 * Also: a machine HF stops listing in getReturnRequests (its census) is reaped.
 */
import { HfRequest, HostFactoryHarness } from '../../fixtures/hostfactory/hf-harness';
import { ONDEMAND } from '../../fixtures/hostfactory/templates';
import { eventually } from '../../support/service-process';

/** Every poll: no final status while a machine executes (the schema checks it too), and the order of statuses. */
function watch(): { seen: HfRequest[]; check: (r: HfRequest) => void } {
  const seen: HfRequest[] = [];
  return {
    seen,
    check: (r) => {
      seen.push(r);
      if (r.machines.some((m) => m.result === 'executing')) expect(r.status).toBe('running');
    },
  };
}

describe('a slow cloud (launch delay 2.5 s) and a short census timeout (2 s)', () => {
  let hf: HostFactoryHarness;
  beforeAll(async () => {
    hf = await HostFactoryHarness.start(
      { OHF_SIMULATED_LAUNCH_DELAY_MS: '2500', OHF_UNLISTED_MACHINE_TIMEOUT_SEC: '2' },
      'hf_partial',
    );
  });
  afterAll(async () => {
    await hf?.dispose();
  });

  it('an instance terminated before it ran: complete_with_error, listing the machines that came up', async () => {
    const requestId = await hf.requestMachines(ONDEMAND, 3);
    const pending = await eventually('three pending machines', async () => {
      const [r] = await hf.status(requestId);
      return r.machines.length === 3 ? r : undefined;
    });
    expect(pending.status).toBe('running');
    expect(pending.machines.every((m) => m.result === 'executing' && m.status === 'pending')).toBe(true);
    const victim = pending.machines[1].machineId;
    const { status } = await hf.admin('POST', '/v1/admin/simulated-cloud/terminate', {
      machineIds: [victim],
    });
    expect(status).toBe(200);

    const { seen, check } = watch();
    const [final] = await hf.untilFinal([requestId], check);
    // The failed machine was known as failed while the others were still coming up, and the
    // request stayed running all that time.
    expect(
      seen.some(
        (r) =>
          r.status === 'running' && r.machines.some((m) => m.machineId === victim && m.result === 'fail'),
      ),
    ).toBe(true);
    expect(final.status).toBe('complete_with_error');
    expect(final.message).not.toBe('');
    expect(final.machines).toHaveLength(3);
    const good = final.machines.filter((m) => m.machineId !== victim);
    expect(
      good.every((m) => m.result === 'succeed' && m.status === 'running' && m.name && m.privateIpAddress),
    ).toBe(true);
    const bad = final.machines.find((m) => m.machineId === victim)!;
    expect(bad).toMatchObject({ result: 'fail', status: 'terminated' });
    expect(bad.message).toMatch(/terminated/);
    // The scripts agree, and the answer stays put.
    expect(await hf.status(requestId)).toEqual([final]);
  });

  it('reaps a machine Host Factory stops listing in getReturnRequests, and keeps the listed one', async () => {
    const requestId = await hf.requestMachines(ONDEMAND, 2);
    const [done] = await hf.untilFinal([requestId]);
    expect(done.status).toBe('complete');
    const [kept, dropped] = done.machines;
    const terminated = (id: string) =>
      hf.service.count('simulated_cloud_instances', { _id: id, terminatedAt: { $exists: true } });
    // HF's census lists only one of them, every few hundred ms, as HF's poll would.
    await eventually(
      'the unlisted machine reaped',
      async () => {
        const listed = await hf.returnRequests({
          machines: [{ name: kept.name, machineId: kept.machineId }],
        });
        expect(listed).toEqual([]);
        return (await terminated(dropped.machineId)) === 1 ? true : undefined;
      },
      15_000,
      300,
    );
    expect(await terminated(kept.machineId)).toBe(0);
    const machines = await hf.machines(`?requestId=${requestId}`);
    expect(machines.find((m) => m._id === kept.machineId)?.status).toBe('running');
    expect(machines.find((m) => m._id === dropped.machineId)?.status).toMatch(/^(releasing|terminated)$/);
  });
});

describe('instances still pending after OHF_PENDING_TIMEOUT_SEC', () => {
  let hf: HostFactoryHarness;
  beforeAll(async () => {
    hf = await HostFactoryHarness.start(
      { OHF_SIMULATED_LAUNCH_DELAY_MS: '600000', OHF_PENDING_TIMEOUT_SEC: '1' },
      'hf_timeout',
    );
  });
  afterAll(async () => {
    await hf?.dispose();
  });

  it('are terminated and failed with a reason; the request ends complete_with_error', async () => {
    const requestId = await hf.requestMachines(ONDEMAND, 2);
    const { seen, check } = watch();
    const [final] = await hf.untilFinal([requestId], check, 20_000);
    expect(seen[0].status).toBe('running');
    expect(final.status).toBe('complete_with_error');
    expect(final.message).not.toBe('');
    expect(final.machines).toHaveLength(2);
    for (const m of final.machines) {
      expect(m.result).toBe('fail');
      expect(m.message).toMatch(/pending/);
    }
    // Nothing is left running up a bill: both instances are terminated in the cloud.
    await eventually('instances terminated', async () =>
      (await hf.service.count('simulated_cloud_instances', {
        requestId,
        terminatedAt: { $exists: true },
      })) === 2
        ? true
        : undefined,
    );
    // And the template's units are free again once the instances are gone.
    await eventually('units released', async () => {
      const answer = await hf.call<{ templates: { templateId: string; availableNumber: number }[] }>(
        'getAvailableTemplates',
        {},
      );
      return answer.templates.find((t) => t.templateId === ONDEMAND)?.availableNumber === 40
        ? true
        : undefined;
    });
  });
});
