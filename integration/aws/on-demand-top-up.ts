import { ModifySpotFleetRequestCommand } from '@aws-sdk/client-ec2';
import {
  InstanceObservation,
  LaunchFailure,
  ProviderResource,
  RequestWatch,
} from '../../domain/ports/cloud-provider.port';
import type { AwsContext } from './aws-context';
import { cancelSpotFleets } from './fleet-deletion';
import { Ec2FleetProvisioner, fleetResource, instantResult } from './ec2-fleet.provisioner';
import type { FleetStatus } from './fleet-status.reader';
import { capacityOverrides, onDemandTypes, spotExpiryMs } from './launch-plan';
import { requestTags, ROLE_ON_DEMAND_TOP_UP, TAG_CAPACITY_ROLE, tagValue } from './tags';

/** Top up this long before the Spot Fleet expires, so that a 30 s poll cannot miss the moment. */
export const TOP_UP_LEAD_SEC = 90;

export interface TopUp {
  resource: ProviderResource;
  instances: InstanceObservation[];
  failures: LaunchFailure[];
}

/**
 * IBM's heterogeneous templates: a Spot Fleet gets until near its expiry to fill the request;
 * what it left unfilled by then is launched on demand by an instant EC2 Fleet over the template's
 * on-demand types. The Spot Fleet's target is first lowered to what it holds, so that it cannot
 * fill the same units in its last seconds and double them.
 */
export class OnDemandTopUp {
  constructor(
    private readonly ctx: AwsContext,
    private readonly fleets: Ec2FleetProvisioner,
  ) {}

  async maybeTopUp(request: RequestWatch, spot: FleetStatus | undefined): Promise<TopUp | undefined> {
    const { template } = request;
    if (template.priceType !== 'heterogeneous' || request.resources.some((r) => r.kind === 'ec2-fleet'))
      return;
    const unfilled = spot
      ? Math.min(request.pendingUnits, Math.ceil(spot.targetCapacity - spot.fulfilledCapacity))
      : request.pendingUnits;
    if (unfilled <= 0) return;
    const nowSec = this.ctx.now() / 1000;
    const expiresAt = spot?.validUntil ?? spotExpiryMs(template, request.launchedAt * 1000) / 1000;
    if (spot?.active && nowSec < expiresAt - TOP_UP_LEAD_SEC) return;

    if (spot?.active) await this.freeze(spot);
    const existing = (await this.fleets.findFleets(request.requestId)).find(
      (f) => tagValue(f.Tags, TAG_CAPACITY_ROLE) === ROLE_ON_DEMAND_TOP_UP,
    );
    if (existing?.FleetId) {
      const result = instantResult(request, unfilled, existing.Instances ?? [], existing.Errors ?? []);
      return { resource: fleetResource(existing.FleetId, 'instant'), ...result };
    }
    const order = {
      requestId: request.requestId,
      template,
      tags: requestTags(request.requestId, request.tags),
      clientToken: request.clientToken,
    };
    const launchTemplate = await this.ctx.templates.ensure(order);
    const created = await this.fleets.createFleet({
      order,
      type: 'instant',
      units: unfilled,
      onDemandUnits: unfilled,
      overrides: capacityOverrides(template, onDemandTypes(template)),
      launchTemplate,
      purpose: ROLE_ON_DEMAND_TOP_UP,
      extraTags: { [TAG_CAPACITY_ROLE]: ROLE_ON_DEMAND_TOP_UP },
    });
    return {
      resource: fleetResource(created.fleetId, 'instant'),
      instances: created.instances,
      failures: created.failures,
    };
  }

  /** Holds the Spot Fleet at what it has launched, without terminating anything. */
  private async freeze(spot: FleetStatus): Promise<void> {
    const held = Math.floor(spot.fulfilledCapacity);
    if (held <= 0) return cancelSpotFleets(this.ctx, [spot.id]);
    await this.ctx.aws.mutate((abortSignal) =>
      this.ctx.clients.ec2.send(
        new ModifySpotFleetRequestCommand({
          SpotFleetRequestId: spot.id,
          TargetCapacity: held,
          OnDemandTargetCapacity:
            spot.onDemandTarget !== undefined ? Math.min(spot.onDemandTarget, held) : undefined,
          ExcessCapacityTerminationPolicy: 'noTermination',
        }),
        { abortSignal },
      ),
    );
  }
}
