import {
  DescribeFleetsCommand,
  DescribeInstancesCommand,
  DescribeInstancesCommandInput,
  DescribeSpotInstanceRequestsCommand,
  Instance,
} from '@aws-sdk/client-ec2';
import type { RequestWatch } from '../../../domain/ports/cloud-provider.port';
import { awsError, instance, instanceId, mockedAws, NOW_MS, unitTemplate } from './mocked-aws';

const nowSec = Math.floor(NOW_MS / 1000);

describe('AWS provider describe (SDK stubs)', () => {
  it('turns a spot interruption notice into a reclaim deadline two minutes after the notice', async () => {
    const { provider, ec2 } = mockedAws();
    const marked = instance(instanceId(1), { InstanceLifecycle: 'spot', SpotInstanceRequestId: 'sir-1' });
    const calm = instance(instanceId(2), { InstanceLifecycle: 'spot', SpotInstanceRequestId: 'sir-2' });
    const taken = instance(instanceId(3), {
      InstanceLifecycle: 'spot',
      State: { Name: 'shutting-down', Code: 32 },
      StateReason: { Code: 'Server.SpotInstanceTermination', Message: 'Spot instance termination' },
    });
    const onDemand = instance(instanceId(4));
    ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [marked, calm, taken, onDemand] }] });
    ec2.on(DescribeSpotInstanceRequestsCommand).resolves({
      SpotInstanceRequests: [
        {
          SpotInstanceRequestId: 'sir-1',
          InstanceId: instanceId(1),
          Status: { Code: 'marked-for-termination', UpdateTime: new Date(NOW_MS - 20000) },
        },
        { SpotInstanceRequestId: 'sir-2', InstanceId: instanceId(2), Status: { Code: 'fulfilled' } },
      ],
    });

    const outcome = await provider.describe({ machineIds: [1, 2, 3, 4].map(instanceId), requests: [] });

    const byId = Object.fromEntries(outcome.instances.map((i) => [i.machineId, i]));
    expect(byId[instanceId(1)].reclaimDeadline).toBe(nowSec - 20 + 120);
    expect(byId[instanceId(2)].reclaimDeadline).toBeUndefined();
    expect(byId[instanceId(3)]).toMatchObject({
      reclaimDeadline: nowSec,
      stateReason: 'Server.SpotInstanceTermination',
    });
    expect(byId[instanceId(4)]).toMatchObject({ priceType: 'ondemand' });
    expect(byId[instanceId(4)].reclaimDeadline).toBeUndefined();
    const asked = ec2.commandCalls(DescribeSpotInstanceRequestsCommand);
    expect(asked).toHaveLength(1);
    expect(asked[0].args[0].input.SpotInstanceRequestIds).toEqual(['sir-1', 'sir-2']);
  });

  it('drops unknown ids named by InvalidInstanceID.NotFound and reports them missing', async () => {
    const { provider, ec2 } = mockedAws();
    const gone = instanceId(99);
    ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
      if (input.InstanceIds?.includes(gone)) {
        throw awsError('InvalidInstanceID.NotFound', `The instance ID '${gone}' does not exist`);
      }
      return { Reservations: [{ Instances: (input.InstanceIds ?? []).map((id) => instance(id)) }] };
    });

    const outcome = await provider.describe({
      machineIds: [instanceId(1), gone, instanceId(2)],
      requests: [],
    });

    expect(outcome.instances.map((i) => i.machineId)).toEqual([instanceId(1), instanceId(2)]);
    expect(outcome.missing).toEqual([gone]);
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
  });

  it('omits a host name AWS has not assigned yet', async () => {
    const { provider, ec2 } = mockedAws();
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [instance(instanceId(5), { PrivateDnsName: '', PublicIpAddress: '' })] }],
    });
    const [observation] = (await provider.describe({ machineIds: [instanceId(5)], requests: [] })).instances;
    expect(observation).not.toHaveProperty('name');
    expect(observation).not.toHaveProperty('publicIpAddress');
  });

  it('describes 2,000 running machines of 20 requests in a handful of calls', async () => {
    const { provider, ec2 } = mockedAws();
    const requests: RequestWatch[] = [];
    const all = new Map<string, Instance>();
    for (let r = 0; r < 20; r++) {
      const requestId = `req-${r}`;
      for (let m = 0; m < 100; m++) {
        const id = instanceId(r * 1000 + m);
        const spot = r % 2 === 0;
        all.set(
          id,
          instance(id, {
            Tags: [{ Key: 'ohf:request-id', Value: requestId }],
            InstanceLifecycle: spot ? 'spot' : undefined,
            SpotInstanceRequestId: spot ? `sir-${id}` : undefined,
          }),
        );
      }
      requests.push({
        requestId,
        template: unitTemplate({ providerApi: 'EC2Fleet', fleetType: 'maintain', priceType: 'spot' }),
        launchedAt: nowSec - 600,
        clientToken: `token-${requestId}`,
        tags: { 'ohf:request-id': requestId },
        resources: [{ kind: 'ec2-fleet', id: `fleet-${r}`, owned: true, fleetType: 'maintain' }],
        // Half the requests still wait for two more machines from their fleet.
        pendingUnits: r < 10 ? 2 : 0,
      });
    }
    ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
      if (input.InstanceIds)
        return { Reservations: [{ Instances: input.InstanceIds.map((id) => all.get(id)) }] };
      return { Reservations: [] }; // the tag search for new machines finds none
    });
    ec2.on(DescribeSpotInstanceRequestsCommand).resolves({ SpotInstanceRequests: [] });
    ec2.on(DescribeFleetsCommand).resolves({
      Fleets: requests.map((r, i) => ({
        FleetId: `fleet-${i}`,
        FleetState: 'active',
        Type: 'maintain',
        TargetCapacitySpecification: { TotalTargetCapacity: 102 },
        FulfilledCapacity: 100,
      })),
    });

    const outcome = await provider.describe({ machineIds: [...all.keys()], requests });

    const calls = ec2.calls().length;
    console.log(
      `describe() of 2,000 machines in 20 requests: ${calls} AWS calls`,
      ec2.calls().map((c) => c.args[0].constructor.name),
    );
    expect(outcome.instances).toHaveLength(2000);
    expect(outcome.instances.every((i) => i.state === 'running' && i.name)).toBe(true);
    expect(outcome.missing).toEqual([]);
    expect(calls).toBeLessThanOrEqual(6);
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(3); // 2 × 1,000 ids + 1 tag search
  });
});
