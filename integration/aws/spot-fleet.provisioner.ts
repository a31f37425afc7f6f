import {
  DescribeSpotFleetRequestsCommand,
  RequestSpotFleetCommand,
  SpotFleetRequestConfig,
  SpotFleetRequestConfigData,
  _InstanceType,
} from '@aws-sdk/client-ec2';
import {
  CloudProviderError,
  LaunchOrder,
  LaunchOutcome,
  ProviderResource,
  TAG_REQUEST_ID,
} from '../../domain/ports/cloud-provider.port';
import type { AwsContext } from './aws-context';
import { ltResource } from './ec2-fleet.provisioner';
import { toObservation } from './instance-observation';
import {
  capacityOverrides,
  onDemandStrategy,
  onDemandUnits,
  spotExpiryMs,
  spotFleetStrategy,
} from './launch-plan';
import { launchOrRollBack } from './owned-template.rollback';
import { clientTokenFor, requestTags, tagValue, toAwsTags } from './tags';

/**
 * Spot Fleet (IBM's spot and heterogeneous path): request or maintain, with the template's fleet
 * role, allocation strategy, max price and expiry (spotFleetRequestExpiry minutes). Instances
 * come over time and carry the request's tags from the launch template; at expiry the fleet
 * stops launching but never terminates what it launched.
 */
export class SpotFleetProvisioner {
  constructor(private readonly ctx: AwsContext) {}

  async launch(order: LaunchOrder, type: 'request' | 'maintain'): Promise<LaunchOutcome> {
    const { template } = order;
    const existing = await this.findSpotFleets(order.requestId);
    if (existing.length > 0) return this.adopt(order, existing);
    if (!template.fleetRole) {
      throw new CloudProviderError(
        'InvalidTemplate',
        `template ${template.templateId}: a Spot Fleet needs fleetRole (the IAM role Spot Fleet acts as)`,
        false,
      );
    }
    const tags = requestTags(order.requestId, order.tags);
    const launchTemplate = await this.ctx.templates.ensure({ ...order, tags });
    const od = onDemandUnits(template, order.units);
    const strategy = spotFleetStrategy(template);
    const config: SpotFleetRequestConfigData = {
      ClientToken: clientTokenFor(order.clientToken, 'spot-fleet'),
      IamFleetRole: template.fleetRole,
      Type: type,
      TargetCapacity: order.units,
      OnDemandTargetCapacity: od,
      AllocationStrategy: strategy,
      OnDemandAllocationStrategy:
        onDemandStrategy(template) === 'prioritized' ? 'prioritized' : 'lowestPrice',
      InstancePoolsToUseCount: strategy === 'lowestPrice' ? template.poolsCount : undefined,
      SpotPrice: template.maxSpotPrice !== undefined ? String(template.maxSpotPrice) : undefined,
      ValidUntil: new Date(spotExpiryMs(template, this.ctx.now())),
      TerminateInstancesWithExpiration: false,
      ExcessCapacityTerminationPolicy: 'noTermination',
      InstanceInterruptionBehavior: 'terminate',
      LaunchTemplateConfigs: [
        {
          LaunchTemplateSpecification: {
            LaunchTemplateId: launchTemplate.id,
            Version: launchTemplate.version,
          },
          Overrides: capacityOverrides(template).map((o) => ({
            ...o,
            InstanceType: o.InstanceType as _InstanceType,
          })),
        },
      ],
      TagSpecifications: [{ ResourceType: 'spot-fleet-request', Tags: toAwsTags(tags) }],
    };
    const out = await launchOrRollBack(this.ctx, launchTemplate, () =>
      this.ctx.aws.mutate((abortSignal) =>
        this.ctx.clients.ec2.send(new RequestSpotFleetCommand({ SpotFleetRequestConfig: config }), {
          abortSignal,
        }),
      ),
    );
    if (!out.SpotFleetRequestId) throw new Error('RequestSpotFleet returned no SpotFleetRequestId');
    const resources: ProviderResource[] = [spotFleetResource(out.SpotFleetRequestId, type)];
    if (launchTemplate.owned) resources.push(ltResource(launchTemplate.id));
    return { resources, instances: [], failures: [] };
  }

  /**
   * Spot Fleet requests cannot be filtered by tag server-side; the account's list (cancelled
   * ones included, for a while) is read page by page and matched here. Done once per launch only.
   */
  async findSpotFleets(requestId: string): Promise<SpotFleetRequestConfig[]> {
    const out: SpotFleetRequestConfig[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.ctx.aws.describe((abortSignal) =>
        this.ctx.clients.ec2.send(new DescribeSpotFleetRequestsCommand({ MaxResults: 1000, NextToken }), {
          abortSignal,
        }),
      );
      for (const fleet of page.SpotFleetRequestConfigs ?? []) {
        if (tagValue(fleet.Tags, TAG_REQUEST_ID) === requestId) out.push(fleet);
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }

  private async adopt(order: LaunchOrder, fleets: SpotFleetRequestConfig[]): Promise<LaunchOutcome> {
    const resources: ProviderResource[] = fleets.map((f) =>
      spotFleetResource(
        f.SpotFleetRequestId ?? '',
        f.SpotFleetRequestConfig?.Type === 'maintain' ? 'maintain' : 'request',
      ),
    );
    const ltId = order.template.launchTemplateId
      ? undefined
      : await this.ctx.templates.findOwned(order.requestId);
    if (ltId) resources.push(ltResource(ltId));
    const instances = await this.ctx.describer.byRequestIds([order.requestId], false);
    return { resources, instances: instances.map((i) => toObservation(i)), failures: [] };
  }
}

export const spotFleetResource = (id: string, fleetType: 'request' | 'maintain'): ProviderResource => ({
  kind: 'spot-fleet',
  id,
  owned: true,
  fleetType,
});
