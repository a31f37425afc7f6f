import {
  AutoScalingGroup,
  CreateAutoScalingGroupCommand,
  CreateAutoScalingGroupCommandInput,
  DescribeAutoScalingGroupsCommand,
  SuspendProcessesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudProviderError,
  LaunchOrder,
  LaunchOutcome,
  ProviderResource,
  TAG_REQUEST_ID,
} from '../../domain/ports/cloud-provider.port';
import { errorCode } from './aws-error.mapper';
import type { AwsContext } from './aws-context';
import { ltResource } from './ec2-fleet.provisioner';
import { toObservation } from './instance-observation';
import { allTypes, asgSpotStrategy, onDemandStrategy, onDemandUnits } from './launch-plan';
import type { LaunchTemplateRef } from './launch-template.builder';
import { launchOrRollBack } from './owned-template.rollback';
import { requestTags, resourceName, tagValue, toAwsTags } from './tags';

/**
 * An Auto Scaling group per request, sized to the request (min 0, desired = max = units) and
 * named after it: CreateAutoScalingGroup has no ClientToken, the unique name is what makes a
 * second create fail instead of duplicating. Instances are protected from scale-in and the group
 * does not rebalance zones, so AWS never terminates a host Host Factory is using; returns go
 * through TerminateInstanceInAutoScalingGroup, which lowers the desired capacity with them.
 */
export class AutoScalingProvisioner {
  constructor(private readonly ctx: AwsContext) {}

  async launch(order: LaunchOrder): Promise<LaunchOutcome> {
    const name = resourceName(order.requestId);
    const existing = await this.describeGroup(name);
    if (existing) return this.adopt(order, existing);

    const tags = requestTags(order.requestId, order.tags);
    const launchTemplate = await this.ctx.templates.ensure({ ...order, tags });
    try {
      await launchOrRollBack(this.ctx, launchTemplate, () =>
        this.ctx.aws.mutate((abortSignal) =>
          this.ctx.clients.autoScaling.send(
            new CreateAutoScalingGroupCommand(groupInput(order, name, tags, launchTemplate)),
            { abortSignal },
          ),
        ),
      );
    } catch (error) {
      if (errorCode(error) !== 'AlreadyExists') throw error;
      const raced = await this.describeGroup(name);
      if (raced) return this.adopt(order, raced);
      throw error;
    }
    await this.suspendRebalancing(name);
    const resources: ProviderResource[] = [asgResource(name)];
    if (launchTemplate.owned) resources.push(ltResource(launchTemplate.id));
    return { resources, instances: [], failures: [] };
  }

  /** Rebalancing zones terminates running instances: never for hosts Host Factory may be using. */
  private async suspendRebalancing(name: string): Promise<void> {
    await this.ctx.aws.mutate((abortSignal) =>
      this.ctx.clients.autoScaling.send(
        new SuspendProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: ['AZRebalance'] }),
        { abortSignal },
      ),
    );
  }

  private async describeGroup(name: string): Promise<AutoScalingGroup | undefined> {
    const out = await this.ctx.aws.describe((abortSignal) =>
      this.ctx.clients.autoScaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
        {
          abortSignal,
        },
      ),
    );
    return out.AutoScalingGroups?.[0];
  }

  private async adopt(order: LaunchOrder, group: AutoScalingGroup): Promise<LaunchOutcome> {
    if (tagValue(group.Tags, TAG_REQUEST_ID) !== order.requestId) {
      throw new CloudProviderError(
        'AutoScalingGroupNameConflict',
        `Auto Scaling group ${group.AutoScalingGroupName} exists but was not made for request ${order.requestId}`,
        false,
      );
    }
    const name = group.AutoScalingGroupName ?? '';
    await this.suspendRebalancing(name);
    const resources: ProviderResource[] = [asgResource(name)];
    const ltId = order.template.launchTemplateId
      ? undefined
      : await this.ctx.templates.findOwned(order.requestId);
    if (ltId) resources.push(ltResource(ltId));
    const instances = await this.ctx.describer.byRequestIds([order.requestId], false);
    return { resources, instances: instances.map((i) => toObservation(i)), failures: [] };
  }
}

function groupInput(
  order: LaunchOrder,
  name: string,
  tags: Record<string, string>,
  launchTemplate: LaunchTemplateRef,
): CreateAutoScalingGroupCommandInput {
  const { template, units } = order;
  const od = onDemandUnits(template, units);
  const types = allTypes(template);
  const spec = { LaunchTemplateId: launchTemplate.id, Version: launchTemplate.version };
  const input: CreateAutoScalingGroupCommandInput = {
    AutoScalingGroupName: name,
    MinSize: 0,
    MaxSize: units,
    DesiredCapacity: units,
    VPCZoneIdentifier: template.subnetIds.join(',') || undefined,
    NewInstancesProtectedFromScaleIn: true,
    Tags: toAwsTags(tags).map((t) => ({ ...t, PropagateAtLaunch: true })),
  };
  if (launchTemplate.owned && Object.keys(types).length <= 1 && od >= units) {
    input.LaunchTemplate = spec;
    return input;
  }
  input.MixedInstancesPolicy = {
    LaunchTemplate: {
      LaunchTemplateSpecification: spec,
      Overrides: Object.entries(types).map(([InstanceType, weight]) => ({
        InstanceType,
        WeightedCapacity: String(weight > 0 ? weight : 1),
      })),
    },
    InstancesDistribution: {
      OnDemandBaseCapacity: 0,
      OnDemandPercentageAboveBaseCapacity: units > 0 ? Math.round((od / units) * 100) : 100,
      OnDemandAllocationStrategy: onDemandStrategy(template),
      SpotAllocationStrategy: asgSpotStrategy(template),
      SpotMaxPrice: template.maxSpotPrice !== undefined ? String(template.maxSpotPrice) : undefined,
    },
  };
  return input;
}

export const asgResource = (name: string): ProviderResource => ({ kind: 'asg', id: name, owned: true });
