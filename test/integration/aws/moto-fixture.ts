import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  Instance,
} from '@aws-sdk/client-ec2';
import type {
  DescribeOutcome,
  InstanceObservation,
  LaunchOrder,
  LaunchOutcome,
  RequestWatch,
} from '../../../domain/ports/cloud-provider.port';
import type { TemplateSpec } from '../../../domain/entities/template/template-spec';
import { createAwsClients } from '../../../integration/aws/aws-clients';
import { AwsCloudProvider } from '../../../integration/aws/aws-cloud.provider';
import { loadAwsProviderConfig } from '../../../integration/aws/aws-provider.config';
import { callerFromConfig } from '../../../integration/aws/aws-retry';

export const DEPLOYMENT_ID = 'dep-moto';

/** A provider pointed at moto, with short back-off so that a failing test fails fast. */
export function motoProvider(endpoint: string, now?: () => number): AwsCloudProvider {
  const config = loadAwsProviderConfig({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: endpoint });
  return new AwsCloudProvider({
    config,
    deploymentId: DEPLOYMENT_ID,
    clients: createAwsClients(config, { accessKeyId: 'moto', secretAccessKey: 'moto' }),
    caller: callerFromConfig(config, { sleep: () => Promise.resolve() }),
    now,
  });
}

/** moto's default VPC subnets and one of the Linux images it ships. */
export async function motoNetwork(
  provider: AwsCloudProvider,
): Promise<{ subnetIds: string[]; imageId: string }> {
  const subnets = await provider.clients.ec2.send(new DescribeSubnetsCommand({}));
  const images = await provider.clients.ec2.send(new DescribeImagesCommand({}));
  const image = (images.Images ?? []).find(
    (i) => i.RootDeviceName && !/windows/i.test(`${i.Name} ${i.Platform}`),
  );
  return {
    subnetIds: (subnets.Subnets ?? []).slice(0, 2).map((s) => s.SubnetId ?? ''),
    imageId: image?.ImageId ?? '',
  };
}

export function templateFor(
  network: { subnetIds: string[]; imageId: string },
  over: Partial<TemplateSpec>,
): TemplateSpec {
  return {
    templateId: 'moto-template',
    maxNumber: 100,
    attributes: { type: ['String', 'X86_64'], ncpus: ['Numeric', '1'], nram: ['Numeric', '1024'] },
    priceType: 'ondemand',
    imageId: network.imageId,
    subnetIds: network.subnetIds,
    vmTypes: { 't3.micro': 1 },
    securityGroupIds: [],
    instanceTags: { team: 'hpc' },
    userData: '#!/bin/sh\necho hello from host factory\n',
    rootDeviceVolumeSize: 20,
    volumeType: 'gp3',
    fleetRole: 'arn:aws:iam::123456789012:role/aws-ec2-spot-fleet-tagging-role',
    spotFleetRequestExpiry: 30,
    ...over,
  };
}

export function orderFor(requestId: string, template: TemplateSpec, units: number): LaunchOrder {
  return {
    requestId,
    template,
    units,
    clientToken: `token-${requestId}`,
    tags: {
      'ohf:request-id': requestId,
      'ohf:template-id': template.templateId,
      'ohf:deployment-id': DEPLOYMENT_ID,
      ...template.instanceTags,
    },
  };
}

export function watchOf(order: LaunchOrder, outcome: LaunchOutcome, pendingUnits: number): RequestWatch {
  return {
    requestId: order.requestId,
    template: order.template,
    launchedAt: Math.floor(Date.now() / 1000),
    clientToken: order.clientToken,
    tags: order.tags,
    resources: outcome.resources,
    pendingUnits,
  };
}

/**
 * Describes like the service would until `count` machines are running with a host name and an
 * address: known machines by id, new ones through the request's fleets or groups.
 */
export async function describeUntilRunning(
  provider: AwsCloudProvider,
  order: LaunchOrder,
  outcome: LaunchOutcome,
  count: number,
): Promise<InstanceObservation[]> {
  const known = new Map(outcome.instances.map((i) => [i.machineId, i]));
  let last: DescribeOutcome | undefined;
  for (let round = 0; round < 10; round++) {
    const seen = [...known.values()].reduce(
      (units, i) => units + (order.template.vmTypes[i.instanceType ?? ''] ?? 1),
      0,
    );
    last = await provider.describe({
      machineIds: [...known.keys()],
      requests: [watchOf(order, outcome, Math.max(0, order.units - seen))],
    });
    for (const i of last.instances) known.set(i.machineId, i);
    const ready = [...known.values()].filter((i) => i.state === 'running' && i.name && i.privateIpAddress);
    if (ready.length >= count) return ready;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`machines did not all run: ${JSON.stringify(last)}`);
}

/** Non-terminated instances moto holds for a request, straight from EC2 (not through the provider). */
export async function liveInstancesOf(provider: AwsCloudProvider, requestId: string): Promise<Instance[]> {
  const out = await provider.clients.ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:ohf:request-id', Values: [requestId] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    }),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}
