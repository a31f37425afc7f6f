import {
  DetachInstancesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeFleetsCommand,
  DescribeInstancesCommand,
  DescribeSpotFleetRequestsCommand,
  DescribeSpotInstanceRequestsCommand,
  ModifyFleetCommand,
  ModifySpotFleetRequestCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { ProviderResource } from '../../../domain/ports/cloud-provider.port';
import { awsError, instance, instanceId, mockedAws, NOW_MS } from './mocked-aws';

const MAINTAIN: ProviderResource[] = [
  { kind: 'ec2-fleet', id: 'fleet-m', owned: true, fleetType: 'maintain' },
  { kind: 'launch-template', id: 'lt-1', owned: true },
];

function maintainFleet(ec2: ReturnType<typeof mockedAws>['ec2']): void {
  ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        Instances: [
          instance(instanceId(1), { InstanceType: 'm5.large', InstanceLifecycle: 'spot' }),
          instance(instanceId(2), { InstanceType: 'm5.xlarge' }),
        ],
      },
    ],
  });
  ec2.on(DescribeFleetsCommand).resolves({
    Fleets: [
      {
        FleetId: 'fleet-m',
        FleetState: 'active',
        Type: 'maintain',
        TargetCapacitySpecification: {
          TotalTargetCapacity: 6,
          OnDemandTargetCapacity: 2,
          SpotTargetCapacity: 4,
        },
        FulfilledCapacity: 6,
        LaunchTemplateConfigs: [
          {
            Overrides: [
              { InstanceType: 'm5.large', WeightedCapacity: 1 },
              { InstanceType: 'm5.xlarge', WeightedCapacity: 2 },
            ],
          },
        ],
      },
    ],
  });
}

describe('AWS provider release (SDK stubs)', () => {
  it('lowers a maintain fleet by the returned weights, without termination, before terminating', async () => {
    const { provider, ec2 } = mockedAws();
    maintainFleet(ec2);
    ec2.on(ModifyFleetCommand).resolves({ Return: true });
    ec2.on(TerminateInstancesCommand).resolves({});

    const outcome = await provider.release(
      [1, 2].map((n) => ({ machineId: instanceId(n), requestId: 'req-unit', resources: MAINTAIN })),
    );

    expect(outcome).toEqual({ released: [instanceId(1), instanceId(2)], failures: [] });
    const modify = ec2.commandCalls(ModifyFleetCommand)[0].args[0].input;
    expect(modify).toEqual({
      FleetId: 'fleet-m',
      ExcessCapacityTerminationPolicy: 'no-termination',
      TargetCapacitySpecification: {
        TotalTargetCapacity: 3,
        OnDemandTargetCapacity: 0,
        SpotTargetCapacity: 3,
      },
    });
    const order = ec2.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('ModifyFleetCommand')).toBeLessThan(order.indexOf('TerminateInstancesCommand'));
    expect(ec2.commandCalls(TerminateInstancesCommand)[0].args[0].input.InstanceIds).toEqual([
      instanceId(1),
      instanceId(2),
    ]);
  });

  it('terminates nothing when the fleet target cannot be lowered', async () => {
    const { provider, ec2 } = mockedAws();
    maintainFleet(ec2);
    ec2
      .on(ModifyFleetCommand)
      .rejects(awsError('UnauthorizedOperation', 'not allowed to ec2:ModifyFleet', 403));
    ec2.on(TerminateInstancesCommand).resolves({});

    const outcome = await provider.release([
      { machineId: instanceId(1), requestId: 'req-unit', resources: MAINTAIN },
    ]);

    expect(outcome.released).toEqual([]);
    expect(outcome.failures).toEqual([
      { machineId: instanceId(1), code: 'UnauthorizedOperation', message: 'not allowed to ec2:ModifyFleet' },
    ]);
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });

  it('lowers a Spot Fleet with noTermination and counts ids AWS no longer knows as released', async () => {
    const { provider, ec2 } = mockedAws();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance(instanceId(1))] }] });
    ec2.on(DescribeSpotFleetRequestsCommand).resolves({
      SpotFleetRequestConfigs: [
        {
          SpotFleetRequestId: 'sfr-1',
          SpotFleetRequestState: 'active',
          SpotFleetRequestConfig: {
            TargetCapacity: 4,
            FulfilledCapacity: 4,
            IamFleetRole: 'r',
            Type: 'maintain',
          },
        },
      ],
    });
    ec2.on(ModifySpotFleetRequestCommand).resolves({ Return: true });
    ec2
      .on(TerminateInstancesCommand)
      .rejectsOnce(
        awsError('InvalidInstanceID.NotFound', `The instance ID '${instanceId(9)}' does not exist`),
      )
      .resolves({});
    const resources: ProviderResource[] = [
      { kind: 'spot-fleet', id: 'sfr-1', owned: true, fleetType: 'maintain' },
    ];

    const outcome = await provider.release(
      [1, 9].map((n) => ({ machineId: instanceId(n), requestId: 'req-unit', resources })),
    );

    expect(ec2.commandCalls(ModifySpotFleetRequestCommand)[0].args[0].input).toMatchObject({
      SpotFleetRequestId: 'sfr-1',
      TargetCapacity: 2,
      ExcessCapacityTerminationPolicy: 'noTermination',
    });
    expect(outcome.released.sort()).toEqual([instanceId(1), instanceId(9)]);
    expect(outcome.failures).toEqual([]);
  });

  it('returns Auto Scaling machines through the group, decrementing its desired capacity', async () => {
    const { provider, ec2, autoScaling } = mockedAws();
    autoScaling.on(TerminateInstanceInAutoScalingGroupCommand).resolves({});
    ec2.on(TerminateInstancesCommand).resolves({});
    const resources: ProviderResource[] = [{ kind: 'asg', id: 'ohf-req-unit', owned: true }];

    const outcome = await provider.release([{ machineId: instanceId(3), requestId: 'req-unit', resources }]);

    expect(outcome.released).toEqual([instanceId(3)]);
    expect(autoScaling.commandCalls(TerminateInstanceInAutoScalingGroupCommand)[0].args[0].input).toEqual({
      InstanceId: instanceId(3),
      ShouldDecrementDesiredCapacity: true,
    });
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });

  it('leaves a host AWS is reclaiming to AWS when AWS_SPOT_TERMINATE_ON_RECLAIM is false', async () => {
    const { provider, ec2, autoScaling } = mockedAws({ config: { spotTerminateOnReclaim: false } });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [instance(instanceId(4), { InstanceLifecycle: 'spot', SpotInstanceRequestId: 'sir-4' })],
        },
      ],
    });
    ec2.on(DescribeSpotInstanceRequestsCommand).resolves({
      SpotInstanceRequests: [
        {
          InstanceId: instanceId(4),
          Status: { Code: 'marked-for-termination', UpdateTime: new Date(NOW_MS) },
        },
      ],
    });
    autoScaling.on(DetachInstancesCommand).resolves({});
    const resources: ProviderResource[] = [{ kind: 'asg', id: 'ohf-req-unit', owned: true }];

    const outcome = await provider.release([{ machineId: instanceId(4), requestId: 'req-unit', resources }]);

    expect(outcome.released).toEqual([instanceId(4)]);
    expect(autoScaling.commandCalls(DetachInstancesCommand)[0].args[0].input).toMatchObject({
      ShouldDecrementDesiredCapacity: true,
    });
    expect(autoScaling.commandCalls(TerminateInstanceInAutoScalingGroupCommand)).toHaveLength(0);
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });
});
