/*
 * Host Factory conformance: the five plug-in scripts, run as HF runs them, against the service
 * as its own process on the simulated cloud. Every answer is checked against the contract's schema.
 */
import { HfRequest, HostFactoryHarness, runScript, SCRIPTS_DIR } from '../../fixtures/hostfactory/hf-harness';
import {
  ONDEMAND,
  SMALL,
  SPOT_WEIGHTED,
  SPOT_WEIGHTS,
  TEMPLATES_FILE,
} from '../../fixtures/hostfactory/templates';
import { eventually } from '../../support/service-process';

interface HfTemplate {
  templateId: string;
  maxNumber: number;
  availableNumber: number;
  requestedMachines: string[];
  attributes: Record<string, [string, string]>;
  vmTypes?: Record<string, number>;
  instanceTags: string;
}

let hf: HostFactoryHarness;

beforeAll(async () => {
  hf = await HostFactoryHarness.start({}, 'hf_conf');
});
afterAll(async () => {
  await hf?.dispose();
});

const templates = async (): Promise<Map<string, HfTemplate>> => {
  const answer = await hf.call<{ templates: HfTemplate[] }>('getAvailableTemplates', {});
  return new Map(answer.templates.map((t) => [t.templateId, t]));
};

/** Results per machine only move forward: executing → succeed | fail, never back. */
function forwardOnly(): (r: HfRequest) => void {
  const last = new Map<string, string>();
  return (r) => {
    for (const m of r.machines) {
      const before = last.get(m.machineId);
      if (before && before !== 'executing')
        expect(`${m.machineId} ${m.result}`).toBe(`${m.machineId} ${before}`);
      last.set(m.machineId, m.result);
    }
  };
}

describe('getAvailableTemplates', () => {
  it('lists the templates of awsprov_templates.json in the answer format', async () => {
    const all = await templates();
    expect([...all.keys()].sort()).toEqual(TEMPLATES_FILE.templates.map((t) => t.templateId).sort());
    const ondemand = all.get(ONDEMAND)!;
    expect(ondemand).toMatchObject({ maxNumber: 40, availableNumber: 40, requestedMachines: [] });
    expect(ondemand.instanceTags).toBe('team=hpc;project=burst');
    expect(ondemand.attributes).toEqual({
      type: ['String', 'X86_64'],
      ncpus: ['Numeric', '1'],
      ncores: ['Numeric', '1'],
      nram: ['Numeric', '1024'],
    });
    // Plain values in the file become [TYPE, "value"] pairs.
    const spot = all.get(SPOT_WEIGHTED)!;
    expect(spot.attributes).toMatchObject({
      type: ['String', 'X86_64'],
      ncpus: ['Numeric', '2'],
      nram: ['Numeric', '8192'],
    });
    expect(spot.vmTypes).toEqual(SPOT_WEIGHTS);
  });
});

describe('acquire', () => {
  it('brings N machines from each template to complete, each with a name and an address', async () => {
    const asked: Record<string, number> = { [ONDEMAND]: 3, [SPOT_WEIGHTED]: 5, [SMALL]: 2 };
    const ids = new Map<string, string>();
    for (const [templateId, count] of Object.entries(asked))
      ids.set(await hf.requestMachines(templateId, count), templateId);
    expect(new Set(ids.keys()).size).toBe(3);

    const final = await hf.untilFinal([...ids.keys()], forwardOnly());
    const now = Date.now() / 1000;
    for (const request of final) {
      const templateId = ids.get(request.requestId)!;
      expect(request.status).toBe('complete');
      expect(request.machines.every((m) => m.result === 'succeed' && m.status === 'running')).toBe(true);
      for (const m of request.machines) {
        expect(m.machineId).toMatch(/^i-[0-9a-f]+$/);
        expect(m.name).toMatch(/^ip-[0-9-]+\.ec2\.internal$/);
        expect(m.name).toBe(`ip-${m.privateIpAddress.replace(/\./g, '-')}.ec2.internal`);
        expect(Math.abs(m.launchtime - now)).toBeLessThan(120);
      }
      if (templateId === SPOT_WEIGHTED) {
        // Weighted units: the machines' weights cover the units asked, without a spare machine.
        const units = request.machines.map((m) => SPOT_WEIGHTS[m.instanceType!]);
        const sum = units.reduce((a, b) => a + b, 0);
        expect(sum).toBeGreaterThanOrEqual(5);
        expect(sum - Math.min(...units)).toBeLessThan(5);
        expect(request.machines.every((m) => m.priceType === 'spot')).toBe(true);
      } else {
        expect(request.machines).toHaveLength(asked[templateId]);
        expect(request.machines.every((m) => m.priceType === 'ondemand')).toBe(true);
      }
      if (templateId === ONDEMAND)
        expect(
          request.machines.every(
            (m) => m.instanceType === 'm5.large' && m.instanceTags === 'team=hpc;project=burst',
          ),
        ).toBe(true);
    }
    // The scripts answer the same as the polls did.
    expect(await hf.status(...ids.keys())).toEqual(final);

    const after = await templates();
    const ondemand = final.find((r) => ids.get(r.requestId) === ONDEMAND)!;
    expect(after.get(ONDEMAND)!.availableNumber).toBe(40 - 3);
    expect(after.get(ONDEMAND)!.requestedMachines.sort()).toEqual(
      ondemand.machines.map((m) => m.name).sort(),
    );
    expect(after.get(SMALL)!.availableNumber).toBe(2);
    // Weighted units, the same from getAvailableTemplates and from requestMachines' own check.
    const spotUnits = final
      .find((r) => ids.get(r.requestId) === SPOT_WEIGHTED)!
      .machines.reduce((sum, m) => sum + SPOT_WEIGHTS[m.instanceType!], 0);
    const spotLeft = after.get(SPOT_WEIGHTED)!.availableNumber;
    expect(spotLeft).toBe(30 - spotUnits);
    expect(
      await hf.refused('requestMachines', {
        template: { templateId: SPOT_WEIGHTED, machineCount: spotLeft + 1 },
      }),
    ).toBe(`template '${SPOT_WEIGHTED}' has ${spotLeft} available; ${spotLeft + 1} were requested`);
  });

  it('answers requestMachines at once, before the machines run', async () => {
    const requestId = await hf.requestMachines(ONDEMAND, 1);
    const [first] = await hf.status(requestId);
    expect(first.status).toBe('running');
    expect(first.machines.every((m) => m.result === 'executing')).toBe(true);
    await hf.untilFinal([requestId]);
  });
});

describe('return', () => {
  it('reports a return running while a machine is shutting down, complete once all are terminated', async () => {
    const acquire = await hf.requestMachines(ONDEMAND, 3);
    const [done] = await hf.untilFinal([acquire]);
    const [a, b, c] = done.machines;
    // HF names machines by host name and id; a name alone must be enough too.
    const ret = await hf.returnMachines([
      { name: a.name, machineId: a.machineId },
      { name: b.name, machineId: b.machineId },
      { name: c.name },
    ]);
    expect(ret).toMatchObject({ requestId: expect.stringMatching(/^ret-/), message: 'Delete VM success.' });

    let sawShuttingDown = false;
    const [final] = await hf.untilFinal([ret.requestId], (r) => {
      const alive = r.machines.filter((m) => m.status !== 'terminated');
      if (r.machines.some((m) => m.status === 'shutting-down')) sawShuttingDown = true;
      if (alive.length) {
        expect(r.status).toBe('running');
        expect(alive.every((m) => m.result === 'executing')).toBe(true);
      }
    });
    expect(sawShuttingDown).toBe(true);
    expect(final.status).toBe('complete');
    expect(final.machines.map((m) => m.machineId).sort()).toEqual([a, b, c].map((m) => m.machineId).sort());
    expect(final.machines.every((m) => m.result === 'succeed' && m.status === 'terminated' && m.name)).toBe(
      true,
    );

    // The acquire request now shows its machines terminated: fail, with a reason.
    const [acquired] = await hf.status(acquire);
    expect(acquired.machines.every((m) => m.result === 'fail' && m.message)).toBe(true);

    // Asked again: nothing left to do, still a ret- id, complete.
    const again = await hf.returnMachines([{ name: a.name, machineId: a.machineId }]);
    expect(again).toMatchObject({ requestId: expect.stringMatching(/^ret-/), message: 'No Active VM.' });
    expect(again.requestId).not.toBe(ret.requestId);
    expect((await hf.untilFinal([again.requestId]))[0].status).toBe('complete');
  });

  it('answers req- and ret- ids and unknown ids in one call, in the order asked', async () => {
    const acquire = await hf.requestMachines(SMALL, 1);
    const [done] = await hf.untilFinal([acquire]);
    const ret = await hf.returnMachines([
      { name: done.machines[0].name, machineId: done.machines[0].machineId },
    ]);
    await hf.untilFinal([ret.requestId]);

    const unknownReq = 'req-00000000-0000-0000-0000-000000000000';
    const unknownRet = 'ret-00000000-0000-0000-0000-000000000000';
    const answer = await hf.status(ret.requestId, unknownReq, acquire, unknownRet);
    expect(answer.map((r) => r.status)).toEqual([
      'complete',
      'complete_with_error',
      'complete',
      'complete_with_error',
    ]);
    expect(answer[0].machines[0]).toMatchObject({
      machineId: done.machines[0].machineId,
      result: 'succeed',
      status: 'terminated',
    });
    expect(answer[2].machines[0]).toMatchObject({ machineId: done.machines[0].machineId, result: 'fail' });
    for (const unknown of [answer[1], answer[3]]) {
      expect(unknown.machines).toEqual([]);
      expect(unknown.message).toMatch(/not known/);
    }
  });

  it('reports machines it never launched as failed in a return, without failing the call', async () => {
    const ret = await hf.returnMachines([
      { name: 'ip-10-9-9-9.ec2.internal', machineId: 'i-0123456789abcdef0' },
    ]);
    expect(ret.message).toBe('No Active VM.');
    const [final] = await hf.untilFinal([ret.requestId]);
    expect(final.status).toBe('complete_with_error');
    expect(final.message).not.toBe('');
    expect(final.machines).toEqual([
      expect.objectContaining({
        machineId: 'i-0123456789abcdef0',
        name: 'ip-10-9-9-9.ec2.internal',
        result: 'fail',
      }),
    ]);
  });
});

describe('getReturnRequests', () => {
  it('accepts {} and {"machines": []} and answers an empty list when the cloud takes nothing', async () => {
    for (const input of [{}, { machines: [] }]) expect(await hf.returnRequests(input)).toEqual([]);
  });

  it('lists a spot reclaim with its grace period and an external termination with 0', async () => {
    const acquire = await hf.requestMachines(SPOT_WEIGHTED, 4);
    const [done] = await hf.untilFinal([acquire]);
    expect(done.machines.length).toBeGreaterThanOrEqual(3);
    const [reclaimed, terminated, ...kept] = done.machines;
    const census = done.machines.map((m) => ({ name: m.name, machineId: m.machineId }));

    expect(
      await hf.admin('POST', '/v1/admin/simulated-cloud/reclaim', { machineIds: [reclaimed.machineId] }),
    ).toEqual({
      status: 200,
      body: { machineIds: [reclaimed.machineId] },
    });
    const notice = await eventually('reclaim listed', async () => {
      const list = await hf.returnRequests({ machines: census });
      return list.length ? list : undefined;
    });
    expect(notice).toEqual([
      { machine: reclaimed.name, machineId: reclaimed.machineId, gracePeriod: expect.any(Number) },
    ]);
    expect(notice[0].gracePeriod).toBeGreaterThan(0);
    expect(notice[0].gracePeriod).toBeLessThanOrEqual(120);

    await hf.admin('POST', '/v1/admin/simulated-cloud/terminate', { machineIds: [terminated.machineId] });
    const both = await eventually('termination listed', async () => {
      const list = await hf.returnRequests({ machines: census });
      return list.length === 2 ? list : undefined;
    });
    expect(both).toContainEqual({
      machine: terminated.name,
      machineId: terminated.machineId,
      gracePeriod: 0,
    });
    expect(both.map((e) => e.machineId).sort()).toEqual([reclaimed.machineId, terminated.machineId].sort());
    expect(kept.length).toBeGreaterThan(0);
    // Without a census HF still hears of both.
    for (const input of [{}, { machines: [] }])
      expect((await hf.returnRequests(input)).map((e) => e.machineId).sort()).toEqual(
        [reclaimed.machineId, terminated.machineId].sort(),
      );
    expect(
      (await hf.machines(`?requestId=${acquire}`)).find((m) => m._id === terminated.machineId)?.status,
    ).toBe('lost');

    // HF returns both; the return completes and they are no longer listed.
    const ret = await hf.returnMachines(
      [reclaimed, terminated].map((m) => ({ name: m.name, machineId: m.machineId })),
    );
    const [final] = await hf.untilFinal([ret.requestId]);
    expect(final.status).toBe('complete');
    expect(final.machines.every((m) => m.status === 'terminated' && m.result === 'succeed')).toBe(true);
    const listed = await hf.returnRequests({ machines: census });
    expect(listed.map((e) => e.machineId)).not.toContain(reclaimed.machineId);
  });
});

describe('the scripts themselves', () => {
  it('exit 1 with {"message"} for a wrong token, through the token file or OHF_TOKEN', async () => {
    expect(await hf.refused('getAvailableTemplates', {}, { OHF_TOKEN: 'not-the-token' })).toMatch(/token/i);
    hf.writeProviderConfig(hf.service.url, 'wrong-token-file');
    try {
      expect(await hf.refused('getAvailableTemplates', {})).toMatch(/token file/);
    } finally {
      hf.writeProviderConfig();
    }
  });

  it('exit 1 with {"message"} when the service is down, and OHF_URL overrides hostfactory.json', async () => {
    hf.writeProviderConfig('http://127.0.0.1:9');
    try {
      expect(await hf.refused('getRequestStatus', { requests: [{ requestId: 'req-x' }] })).toMatch(
        /not reachable/,
      );
      const run = await hf.run('getAvailableTemplates', {}, { OHF_URL: hf.service.url });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toHaveProperty('templates');
    } finally {
      hf.writeProviderConfig();
    }
  });

  it('exit 1 with {"message"} without an input file', async () => {
    for (const args of [[], ['-f', '/nonexistent/input.json']]) {
      const run = await runScript(`${SCRIPTS_DIR}/getAvailableTemplates.sh`, args, hf.cwd, {
        PATH: process.env.PATH ?? '',
        HF_PROVIDER_CONFDIR: hf.confdir,
      });
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toEqual({ message: expect.stringMatching(/input|usage/) });
    }
  });
});
