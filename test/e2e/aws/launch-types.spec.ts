/*
 * The whole service with OHF_PROVIDER=aws against moto, once per launch type: Host Factory
 * acquires machines, one is terminated behind the service's back (getReturnRequests must list it),
 * Host Factory returns them all, and moto is checked with the SDK: every instance terminated, the
 * fleet, Auto Scaling group and launch template gone.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeFleetsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSpotFleetRequestsCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { ProviderResource, RequestWatch } from '../../../domain/ports/cloud-provider.port';
import { AwsService, eventually, LIVE, motoTemplate } from './support/aws-service';

const TAG_REQUEST = 'ohf:request-id';
const MACHINES = 3;

/** `outside`: one host is terminated behind the service's back before Host Factory returns them all. */
type LaunchType = [
  label: string,
  templateId: string,
  over: Record<string, unknown>,
  kinds: string[],
  outside: boolean,
];

const LAUNCH_TYPES: LaunchType[] = [
  ['RunInstances', 'run-instances', { providerApi: 'RunInstances' }, [], true],
  [
    'EC2 Fleet instant',
    'ec2-fleet-instant',
    { providerApi: 'EC2Fleet', fleetType: 'instant' },
    ['ec2-fleet', 'launch-template'],
    true,
  ],
  [
    'EC2 Fleet request',
    'ec2-fleet-request',
    { providerApi: 'EC2Fleet', fleetType: 'request', priceType: 'spot' },
    ['ec2-fleet', 'launch-template'],
    true,
  ],
  [
    'EC2 Fleet maintain',
    'ec2-fleet-maintain',
    { providerApi: 'EC2Fleet', fleetType: 'maintain', priceType: 'spot', percentOnDemand: 50 },
    ['ec2-fleet', 'launch-template'],
    // A partial return lowers a maintain fleet with ModifyFleet, which moto 5.2 does not have.
    false,
  ],
  [
    'Spot Fleet request',
    'spot-fleet-request',
    { providerApi: 'SpotFleet', fleetType: 'request', priceType: 'spot' },
    ['launch-template', 'spot-fleet'],
    true,
  ],
  [
    'Spot Fleet maintain',
    'spot-fleet-maintain',
    { providerApi: 'SpotFleet', fleetType: 'maintain', priceType: 'spot' },
    ['launch-template', 'spot-fleet'],
    true,
  ],
  [
    'Auto Scaling group',
    'auto-scaling',
    { providerApi: 'ASG', vmTypes: { 't3.micro': 1, 't3.small': 1 } },
    ['asg', 'launch-template'],
    true,
  ],
];

let aws: AwsService;

beforeAll(async () => {
  aws = await AwsService.start({
    prefix: 'aws_types',
    templates: (network) => LAUNCH_TYPES.map(([, id, over]) => motoTemplate(network, id, over)),
  });
}, 300_000);
afterAll(async () => {
  await aws?.dispose();
});

interface StoredRequest {
  request: Pick<RequestWatch, 'resources'> & { resourcesReleased?: boolean; state: string };
}

describe.each(LAUNCH_TYPES)('%s through the service', (_label, templateId, _over, kinds, outside) => {
  it(`acquires${outside ? ', reports a host terminated behind its back' : ''}, returns all, leaves nothing in moto`, async () => {
    // Acquire: complete, every machine with a host name and an address, exactly the ones in moto.
    const requestId = await aws.requestMachines(templateId, MACHINES);
    const [acquired] = await aws.untilFinal([requestId]);
    expect(acquired.status).toBe('complete');
    expect(acquired.machines).toHaveLength(MACHINES);
    for (const m of acquired.machines) {
      expect(m.result).toBe('succeed');
      expect(m.name).toMatch(/^ip-[\d-]+\.ec2\.internal$/);
      expect(m.privateIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(m.launchtime).toBeGreaterThan(1_600_000_000);
    }
    const ids = acquired.machines.map((m) => m.machineId).sort();
    const live = await aws.instancesTagged(TAG_REQUEST, requestId, LIVE);
    expect(live.map((i) => i.InstanceId).sort()).toEqual(ids);
    const { request } = await aws.get<StoredRequest>(`/v1/requests/${requestId}`);
    expect(request.resources.map((r) => r.kind).sort()).toEqual(kinds);

    // One instance terminated outside Host Factory: listed for return with no grace period.
    const hosts = acquired.machines.map((m) => ({ name: m.name, machineId: m.machineId }));
    expect(await aws.returnRequests(hosts)).toEqual([]);
    if (outside) {
      const victim = hosts[0];
      await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [victim.machineId] }));
      const listed = await eventually('getReturnRequests lists the terminated host', async () => {
        const entries = await aws.returnRequests(hosts);
        return entries.length > 0 ? entries : undefined;
      });
      expect(listed).toEqual([{ machine: victim.name, machineId: victim.machineId, gracePeriod: 0 }]);
    }

    // Host Factory returns all of them (a terminated one too): complete, all terminated in moto.
    const returnId = await aws.returnMachines(hosts);
    const [returned] = await aws.untilFinal([returnId]);
    expect(returned.status).toBe('complete');
    expect(returned.machines.map((m) => `${m.machineId} ${m.result}`).sort()).toEqual(
      ids.map((id) => `${id} succeed`),
    );
    const states = async (): Promise<string[]> =>
      (await aws.instancesTagged(TAG_REQUEST, requestId)).map((i) => `${i.InstanceId} ${i.State?.Name}`);
    expect((await states()).filter((s) => ids.includes(s.split(' ')[0])).sort()).toEqual(
      ids.map((id) => `${id} terminated`),
    );

    // What the service made for the request is deleted (RunInstances makes nothing, so its
    // request is never marked released), and nothing of the request is left running in moto:
    // not even a replacement a group launched for the host terminated outside.
    if (kinds.length > 0)
      await eventually('the request marked released', async () => {
        const { request: now } = await aws.get<StoredRequest>(`/v1/requests/${requestId}`);
        return now.resourcesReleased || undefined;
      });
    expect(await leftInMoto(aws, requestId, request.resources)).toEqual([]);
    expect((await states()).filter((s) => !s.endsWith(' terminated'))).toEqual([]);
  }, 120_000);
});

/** Fleets, groups and launch templates of a request that moto still holds, found by id and by tag. */
async function leftInMoto(
  service: AwsService,
  requestId: string,
  recorded: ProviderResource[],
): Promise<string[]> {
  const left: string[] = [];
  const tagged = (tags: { Key?: string; Value?: string }[] | undefined): boolean =>
    (tags ?? []).some((t) => t.Key === TAG_REQUEST && t.Value === requestId);

  const fleets = (await service.ec2.send(new DescribeFleetsCommand({}))).Fleets ?? [];
  for (const f of fleets)
    if ((tagged(f.Tags) || recorded.some((r) => r.id === f.FleetId)) && !/^deleted/.test(f.FleetState ?? ''))
      left.push(`ec2-fleet ${f.FleetId} ${f.FleetState}`);

  const spot =
    (await service.ec2.send(new DescribeSpotFleetRequestsCommand({}))).SpotFleetRequestConfigs ?? [];
  for (const f of spot)
    if (
      (tagged(f.Tags) || recorded.some((r) => r.id === f.SpotFleetRequestId)) &&
      !/^cancelled/.test(f.SpotFleetRequestState ?? '')
    )
      left.push(`spot-fleet ${f.SpotFleetRequestId} ${f.SpotFleetRequestState}`);

  const groups =
    (await service.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? [];
  for (const g of groups)
    if (tagged(g.Tags) || recorded.some((r) => r.id === g.AutoScalingGroupName))
      left.push(`asg ${g.AutoScalingGroupName}`);

  const templates = (await service.ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? [];
  for (const lt of templates)
    if (tagged(lt.Tags) || recorded.some((r) => r.id === lt.LaunchTemplateId))
      left.push(`launch-template ${lt.LaunchTemplateId}`);
  return left;
}
