import {
  CreateLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  EC2Client,
  RequestLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { CloudProviderError, TAG_REQUEST_ID } from '../../domain/ports/cloud-provider.port';
import type { TemplateSpec } from '../../domain/entities/template/template-spec';
import { errorCode } from './aws-error.mapper';
import { AwsCaller } from './aws-retry';
import { ImageResolver } from './image-resolver';
import { clientTokenFor, resourceName, tagValue, toAwsTags } from './tags';

export interface LaunchTemplateRef {
  id: string;
  version: string;
  /** False for an administrator's template (launchTemplateId): never modified nor deleted. */
  owned: boolean;
}

/** What a launch needs to know about the request it serves. */
export interface RequestOrder {
  requestId: string;
  template: TemplateSpec;
  tags: Record<string, string>;
  clientToken: string;
}

/**
 * The launch template a fleet or group launches from. Fleets of type request/maintain and Spot
 * Fleets can tag instances only through their launch template, so ours carries the order's tags
 * for instances and volumes; one template per request, named after it so it is found again.
 */
export class LaunchTemplateBuilder {
  constructor(
    private readonly ec2: EC2Client,
    private readonly aws: AwsCaller,
    private readonly images: ImageResolver,
  ) {}

  async ensure(order: RequestOrder): Promise<LaunchTemplateRef> {
    const { template } = order;
    if (template.launchTemplateId) {
      return {
        id: template.launchTemplateId,
        version: template.launchTemplateVersion ?? '$Default',
        owned: false,
      };
    }
    const name = resourceName(order.requestId);
    const data = await this.instanceData(template, order.tags);
    try {
      const out = await this.aws.mutate((abortSignal) =>
        this.ec2.send(
          new CreateLaunchTemplateCommand({
            LaunchTemplateName: name,
            ClientToken: clientTokenFor(order.clientToken, 'launch-template'),
            LaunchTemplateData: data,
            TagSpecifications: [{ ResourceType: 'launch-template', Tags: toAwsTags(order.tags) }],
          }),
          { abortSignal },
        ),
      );
      return ref(out.LaunchTemplate?.LaunchTemplateId, out.LaunchTemplate?.DefaultVersionNumber);
    } catch (error) {
      // Ours already (a retried order, a top-up); a newer image behind an SSM path makes AWS call
      // the same token a mismatch rather than a repeat.
      if (!/AlreadyExists|IdempotentParameterMismatch/.test(errorCode(error))) throw error;
      return this.adopt(name, order.requestId);
    }
  }

  /** Everything an instance of this template is launched with, as launch-template data. */
  async instanceData(
    template: TemplateSpec,
    tags: Record<string, string>,
  ): Promise<RequestLaunchTemplateData> {
    if (!template.imageId) {
      throw new CloudProviderError(
        'InvalidTemplate',
        `template ${template.templateId} has no imageId`,
        false,
      );
    }
    const imageId = await this.images.imageId(template.imageId);
    const awsTags = toAwsTags(tags);
    const data: RequestLaunchTemplateData = {
      ImageId: imageId,
      InstanceType: Object.keys(template.vmTypes)[0] as RequestLaunchTemplateData['InstanceType'],
      TagSpecifications: [
        { ResourceType: 'instance', Tags: awsTags },
        { ResourceType: 'volume', Tags: awsTags },
      ],
    };
    if (template.keyName) data.KeyName = template.keyName;
    if (template.securityGroupIds.length > 0) data.SecurityGroupIds = template.securityGroupIds;
    if (template.instanceProfile) {
      data.IamInstanceProfile = template.instanceProfile.startsWith('arn:')
        ? { Arn: template.instanceProfile }
        : { Name: template.instanceProfile };
    }
    if (template.userData) data.UserData = Buffer.from(template.userData, 'utf8').toString('base64');
    if (template.rootDeviceVolumeSize || template.volumeType || template.iops) {
      const iops =
        template.iops && ['io1', 'io2', 'gp3'].includes(template.volumeType ?? '')
          ? template.iops
          : undefined;
      data.BlockDeviceMappings = [
        {
          DeviceName: await this.images.rootDeviceName(imageId),
          Ebs: {
            VolumeSize: template.rootDeviceVolumeSize,
            VolumeType: template.volumeType,
            Iops: iops,
            DeleteOnTermination: true,
          },
        },
      ];
    }
    return data;
  }

  /** The id of the template we made for a request, if there is one (after a crash, on adoption). */
  async findOwned(requestId: string): Promise<string | undefined> {
    const out = await this.aws.describe((abortSignal) =>
      this.ec2.send(
        new DescribeLaunchTemplatesCommand({
          Filters: [{ Name: 'launch-template-name', Values: [resourceName(requestId)] }],
        }),
        { abortSignal },
      ),
    );
    const found = out.LaunchTemplates?.find((lt) => tagValue(lt.Tags, TAG_REQUEST_ID) === requestId);
    return found?.LaunchTemplateId;
  }

  /** A create after a crash (or a concurrent one) met our own template: use it, if it is ours. */
  private async adopt(name: string, requestId: string): Promise<LaunchTemplateRef> {
    const out = await this.aws.describe((abortSignal) =>
      this.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] }), { abortSignal }),
    );
    const found = out.LaunchTemplates?.[0];
    if (!found || tagValue(found.Tags, TAG_REQUEST_ID) !== requestId) {
      throw new CloudProviderError(
        'LaunchTemplateNameConflict',
        `launch template ${name} exists but was not made for request ${requestId}`,
        false,
      );
    }
    return ref(found.LaunchTemplateId, found.DefaultVersionNumber);
  }
}

function ref(id: string | undefined, version: number | undefined): LaunchTemplateRef {
  if (!id) throw new CloudProviderError('InvalidResponse', 'AWS returned no launch template id', true);
  return { id, version: String(version ?? 1), owned: true };
}
