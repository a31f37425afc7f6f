import {
  CreateTagsCommand,
  DescribeFleetInstancesCommand,
  DescribeSpotFleetInstancesCommand,
  Instance,
} from '@aws-sdk/client-ec2';
import {
  DescribeOutcome,
  InstanceObservation,
  LaunchFailure,
  ProviderResource,
  RequestWatch,
  TAG_REQUEST_ID,
} from '../../domain/ports/cloud-provider.port';
import type { AwsContext } from './aws-context';
import { chunks, mapLimit } from './batching';
import { lastFleetError } from './fleet-history';
import { FleetStatus, FleetStatusReader, statusKey } from './fleet-status.reader';
import { OnDemandTopUp } from './on-demand-top-up';
import { requestTags, toAwsTags } from './tags';

export interface WatchOutcome {
  /** Instances of watched requests that the service did not know yet. */
  discovered: Instance[];
  /** Instances already known to be launched by a top-up (instant fleets answer at once). */
  launched: InstanceObservation[];
  failures: DescribeOutcome['failures'];
  newResources: NonNullable<DescribeOutcome['newResources']>;
}

/** Fleets and groups keep launching after the create call; RunInstances and instant fleets do not. */
export const bringsInstancesLater = (r: ProviderResource): boolean =>
  r.kind === 'spot-fleet' || r.kind === 'asg' || (r.kind === 'ec2-fleet' && r.fleetType !== 'instant');

/**
 * The request half of describe(): new instances of every watched request in one tag-filtered
 * DescribeInstances, fleet and group capacity in one batched call per kind, and from those the
 * failures (a fleet that expired or failed with units unfilled) and heterogeneous top-ups.
 */
export class RequestWatcher {
  constructor(
    private readonly ctx: AwsContext,
    private readonly statuses: FleetStatusReader,
    private readonly topUp: OnDemandTopUp,
  ) {}

  async watch(requests: readonly RequestWatch[], known: ReadonlySet<string>): Promise<WatchOutcome> {
    const outcome: WatchOutcome = { discovered: [], launched: [], failures: [], newResources: [] };
    const growing = requests.filter((r) => r.resources.some(bringsInstancesLater));
    if (growing.length === 0) return outcome;

    const tagged = await this.ctx.describer.byRequestIds(
      growing.map((r) => r.requestId),
      true,
    );
    outcome.discovered = tagged.filter((i) => i.InstanceId && !known.has(i.InstanceId));
    const seen = new Set([...known, ...tagged.map((i) => i.InstanceId ?? '')]);

    const pending = growing.filter((r) => r.pendingUnits > 0);
    if (pending.length === 0) return outcome;
    const statuses = await this.statuses.read(
      pending.flatMap((r) => r.resources.filter(bringsInstancesLater)),
    );
    await mapLimit(pending, 4, async (request) => {
      for (const resource of request.resources.filter(bringsInstancesLater)) {
        const status = statuses.get(statusKey(resource));
        if (status && request.template.launchTemplateId && resource.kind !== 'asg') {
          outcome.discovered.push(...(await this.tagUntagged(request, resource, seen)));
        }
        if (resource.kind === 'spot-fleet' && request.template.priceType === 'heterogeneous') {
          const topUp = await this.topUp.maybeTopUp(request, status);
          if (topUp) {
            outcome.newResources.push({ requestId: request.requestId, resource: topUp.resource });
            outcome.launched.push(...topUp.instances);
            outcome.failures.push(
              ...topUp.failures.map((failure) => ({ requestId: request.requestId, failure })),
            );
          }
          // Whatever the Spot Fleet leaves unfilled is the top-up's to launch (or fail), not a failure here.
          continue;
        }
        const failure = await this.unfilled(request, resource, status);
        if (failure) outcome.failures.push({ requestId: request.requestId, failure });
      }
    });
    return outcome;
  }

  /** Units a fleet or group will no longer bring: it is gone, failed, cancelled or expired. */
  private async unfilled(
    request: RequestWatch,
    resource: ProviderResource,
    status: FleetStatus | undefined,
  ): Promise<LaunchFailure | undefined> {
    if (!status) {
      return {
        units: request.pendingUnits,
        code: resource.kind === 'asg' ? 'AutoScalingGroupNotFound' : 'FleetNotFound',
        message: `${resource.kind} ${resource.id} no longer exists; ${request.pendingUnits} units will not come`,
      };
    }
    if (status.active) return undefined;
    const units = Math.min(request.pendingUnits, Math.ceil(status.targetCapacity - status.fulfilledCapacity));
    if (units <= 0) return undefined;
    const reason = await lastFleetError(this.ctx, resource, request.launchedAt);
    return {
      units,
      code: status.state === 'failed' ? 'FleetFailed' : 'FleetCapacityNotFulfilled',
      message:
        reason ??
        `${resource.kind} ${resource.id} is ${status.state} with ${units} units unfilled (no capacity for the template's pools before expiry)`,
    };
  }

  /**
   * An administrator's launch template carries none of our tags, and request/maintain fleets
   * cannot tag instances themselves: list the fleet's instances and tag the new ones, so that
   * from now on they are found like all others (and by listDeploymentInstances).
   */
  private async tagUntagged(
    request: RequestWatch,
    resource: ProviderResource,
    seen: Set<string>,
  ): Promise<Instance[]> {
    const ids: string[] = [];
    let NextToken: string | undefined;
    do {
      const page =
        resource.kind === 'ec2-fleet'
          ? await this.ctx.aws.describe((abortSignal) =>
              this.ctx.clients.ec2.send(
                new DescribeFleetInstancesCommand({ FleetId: resource.id, NextToken }),
                {
                  abortSignal,
                },
              ),
            )
          : await this.ctx.aws.describe((abortSignal) =>
              this.ctx.clients.ec2.send(
                new DescribeSpotFleetInstancesCommand({ SpotFleetRequestId: resource.id, NextToken }),
                { abortSignal },
              ),
            );
      ids.push(
        ...(page.ActiveInstances ?? []).map((i) => i.InstanceId ?? '').filter((id) => id && !seen.has(id)),
      );
      NextToken = page.NextToken;
    } while (NextToken);
    if (ids.length === 0) return [];
    const tags = toAwsTags(requestTags(request.requestId, request.tags));
    for (const part of chunks(ids, 1000)) {
      await this.ctx.aws.mutate((abortSignal) =>
        this.ctx.clients.ec2.send(new CreateTagsCommand({ Resources: part, Tags: tags }), { abortSignal }),
      );
    }
    ids.forEach((id) => seen.add(id));
    const { instances } = await this.ctx.describer.byIds(ids);
    return instances.map((i) => ({
      ...i,
      Tags: [...(i.Tags ?? []), { Key: TAG_REQUEST_ID, Value: request.requestId }],
    }));
  }
}
