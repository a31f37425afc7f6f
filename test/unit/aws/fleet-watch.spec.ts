import {
  BatchState,
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSpotFleetRequestHistoryCommand,
  DescribeSpotFleetRequestsCommand,
  DescribeTagsCommand,
  ModifySpotFleetRequestCommand,
} from '@aws-sdk/client-ec2';
import type { RequestWatch } from '../../../domain/ports/cloud-provider.port';
import type { TemplateSpec } from '../../../domain/entities/template/template-spec';
import { awsError, instanceId, mockedAws, NOW_MS, unitTemplate } from './mocked-aws';

const nowSec = Math.floor(NOW_MS / 1000);

function spotWatch(template: TemplateSpec, pendingUnits: number): RequestWatch {
  return {
    requestId: 'req-unit',
    template,
    launchedAt: nowSec - 29 * 60,
    clientToken: 'token-req-unit',
    tags: { 'ohf:request-id': 'req-unit' },
    resources: [
      { kind: 'spot-fleet', id: 'sfr-1', owned: true, fleetType: 'request' },
      { kind: 'launch-template', id: 'lt-1', owned: true },
    ],
    pendingUnits,
  };
}

function spotFleet(ec2: ReturnType<typeof mockedAws>['ec2'], state: BatchState, validUntilSec: number): void {
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2.on(DescribeSpotFleetRequestsCommand).resolves({
    SpotFleetRequestConfigs: [
      {
        SpotFleetRequestId: 'sfr-1',
        SpotFleetRequestState: state,
        SpotFleetRequestConfig: {
          IamFleetRole: 'r',
          TargetCapacity: 10,
          FulfilledCapacity: 6,
          Type: 'request',
          ValidUntil: new Date(validUntilSec * 1000),
        },
      },
    ],
  });
}

describe('AWS provider watching fleets (SDK stubs)', () => {
  const heterogeneous = unitTemplate({
    priceType: 'heterogeneous',
    vmTypes: { 'm5.large': 1, 'c5.large': 1 },
    vmTypesOnDemand: { 'm5.xlarge': 2 },
  });

  it('leaves a heterogeneous Spot Fleet alone until near its expiry', async () => {
    const { provider, ec2 } = mockedAws();
    spotFleet(ec2, 'active', nowSec + 600);
    const outcome = await provider.describe({ machineIds: [], requests: [spotWatch(heterogeneous, 4)] });
    expect(outcome.newResources).toEqual([]);
    expect(outcome.failures).toEqual([]);
    expect(ec2.commandCalls(CreateFleetCommand)).toHaveLength(0);
  });

  it('tops up near expiry on demand what the Spot Fleet left unfilled, after freezing the Spot Fleet', async () => {
    const { provider, ec2 } = mockedAws();
    spotFleet(ec2, 'active', nowSec + 60);
    ec2.on(ModifySpotFleetRequestCommand).resolves({ Return: true });
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    ec2
      .on(CreateLaunchTemplateCommand)
      .rejects(awsError('InvalidLaunchTemplateName.AlreadyExistsException', 'exists'));
    ec2.on(DescribeLaunchTemplatesCommand).resolves({
      LaunchTemplates: [
        {
          LaunchTemplateId: 'lt-1',
          DefaultVersionNumber: 1,
          Tags: [{ Key: 'ohf:request-id', Value: 'req-unit' }],
        },
      ],
    });
    ec2.on(CreateFleetCommand).resolves({
      FleetId: 'fleet-od',
      Instances: [
        { InstanceIds: [instanceId(1), instanceId(2)], InstanceType: 'm5.xlarge', Lifecycle: 'on-demand' },
      ],
      Errors: [],
    });

    const outcome = await provider.describe({ machineIds: [], requests: [spotWatch(heterogeneous, 4)] });

    expect(ec2.commandCalls(ModifySpotFleetRequestCommand)[0].args[0].input).toMatchObject({
      SpotFleetRequestId: 'sfr-1',
      TargetCapacity: 6,
      ExcessCapacityTerminationPolicy: 'noTermination',
    });
    const create = ec2.commandCalls(CreateFleetCommand)[0].args[0].input;
    expect(create.Type).toBe('instant');
    expect(create.TargetCapacitySpecification).toEqual({
      TotalTargetCapacity: 4,
      OnDemandTargetCapacity: 4,
      SpotTargetCapacity: 0,
      DefaultTargetCapacityType: 'on-demand',
    });
    expect(create.LaunchTemplateConfigs?.[0].Overrides?.map((o) => o.InstanceType)).toEqual([
      'm5.xlarge',
      'm5.xlarge',
    ]);
    expect(create.TagSpecifications?.[0].Tags).toContainEqual({
      Key: 'ohf:capacity',
      Value: 'on-demand-top-up',
    });
    expect(outcome.newResources).toEqual([
      {
        requestId: 'req-unit',
        resource: { kind: 'ec2-fleet', id: 'fleet-od', owned: true, fleetType: 'instant' },
      },
    ]);
    expect(outcome.instances.map((i) => [i.machineId, i.priceType])).toEqual([
      [instanceId(1), 'ondemand'],
      [instanceId(2), 'ondemand'],
    ]);
    expect(outcome.failures).toEqual([]);
  });

  it("fails the units an expired spot request left unfilled, with AWS's reason", async () => {
    const { provider, ec2 } = mockedAws();
    spotFleet(ec2, 'cancelled_running', nowSec - 10);
    const reason = 'There is no Spot capacity available that matches your request.';
    ec2.on(DescribeSpotFleetRequestHistoryCommand).resolves({
      HistoryRecords: [
        { EventType: 'instanceChange', Timestamp: new Date(NOW_MS - 5000), EventInformation: {} },
        {
          EventType: 'information',
          Timestamp: new Date(NOW_MS - 60000),
          EventInformation: { EventSubType: 'launchSpecUnusable', EventDescription: reason },
        },
      ],
    });

    const outcome = await provider.describe({
      machineIds: [],
      requests: [spotWatch(unitTemplate({ priceType: 'spot' }), 4)],
    });

    expect(outcome.failures).toEqual([
      { requestId: 'req-unit', failure: { units: 4, code: 'FleetCapacityNotFulfilled', message: reason } },
    ]);
  });
});
