/*
 * The service on moto after things go wrong. A crash between "AWS said yes" and "we recorded
 * it": the gate in front of moto lets each create call through and keeps its answer, the
 * service is SIGKILLed, and once restarted on the same database it must neither launch again nor
 * leave an instance untracked. And a stray: an instance tagged with this deployment that the
 * event store does not know is terminated, while other deployments' instances are left alone.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeFleetsCommand,
  DescribeSpotFleetRequestsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { AwsService, eventually, LIVE, motoTemplate } from './support/aws-service';

const TAG_REQUEST = 'ohf:request-id';
const TAG_DEPLOYMENT = 'ohf:deployment-id';

/** One recovery path each: instances found by tag (and topped up), a fleet, a Spot Fleet, a group. */
const ASKED: [templateId: string, over: Record<string, unknown>, machines: number][] = [
  ['crash-run-instances', { providerApi: 'RunInstances' }, 3],
  ['crash-ec2-fleet', { providerApi: 'EC2Fleet', fleetType: 'instant' }, 3],
  ['crash-spot-fleet', { providerApi: 'SpotFleet', fleetType: 'request', priceType: 'spot' }, 2],
  ['crash-auto-scaling', { providerApi: 'ASG' }, 2],
];
const CREATES = ['RunInstances', 'CreateFleet', 'RequestSpotFleet', 'CreateAutoScalingGroup'];

let aws: AwsService;

beforeAll(async () => {
  aws = await AwsService.start({
    prefix: 'aws_recovery',
    templates: (network) => ASKED.map(([id, over]) => motoTemplate(network, id, over)),
    env: { OHF_STRAY_TIMEOUT_SEC: '1' },
  });
}, 300_000);
afterAll(async () => {
  await aws?.dispose();
});

interface MachineRow {
  _id: string;
  requestId: string;
  status: string;
}

const machinesOf = async (requestId: string): Promise<MachineRow[]> =>
  (await aws.get<{ machines: MachineRow[] }>(`/v1/machines?requestId=${requestId}`)).machines;

const tagged = (tags: { Key?: string; Value?: string }[] | undefined, requestId: string): boolean =>
  (tags ?? []).some((t) => t.Key === TAG_REQUEST && t.Value === requestId);

describe('a crash between the launch and its record', () => {
  it('launches nothing twice after the restart and tracks every instance moto holds', async () => {
    // The reconciler is kept in its stray scan (a DescribeInstances waiting at the gate) while
    // the requests come in, so that it launches the four side by side once let go.
    aws.gate.pause(['DescribeInstances']);
    await eventually('the reconciler waiting at the gate', async () => aws.gate.paused() > 0 || undefined);
    const ids = new Map<string, number>();
    for (const [templateId, , machines] of ASKED)
      ids.set(await aws.requestMachines(templateId, machines), machines);
    const requestIds = [...ids.keys()];
    await eventually('the four requests accepted', async () => {
      const { requests } = await aws.get<{ requests: unknown[] }>(
        '/v1/requests?kind=acquire&status=accepted',
      );
      return requests.length === ASKED.length || undefined;
    });
    aws.gate.hold(CREATES);
    aws.gate.resume();

    // Every create reached moto and was answered there; the service has recorded none of it.
    await eventually(
      'every create call answered by moto and held',
      async () => (aws.gate.held().length === CREATES.length ? true : undefined),
      60_000,
    );
    expect(aws.gate.held().sort()).toEqual([...CREATES].sort());
    const before = new Map<string, number>();
    for (const requestId of requestIds) {
      before.set(requestId, (await aws.instancesTagged(TAG_REQUEST, requestId, LIVE)).length);
      expect(await machinesOf(requestId)).toEqual([]);
    }
    // Each create launched something; the first RunInstances (1 to n) got one (moto launches
    // MinCount), so after the restart the launch must count what is there and top up the rest.
    expect([...before.values()].every((n) => n > 0)).toBe(true);
    expect(before.get(requestIds[0])).toBeLessThan(ASKED[0][2]);
    await aws.service.kill9();
    aws.gate.open();
    await aws.service.restart();

    const final = await aws.untilFinal(requestIds, 60_000);
    const hfIds = new Set<string>();
    for (const r of final) {
      expect({ requestId: r.requestId, status: r.status }).toEqual({
        requestId: r.requestId,
        status: 'complete',
      });
      expect(r.machines).toHaveLength(ids.get(r.requestId)!);
      for (const m of r.machines) {
        expect(m.result).toBe('succeed');
        hfIds.add(m.machineId);
      }
      // moto holds exactly what was asked for the request, and each of them is one HF was given.
      const live = await aws.instancesTagged(TAG_REQUEST, r.requestId, LIVE);
      expect(live.map((i) => i.InstanceId).sort()).toEqual(r.machines.map((m) => m.machineId).sort());
    }
    // Nothing of this deployment runs that the event store does not know.
    const deployment = await aws.instancesTagged(TAG_DEPLOYMENT, aws.deploymentId, LIVE);
    expect(deployment.map((i) => i.InstanceId).sort()).toEqual([...hfIds].sort());
    const total = [...ids.values()].reduce((a, b) => a + b, 0);
    expect(hfIds.size).toBe(total);

    // One fleet, one Spot Fleet and one group, adopted after the restart rather than made again.
    const fleets = (await aws.ec2.send(new DescribeFleetsCommand({}))).Fleets ?? [];
    const spot = (await aws.ec2.send(new DescribeSpotFleetRequestsCommand({}))).SpotFleetRequestConfigs ?? [];
    const groups =
      (await aws.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? [];
    for (const requestId of requestIds) {
      const made =
        fleets.filter((f) => tagged(f.Tags, requestId)).length +
        spot.filter((f) => tagged(f.Tags, requestId)).length +
        groups.filter((g) => tagged(g.Tags, requestId)).length;
      const runInstances = requestId === requestIds[0];
      expect(`${requestId}: ${made}`).toBe(`${requestId}: ${runInstances ? 0 : 1}`);
    }
  }, 180_000);
});

describe('a stray instance of this deployment', () => {
  it('is terminated; instances of another deployment and known machines are left alone', async () => {
    const known = await aws.instancesTagged(TAG_DEPLOYMENT, aws.deploymentId, LIVE);
    const launch = async (deploymentId: string): Promise<string> => {
      const out = await aws.ec2.send(
        new RunInstancesCommand({
          ImageId: aws.network.imageId,
          InstanceType: 't3.micro',
          SubnetId: aws.network.subnetIds[0],
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: TAG_DEPLOYMENT, Value: deploymentId },
                { Key: TAG_REQUEST, Value: 'req-nobody-knows' },
              ],
            },
          ],
        }),
      );
      return out.Instances?.[0]?.InstanceId ?? '';
    };
    const stray = await launch(aws.deploymentId);
    const neighbour = await launch('another-deployment');

    const state = async (id: string): Promise<string | undefined> =>
      (await aws.instancesTagged(TAG_REQUEST, 'req-nobody-knows')).find((i) => i.InstanceId === id)?.State
        ?.Name;
    await eventually('the stray terminated', async () =>
      (await state(stray)) === 'terminated' ? true : undefined,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${aws.service.tail(60)}`);
    });
    expect(await state(neighbour)).toBe('running');
    const still = await aws.instancesTagged(TAG_DEPLOYMENT, aws.deploymentId, LIVE);
    expect(still.map((i) => i.InstanceId).sort()).toEqual(known.map((i) => i.InstanceId).sort());
    expect(known.length).toBeGreaterThan(0);
  }, 60_000);
});
