import {
  CreateFleetCommand,
  CreateFleetCommandInput,
  DescribeFleetsCommand,
  DescribeTagsCommand,
  FleetData,
  _InstanceType,
} from '@aws-sdk/client-ec2';
import {
  InstanceObservation,
  LaunchFailure,
  LaunchOrder,
  LaunchOutcome,
  ProviderResource,
  TAG_REQUEST_ID,
} from '../../domain/ports/cloud-provider.port';
import { FleetType, weightOf } from '../../domain/entities/template/template-spec';
import type { AwsContext } from './aws-context';
import { toObservation } from './instance-observation';
import {
  CapacityOverride,
  capacityOverrides,
  fleetSpotStrategy,
  onDemandStrategy,
  onDemandUnits,
} from './launch-plan';
import { LaunchTemplateRef, RequestOrder } from './launch-template.builder';
import { launchOrRollBack } from './owned-template.rollback';
import { clientTokenFor, requestTags, TAG_CAPACITY_ROLE, tagValue, toAwsTags } from './tags';

export interface FleetSpec {
  order: RequestOrder;
  type: FleetType;
  units: number;
  onDemandUnits: number;
  overrides: CapacityOverride[];
  launchTemplate: LaunchTemplateRef;
  /** Distinguishes the creates of one request (main fleet, on-demand top-up) in the ClientToken. */
  purpose: string;
  extraTags?: Record<string, string>;
}

export interface FleetLaunch {
  fleetId: string;
  instances: InstanceObservation[];
  failures: LaunchFailure[];
}

/**
 * EC2 Fleet, all three types. `instant` answers with its instances and its errors at once;
 * `request` and `maintain` bring instances over time (found later by their launch-template tags)
 * and never terminate on a lowered target or on expiry: only the service terminates.
 */
export class Ec2FleetProvisioner {
  constructor(private readonly ctx: AwsContext) {}

  async launch(order: LaunchOrder, type: FleetType): Promise<LaunchOutcome> {
    const existing = (await this.findFleets(order.requestId)).filter(
      (f) => !tagValue(f.Tags, TAG_CAPACITY_ROLE),
    );
    if (existing.length > 0) return this.adopt(order, existing);

    const tagged = { ...order, tags: requestTags(order.requestId, order.tags) };
    const launchTemplate = await this.ctx.templates.ensure(tagged);
    const ltResources = launchTemplate.owned ? [ltResource(launchTemplate.id)] : [];
    const created = await launchOrRollBack(this.ctx, launchTemplate, () =>
      this.createFleet({
        order: tagged,
        type,
        units: order.units,
        onDemandUnits: onDemandUnits(order.template, order.units),
        overrides: capacityOverrides(order.template),
        launchTemplate,
        purpose: 'ec2-fleet',
      }),
    );
    return {
      resources: [fleetResource(created.fleetId, type), ...ltResources],
      instances: created.instances,
      failures: created.failures,
    };
  }

  async createFleet(spec: FleetSpec): Promise<FleetLaunch> {
    const { order, type, units } = spec;
    const od = Math.min(units, spec.onDemandUnits);
    const tags = toAwsTags({ ...order.tags, ...spec.extraTags });
    const input: CreateFleetCommandInput = {
      Type: type,
      ClientToken: clientTokenFor(order.clientToken, spec.purpose),
      LaunchTemplateConfigs: [
        {
          LaunchTemplateSpecification: {
            LaunchTemplateId: spec.launchTemplate.id,
            Version: spec.launchTemplate.version,
          },
          Overrides: spec.overrides.map((o) => ({
            ...o,
            InstanceType: o.InstanceType as _InstanceType,
            MaxPrice:
              od < units && order.template.maxSpotPrice !== undefined
                ? String(order.template.maxSpotPrice)
                : undefined,
          })),
        },
      ],
      TargetCapacitySpecification: {
        TotalTargetCapacity: units,
        OnDemandTargetCapacity: od,
        SpotTargetCapacity: units - od,
        DefaultTargetCapacityType: od >= units ? 'on-demand' : 'spot',
      },
      OnDemandOptions: { AllocationStrategy: onDemandStrategy(order.template) },
      TagSpecifications: [{ ResourceType: 'fleet', Tags: tags }],
    };
    if (od < units) {
      const strategy = fleetSpotStrategy(order.template);
      input.SpotOptions = {
        AllocationStrategy: strategy as NonNullable<
          CreateFleetCommandInput['SpotOptions']
        >['AllocationStrategy'],
        InstanceInterruptionBehavior: 'terminate',
        InstancePoolsToUseCount: strategy === 'lowest-price' ? order.template.poolsCount : undefined,
      };
    }
    if (type === 'instant') {
      // Only instant fleets may tag instances themselves; the others tag through the launch template.
      input.TagSpecifications?.push({ ResourceType: 'instance', Tags: tags });
    } else {
      input.ExcessCapacityTerminationPolicy = 'no-termination';
      input.TerminateInstancesWithExpiration = false;
      if (type === 'request') {
        input.ValidUntil = new Date(this.ctx.now() + (order.template.spotFleetRequestExpiry ?? 30) * 60000);
      }
    }
    const out = await this.ctx.aws.mutate((abortSignal) =>
      this.ctx.clients.ec2.send(new CreateFleetCommand(input), { abortSignal }),
    );
    if (!out.FleetId) throw new Error('CreateFleet returned no FleetId');
    if (type !== 'instant') return { fleetId: out.FleetId, instances: [], failures: [] };
    return {
      fleetId: out.FleetId,
      ...instantResult(spec.order, units, out.Instances ?? [], out.Errors ?? []),
    };
  }

  /** The request's fleets, found by tag: the way back to a fleet made before a crash. */
  async findFleets(requestId: string): Promise<FleetData[]> {
    const tags = await this.ctx.aws.describe((abortSignal) =>
      this.ctx.clients.ec2.send(
        new DescribeTagsCommand({
          Filters: [
            { Name: 'resource-type', Values: ['fleet'] },
            { Name: 'key', Values: [TAG_REQUEST_ID] },
            { Name: 'value', Values: [requestId] },
          ],
        }),
        { abortSignal },
      ),
    );
    const ids = [...new Set((tags.Tags ?? []).map((t) => t.ResourceId ?? '').filter(Boolean))];
    if (ids.length === 0) return [];
    const out = await this.ctx.aws.describe((abortSignal) =>
      this.ctx.clients.ec2.send(new DescribeFleetsCommand({ FleetIds: ids }), { abortSignal }),
    );
    return out.Fleets ?? [];
  }

  private async adopt(order: LaunchOrder, fleets: FleetData[]): Promise<LaunchOutcome> {
    const resources: ProviderResource[] = fleets.map((f) =>
      fleetResource(f.FleetId ?? '', f.Type ?? 'maintain'),
    );
    const ltId = order.template.launchTemplateId
      ? undefined
      : await this.ctx.templates.findOwned(order.requestId);
    if (ltId) resources.push(ltResource(ltId));
    const instant = fleets.find((f) => f.Type === 'instant');
    if (instant) {
      return {
        resources,
        ...instantResult(order, order.units, instant.Instances ?? [], instant.Errors ?? []),
      };
    }
    const instances = await this.ctx.describer.byRequestIds([order.requestId], false);
    return { resources, instances: instances.map((i) => toObservation(i)), failures: [] };
  }
}

/** One line of an instant fleet's Instances, as CreateFleet and DescribeFleets both give it. */
interface LaunchedItem {
  InstanceIds?: string[];
  InstanceType?: string;
  Lifecycle?: string;
  LaunchTemplateAndOverrides?: { Overrides?: { SubnetId?: string; WeightedCapacity?: number } };
}

/** An instant fleet's answer: instances it launched, and AWS's reasons for the capacity it did not. */
export function instantResult(
  order: Pick<RequestOrder, 'requestId' | 'template'>,
  units: number,
  launched: LaunchedItem[],
  errors: { ErrorCode?: string; ErrorMessage?: string }[],
): { instances: InstanceObservation[]; failures: LaunchFailure[] } {
  const instances: InstanceObservation[] = [];
  let fulfilled = 0;
  for (const item of launched) {
    const overrides = item.LaunchTemplateAndOverrides?.Overrides;
    const weight = overrides?.WeightedCapacity ?? weightOf(order.template, item.InstanceType);
    for (const machineId of item.InstanceIds ?? []) {
      fulfilled += weight;
      const observation: InstanceObservation = {
        machineId,
        state: 'pending',
        priceType: item.Lifecycle === 'spot' ? 'spot' : 'ondemand',
        requestId: order.requestId,
      };
      if (item.InstanceType) observation.instanceType = item.InstanceType;
      if (overrides?.SubnetId) observation.subnetId = overrides.SubnetId;
      instances.push(observation);
    }
  }
  const failures: LaunchFailure[] = [];
  if (fulfilled < units) {
    const messages = [...new Set(errors.map((e) => e.ErrorMessage).filter((m): m is string => !!m))];
    failures.push({
      units: units - fulfilled,
      code: errors.find((e) => e.ErrorCode)?.ErrorCode ?? 'InsufficientInstanceCapacity',
      message: messages.join('; ') || `EC2 Fleet launched ${fulfilled} of ${units} units`,
    });
  }
  return { instances, failures };
}

export const fleetResource = (id: string, fleetType: FleetType): ProviderResource => ({
  kind: 'ec2-fleet',
  id,
  owned: true,
  fleetType,
});

export const ltResource = (id: string): ProviderResource => ({ kind: 'launch-template', id, owned: true });
