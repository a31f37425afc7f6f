import { EC2ServiceException, Instance } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { LaunchOrder } from '../../../domain/ports/cloud-provider.port';
import type { TemplateSpec } from '../../../domain/entities/template/template-spec';
import { createAwsClients } from '../../../integration/aws/aws-clients';
import { AwsCloudProvider } from '../../../integration/aws/aws-cloud.provider';
import { AwsProviderConfig, loadAwsProviderConfig } from '../../../integration/aws/aws-provider.config';
import { callerFromConfig } from '../../../integration/aws/aws-retry';

export const NOW_MS = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A provider on real SDK clients whose send() is stubbed: what moto cannot produce. */
export function mockedAws(options: { now?: () => number; config?: Partial<AwsProviderConfig> } = {}) {
  const config = { ...loadAwsProviderConfig({ AWS_REGION: 'us-east-1' }), ...options.config };
  const clients = createAwsClients(config, { accessKeyId: 'unit', secretAccessKey: 'unit' });
  const ec2 = mockClient(clients.ec2);
  const autoScaling = mockClient(clients.autoScaling);
  const ssm = mockClient(clients.ssm);
  const sleeps: number[] = [];
  const provider = new AwsCloudProvider({
    config,
    deploymentId: 'dep-unit',
    clients,
    caller: callerFromConfig(config, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    }),
    now: options.now ?? (() => NOW_MS),
  });
  return { provider, ec2, autoScaling, ssm, sleeps };
}

/** An error exactly as the SDK raises it for an EC2 error response. */
export const awsError = (code: string, message: string, status = 400): EC2ServiceException =>
  new EC2ServiceException({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });

export function unitTemplate(over: Partial<TemplateSpec> = {}): TemplateSpec {
  return {
    templateId: 'unit-template',
    maxNumber: 100,
    attributes: {},
    priceType: 'ondemand',
    imageId: 'ami-12345678',
    subnetIds: ['subnet-a', 'subnet-b'],
    vmTypes: { 'm5.large': 1 },
    securityGroupIds: ['sg-1'],
    instanceTags: {},
    fleetRole: 'arn:aws:iam::123456789012:role/fleet',
    ...over,
  };
}

export function unitOrder(template: TemplateSpec, units: number, requestId = 'req-unit'): LaunchOrder {
  return {
    requestId,
    template,
    units,
    clientToken: `token-${requestId}`,
    tags: { 'ohf:request-id': requestId, 'ohf:deployment-id': 'dep-unit' },
  };
}

export function instance(id: string, over: Partial<Instance> = {}): Instance {
  const n = parseInt(id.slice(-4), 16) % 250;
  return {
    InstanceId: id,
    InstanceType: 'm5.large',
    State: { Name: 'running', Code: 16 },
    PrivateDnsName: `ip-10-0-0-${n}.ec2.internal`,
    PrivateIpAddress: `10.0.0.${n}`,
    SubnetId: 'subnet-a',
    LaunchTime: new Date(NOW_MS - 60000),
    Tags: [{ Key: 'ohf:request-id', Value: 'req-unit' }],
    ...over,
  };
}

/** Instance ids as AWS makes them: i- and 17 hex digits. */
export const instanceId = (n: number): string => `i-${n.toString(16).padStart(17, '0')}`;
