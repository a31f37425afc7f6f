import { Instance, ModifyFleetCommand, ModifySpotFleetRequestCommand } from '@aws-sdk/client-ec2';
import { errorCode } from './aws-error.mapper';
import type { AwsContext } from './aws-context';
import { cancelSpotFleets, deleteEc2Fleets } from './fleet-deletion';
import type { FleetStatus } from './fleet-status.reader';

/** A fleet that is still applying the previous change refuses the next one for a moment. */
const busyFleet = (error: unknown): boolean =>
  /IncorrectState|IncorrectFleetState|IncorrectSpotFleetRequestState/.test(errorCode(error));

/**
 * Lowers a request/maintain fleet's target by the capacity of the instances being returned,
 * BEFORE they are terminated, with a no-termination excess policy: the fleet then neither
 * replaces them (maintain) nor terminates another instance to meet the lower target. When the
 * target would reach zero the fleet is deleted instead, keeping its instances (TerminateInstances
 * false): it has nothing left to launch, and a deleted fleet cannot replace anything. AWS modifies
 * `maintain` fleets only (ModifyFleet and ModifySpotFleetRequest refuse one-time `request`
 * fleets): a `request` fleet is left as it is, it never replaces what is terminated.
 */
export async function lowerFleetTarget(
  ctx: AwsContext,
  status: FleetStatus,
  returned: (Instance | undefined)[],
): Promise<void> {
  if (!status.active) return; // failed, cancelled, deleted or expired: it launches nothing more
  // An instance AWS no longer lists still held capacity: count it at the fleet's smallest weight.
  const weights = Object.values(status.weights);
  const smallest = weights.length > 0 ? Math.min(...weights) : 1;
  let total = 0;
  let onDemand = 0;
  for (const instance of returned) {
    const weight = (instance && status.weights[instance.InstanceType ?? '']) || smallest;
    total += weight;
    if (instance && instance.InstanceLifecycle !== 'spot') onDemand += weight;
  }
  const target = Math.max(0, status.targetCapacity - total);
  const odTarget =
    status.onDemandTarget !== undefined
      ? Math.min(target, Math.max(0, status.onDemandTarget - onDemand))
      : undefined;

  if (target === 0) {
    if (status.kind === 'ec2-fleet') return deleteEc2Fleets(ctx, [status.id], false);
    return cancelSpotFleets(ctx, [status.id]);
  }
  if (status.type !== 'maintain') return;

  if (status.kind === 'ec2-fleet') {
    await ctx.aws.mutate(
      (abortSignal) =>
        ctx.clients.ec2.send(
          new ModifyFleetCommand({
            FleetId: status.id,
            ExcessCapacityTerminationPolicy: 'no-termination',
            TargetCapacitySpecification: {
              TotalTargetCapacity: target,
              OnDemandTargetCapacity: odTarget,
              SpotTargetCapacity: status.spotTarget !== undefined ? target - (odTarget ?? 0) : undefined,
            },
          }),
          { abortSignal },
        ),
      busyFleet,
    );
    return;
  }
  await ctx.aws.mutate(
    (abortSignal) =>
      ctx.clients.ec2.send(
        new ModifySpotFleetRequestCommand({
          SpotFleetRequestId: status.id,
          TargetCapacity: target,
          OnDemandTargetCapacity: odTarget,
          ExcessCapacityTerminationPolicy: 'noTermination',
        }),
        { abortSignal },
      ),
    busyFleet,
  );
}
