import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeFleetsCommand,
  DescribeSpotFleetRequestsCommand,
  FleetData,
  SpotFleetRequestConfig,
} from '@aws-sdk/client-ec2';
import type { ProviderResource } from '../../domain/ports/cloud-provider.port';
import type { FleetType } from '../../domain/entities/template/template-spec';
import { errorCode, errorMessage } from './aws-error.mapper';
import type { AwsContext } from './aws-context';
import { chunks } from './batching';

/** A fleet's or group's capacity as AWS reports it, the same shape for all three kinds. */
export interface FleetStatus {
  kind: 'ec2-fleet' | 'spot-fleet' | 'asg';
  id: string;
  type?: FleetType;
  state: string;
  /** Still able to launch: not failed, cancelled, deleted or past its expiry. */
  active: boolean;
  targetCapacity: number;
  onDemandTarget?: number;
  spotTarget?: number;
  fulfilledCapacity: number;
  /** Epoch seconds. */
  validUntil?: number;
  /** Instance type → weighted capacity, from the fleet's own overrides. */
  weights: Record<string, number>;
}

const LIVE_FLEET_STATES = new Set(['submitted', 'active', 'modifying']);
const IDS_PER_CALL = 100;

export const statusKey = (resource: Pick<ProviderResource, 'kind' | 'id'>): string =>
  `${resource.kind}:${resource.id}`;

/**
 * One DescribeFleets, one DescribeSpotFleetRequests and one DescribeAutoScalingGroups for all the
 * fleets and groups of every request being watched (batched by id), never one per request.
 * A fleet AWS no longer knows is simply absent from the answer.
 */
export class FleetStatusReader {
  constructor(private readonly ctx: AwsContext) {}

  async read(resources: readonly ProviderResource[]): Promise<Map<string, FleetStatus>> {
    const ids = (kind: ProviderResource['kind']): string[] => [
      ...new Set(resources.filter((r) => r.kind === kind).map((r) => r.id)),
    ];
    const nowSec = this.ctx.now() / 1000;
    const out = new Map<string, FleetStatus>();
    const add = (status: FleetStatus): void => void out.set(statusKey(status), status);
    for (const part of chunks(ids('ec2-fleet'), IDS_PER_CALL)) {
      for (const fleet of await this.describeDroppingUnknown(
        part,
        /fleet-[0-9a-f-]+/g,
        (FleetIds, abortSignal) =>
          allPages(async (NextToken) => {
            const page = await this.ctx.clients.ec2.send(new DescribeFleetsCommand({ FleetIds, NextToken }), {
              abortSignal,
            });
            return [page.Fleets ?? [], page.NextToken];
          }),
      )) {
        add(ec2FleetStatus(fleet, nowSec));
      }
    }
    for (const part of chunks(ids('spot-fleet'), IDS_PER_CALL)) {
      for (const fleet of await this.describeDroppingUnknown(
        part,
        /sfr-[0-9a-f-]+/g,
        (SpotFleetRequestIds, abortSignal) =>
          allPages(async (NextToken) => {
            const page = await this.ctx.clients.ec2.send(
              new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds, NextToken }),
              { abortSignal },
            );
            return [page.SpotFleetRequestConfigs ?? [], page.NextToken];
          }),
      )) {
        add(spotFleetStatus(fleet, nowSec));
      }
    }
    for (const part of chunks(ids('asg'), 50)) {
      let NextToken: string | undefined;
      do {
        const page = await this.ctx.aws.describe((abortSignal) =>
          this.ctx.clients.autoScaling.send(
            new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: part, MaxRecords: 100, NextToken }),
            { abortSignal },
          ),
        );
        for (const group of page.AutoScalingGroups ?? []) {
          const weights = Object.fromEntries(
            (group.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).map((o) => [
              o.InstanceType ?? '',
              Number(o.WeightedCapacity ?? 1),
            ]),
          );
          const alive = (group.Instances ?? []).filter((i) => !/^Terminat/.test(i.LifecycleState ?? ''));
          add({
            kind: 'asg',
            id: group.AutoScalingGroupName ?? '',
            state: group.Status ?? 'active',
            active: !group.Status,
            targetCapacity: group.DesiredCapacity ?? 0,
            fulfilledCapacity: alive.reduce((sum, i) => sum + (Number(i.WeightedCapacity) || 1), 0),
            weights,
          });
        }
        NextToken = page.NextToken;
      } while (NextToken);
    }
    return out;
  }

  /** An id AWS does not know fails the batch; AWS names it, so ask again without it. */
  private async describeDroppingUnknown<T>(
    ids: string[],
    idPattern: RegExp,
    call: (ids: string[], abortSignal: AbortSignal) => Promise<T[]>,
  ): Promise<T[]> {
    let remaining = ids;
    for (let round = 0; round < 3 && remaining.length > 0; round++) {
      try {
        const batch = remaining;
        return await this.ctx.aws.describe((abortSignal) => call(batch, abortSignal));
      } catch (error) {
        if (!/NotFound|Malformed/.test(errorCode(error))) throw error;
        const named = new Set(errorMessage(error).match(idPattern) ?? []);
        const left = remaining.filter((id) => !named.has(id));
        if (left.length === remaining.length) return [];
        remaining = left;
      }
    }
    return [];
  }
}

async function allPages<T>(page: (token?: string) => Promise<[T[], string | undefined]>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const [items, next] = await page(token);
    out.push(...items);
    token = next;
  } while (token);
  return out;
}

const epochSec = (date: Date | undefined): number | undefined =>
  date ? Math.floor(new Date(date).getTime() / 1000) : undefined;

function ec2FleetStatus(fleet: FleetData, nowSec: number): FleetStatus {
  const validUntil = epochSec(fleet.ValidUntil);
  const target = fleet.TargetCapacitySpecification;
  const weights: Record<string, number> = {};
  for (const config of fleet.LaunchTemplateConfigs ?? []) {
    for (const o of config.Overrides ?? [])
      if (o.InstanceType) weights[o.InstanceType] = o.WeightedCapacity ?? 1;
  }
  return {
    kind: 'ec2-fleet',
    id: fleet.FleetId ?? '',
    type: fleet.Type,
    state: fleet.FleetState ?? 'unknown',
    active:
      LIVE_FLEET_STATES.has(fleet.FleetState ?? '') && (validUntil === undefined || nowSec < validUntil),
    targetCapacity: Number(target?.TotalTargetCapacity ?? 0),
    onDemandTarget: target?.OnDemandTargetCapacity,
    spotTarget: target?.SpotTargetCapacity,
    fulfilledCapacity: Number(fleet.FulfilledCapacity ?? 0),
    validUntil,
    weights,
  };
}

function spotFleetStatus(fleet: SpotFleetRequestConfig, nowSec: number): FleetStatus {
  const config = fleet.SpotFleetRequestConfig;
  const validUntil = epochSec(config?.ValidUntil);
  const weights: Record<string, number> = {};
  for (const lc of config?.LaunchTemplateConfigs ?? []) {
    for (const o of lc.Overrides ?? []) if (o.InstanceType) weights[o.InstanceType] = o.WeightedCapacity ?? 1;
  }
  for (const spec of config?.LaunchSpecifications ?? []) {
    if (spec.InstanceType) weights[spec.InstanceType] = spec.WeightedCapacity ?? 1;
  }
  const state = fleet.SpotFleetRequestState ?? 'unknown';
  return {
    kind: 'spot-fleet',
    id: fleet.SpotFleetRequestId ?? '',
    type: config?.Type === 'maintain' ? 'maintain' : 'request',
    state,
    active: LIVE_FLEET_STATES.has(state) && (validUntil === undefined || nowSec < validUntil),
    targetCapacity: Number(config?.TargetCapacity ?? 0),
    onDemandTarget: config?.OnDemandTargetCapacity,
    fulfilledCapacity: Number(config?.FulfilledCapacity ?? 0),
    validUntil,
    weights,
  };
}
