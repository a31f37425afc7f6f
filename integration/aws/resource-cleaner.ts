import {
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DeleteLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CloudProviderError, ProviderResource, TAG_REQUEST_ID } from '../../domain/ports/cloud-provider.port';
import { isNotFound } from './aws-error.mapper';
import type { AwsContext } from './aws-context';
import { cancelSpotFleets, deleteEc2Fleets, deleteInstantFleets } from './fleet-deletion';
import { resourceName } from './tags';

/**
 * Deletes what was made for a request that has nothing left: fleets (keeping any instance,
 * except that AWS only deletes an instant fleet with its instances, so that waits until there
 * are none), Auto Scaling groups (force: with any instance they launched on their own),
 * and the launch templates this service made. A template is deleted only when it carries the
 * request's tag, so an administrator's template can never be. Repeating a cleanup is harmless.
 */
export class ResourceCleaner {
  constructor(private readonly ctx: AwsContext) {}

  async cleanup(requestId: string, resources: readonly ProviderResource[]): Promise<void> {
    const ids = (predicate: (r: ProviderResource) => boolean): string[] => [
      ...new Set(resources.filter(predicate).map((r) => r.id)),
    ];
    const persistentFleets = ids((r) => r.kind === 'ec2-fleet' && r.fleetType !== 'instant');
    const instantFleets = ids((r) => r.kind === 'ec2-fleet' && r.fleetType === 'instant');
    const spotFleets = ids((r) => r.kind === 'spot-fleet');
    const busy: string[] = [];

    if (persistentFleets.length > 0) await deleteEc2Fleets(this.ctx, persistentFleets, false);
    if (spotFleets.length > 0) await cancelSpotFleets(this.ctx, spotFleets);
    if (instantFleets.length > 0) {
      const live = (await this.ctx.describer.byRequestIds([requestId], true)).filter(
        (i) => i.State?.Name !== 'shutting-down',
      );
      if (live.length > 0) busy.push(`instances ${live.map((i) => i.InstanceId).join(', ')}`);
      else await deleteInstantFleets(this.ctx, instantFleets);
    }
    for (const group of ids((r) => r.kind === 'asg')) await this.deleteGroup(group);
    if (busy.length > 0) {
      throw new CloudProviderError(
        'ResourceInUse',
        `request ${requestId} still has ${busy.join('; ')}`,
        true,
      );
    }
    await this.deleteOwnedTemplates(
      requestId,
      ids((r) => r.kind === 'launch-template' && r.owned),
    );
  }

  private async deleteGroup(name: string): Promise<void> {
    const out = await this.ctx.aws.describe((abortSignal) =>
      this.ctx.clients.autoScaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
        {
          abortSignal,
        },
      ),
    );
    const group = out.AutoScalingGroups?.[0];
    if (!group || group.Status === 'Delete in progress') return;
    // Cleanup comes once every machine of the request is final: an instance still in the group is
    // one it launched on its own (it replaced a host terminated outside Host Factory) that nobody
    // tracks or returns. It goes with the group (terminated here too: scale-in protection keeps it
    // from a forced delete on some endpoints, and outside a group nothing replaces it).
    const strays = (group.Instances ?? [])
      .filter((i) => !/^Terminat/.test(i.LifecycleState ?? ''))
      .map((i) => i.InstanceId ?? '')
      .filter(Boolean);
    try {
      await this.ctx.aws.mutate((abortSignal) =>
        this.ctx.clients.autoScaling.send(
          new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true }),
          { abortSignal },
        ),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (strays.length > 0)
      await this.ctx.aws.mutate((abortSignal) =>
        this.ctx.clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: strays }), { abortSignal }),
      );
  }

  private async deleteOwnedTemplates(requestId: string, ownedIds: string[]): Promise<void> {
    const out = await this.ctx.aws.describe((abortSignal) =>
      this.ctx.clients.ec2.send(
        new DescribeLaunchTemplatesCommand({
          Filters: [{ Name: `tag:${TAG_REQUEST_ID}`, Values: [requestId] }],
        }),
        { abortSignal },
      ),
    );
    const ours = (out.LaunchTemplates ?? []).filter(
      (lt) =>
        ownedIds.includes(lt.LaunchTemplateId ?? '') || lt.LaunchTemplateName === resourceName(requestId),
    );
    for (const lt of ours) {
      try {
        await this.ctx.aws.mutate((abortSignal) =>
          this.ctx.clients.ec2.send(
            new DeleteLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId }),
            {
              abortSignal,
            },
          ),
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
}
