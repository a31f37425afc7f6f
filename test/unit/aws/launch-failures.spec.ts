import {
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  DescribeTagsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CloudProviderError } from '../../../domain/ports/cloud-provider.port';
import { awsError, instance, instanceId, mockedAws, unitOrder, unitTemplate } from './mocked-aws';

const CAPACITY_MESSAGE =
  'We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1a).';

describe('AWS provider launch failures (SDK stubs)', () => {
  it('retries a throttled RunInstances with back-off and then launches', async () => {
    const { provider, ec2, sleeps } = mockedAws();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2
      .on(RunInstancesCommand)
      .rejectsOnce(awsError('RequestLimitExceeded', 'Request limit exceeded.', 503))
      .rejectsOnce(awsError('Throttling', 'Rate exceeded', 400))
      .resolves({ Instances: [instance(instanceId(1)), instance(instanceId(2))] });

    const outcome = await provider.launch(unitOrder(unitTemplate(), 2));

    expect(outcome.instances.map((i) => i.machineId)).toEqual([instanceId(1), instanceId(2)]);
    expect(outcome.failures).toEqual([]);
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThanOrEqual(sleeps[0] / 2); // exponential steps, jittered
    const tokens = ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.ClientToken);
    expect(new Set(tokens).size).toBe(1); // a retry repeats the same idempotency token
  });

  it('turns InsufficientInstanceCapacity in every subnet into a LaunchFailure with AWS message', async () => {
    const { provider, ec2 } = mockedAws();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2.on(RunInstancesCommand).rejects(awsError('InsufficientInstanceCapacity', CAPACITY_MESSAGE));

    const outcome = await provider.launch(unitOrder(unitTemplate(), 3));

    expect(outcome.instances).toEqual([]);
    expect(outcome.failures).toEqual([
      { units: 3, code: 'InsufficientInstanceCapacity', message: CAPACITY_MESSAGE },
    ]);
    const subnets = ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.SubnetId);
    expect(subnets).toEqual(['subnet-a', 'subnet-b']);
  });

  it('accepts a partial RunInstances and reports the shortfall after the top-up fails', async () => {
    const { provider, ec2 } = mockedAws();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2
      .on(RunInstancesCommand)
      .resolvesOnce({ Instances: [instance(instanceId(7))] })
      .rejects(awsError('InsufficientInstanceCapacity', CAPACITY_MESSAGE));

    const outcome = await provider.launch(unitOrder(unitTemplate(), 3));

    expect(outcome.instances.map((i) => i.machineId)).toEqual([instanceId(7)]);
    expect(outcome.failures).toEqual([
      { units: 2, code: 'InsufficientInstanceCapacity', message: CAPACITY_MESSAGE },
    ]);
    const [first, topUp] = ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input);
    expect([first.MinCount, first.MaxCount, topUp.MinCount, topUp.MaxCount]).toEqual([1, 3, 2, 2]);
  });

  it("reports a partial instant fleet's Errors as failures carrying AWS's message", async () => {
    const { provider, ec2 } = mockedAws();
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    ec2
      .on(CreateLaunchTemplateCommand)
      .resolves({ LaunchTemplate: { LaunchTemplateId: 'lt-1', DefaultVersionNumber: 1 } });
    ec2.on(CreateFleetCommand).resolves({
      FleetId: 'fleet-1',
      Instances: [
        {
          InstanceIds: [instanceId(1)],
          InstanceType: 'm5.large',
          Lifecycle: 'spot',
          LaunchTemplateAndOverrides: { Overrides: { SubnetId: 'subnet-a', WeightedCapacity: 1 } },
        },
      ],
      Errors: [
        { ErrorCode: 'InsufficientInstanceCapacity', ErrorMessage: CAPACITY_MESSAGE, Lifecycle: 'spot' },
        { ErrorCode: 'InsufficientInstanceCapacity', ErrorMessage: CAPACITY_MESSAGE, Lifecycle: 'spot' },
      ],
    });
    const template = unitTemplate({ providerApi: 'EC2Fleet', fleetType: 'instant', priceType: 'spot' });

    const outcome = await provider.launch(unitOrder(template, 3));

    expect(outcome.instances).toEqual([
      expect.objectContaining({
        machineId: instanceId(1),
        state: 'pending',
        priceType: 'spot',
        subnetId: 'subnet-a',
      }),
    ]);
    expect(outcome.failures).toEqual([
      { units: 2, code: 'InsufficientInstanceCapacity', message: CAPACITY_MESSAGE },
    ]);
    expect(outcome.resources).toEqual([
      { kind: 'ec2-fleet', id: 'fleet-1', owned: true, fleetType: 'instant' },
      { kind: 'launch-template', id: 'lt-1', owned: true },
    ]);
    const input = ec2.commandCalls(CreateFleetCommand)[0].args[0].input;
    expect(input.ClientToken).toMatch(/^[0-9a-f]{64}$/);
    expect(input.SpotOptions?.AllocationStrategy).toBe('price-capacity-optimized');
    expect(input.LaunchTemplateConfigs?.[0].Overrides).toHaveLength(2); // two subnets × one type
  });

  it('raises UnauthorizedOperation as a non-retryable CloudProviderError with AWS message, without retrying', async () => {
    const { provider, ec2 } = mockedAws();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const message =
      'You are not authorized to perform this operation. Encoded authorization failure message: abc';
    ec2.on(RunInstancesCommand).rejects(awsError('UnauthorizedOperation', message, 403));

    const error = await provider.launch(unitOrder(unitTemplate(), 1)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CloudProviderError);
    expect(error).toMatchObject({ code: 'UnauthorizedOperation', retryable: false });
    expect((error as Error).message).toContain(message);
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(1);
  });

  it('gives up on endless throttling with a retryable CloudProviderError', async () => {
    const { provider, ec2, sleeps } = mockedAws();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2.on(RunInstancesCommand).rejects(awsError('RequestLimitExceeded', 'Request limit exceeded.', 503));

    await expect(provider.launch(unitOrder(unitTemplate(), 1))).rejects.toMatchObject({
      code: 'RequestLimitExceeded',
      retryable: true,
    });
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(4); // AWS_REQUEST_RETRY_ATTEMPTS 3
    expect(sleeps).toHaveLength(3);
  });

  it('refuses a Spot Fleet template without a fleet role before calling AWS', async () => {
    const { provider, ec2 } = mockedAws();
    ec2.resolves({});
    await expect(
      provider.launch(unitOrder(unitTemplate({ priceType: 'spot', fleetRole: undefined }), 2)),
    ).rejects.toMatchObject({ code: 'InvalidTemplate', retryable: false });
  });
});
