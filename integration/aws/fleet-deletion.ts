import { CancelSpotFleetRequestsCommand, DeleteFleetsCommand } from '@aws-sdk/client-ec2';
import { CloudProviderError } from '../../domain/ports/cloud-provider.port';
import { errorCode, errorMessage } from './aws-error.mapper';
import type { AwsContext } from './aws-context';
import { chunks } from './batching';

/** Already gone or already deleted: what deletion wanted. */
const GONE = /NotExist|NotFound|NotInDeletableState|NotInCancellableState/i;

/**
 * Deletes EC2 Fleets. Request/maintain fleets keep their instances (`terminateInstances` false);
 * AWS does not allow that for instant fleets, which are only deleted once their instances are
 * gone. AWS reports refusals in the answer rather than as an error: they are raised here.
 */
export async function deleteEc2Fleets(
  ctx: AwsContext,
  ids: string[],
  terminateInstances: boolean,
): Promise<void> {
  for (const part of chunks(ids, 25)) {
    const out = await ctx.aws.mutate((abortSignal) =>
      ctx.clients.ec2.send(
        new DeleteFleetsCommand({ FleetIds: part, TerminateInstances: terminateInstances }),
        {
          abortSignal,
        },
      ),
    );
    const refused = (out.UnsuccessfulFleetDeletions ?? []).filter((f) => !GONE.test(f.Error?.Code ?? ''));
    if (refused.length > 0) {
      const first = refused[0];
      throw new CloudProviderError(
        first.Error?.Code ?? 'DeleteFleetsFailed',
        `DeleteFleets ${first.FleetId}: ${first.Error?.Message ?? 'refused'}`,
        true,
      );
    }
  }
}

/**
 * Deletes instant fleets whose instances are all gone. AWS requires TerminateInstances for them;
 * an endpoint that then refuses because there is nothing to terminate (moto does) is asked again
 * without it, which for a fleet with no instances means the same.
 */
export async function deleteInstantFleets(ctx: AwsContext, ids: string[]): Promise<void> {
  try {
    await deleteEc2Fleets(ctx, ids, true);
  } catch (error) {
    if (errorCode(error) !== 'InvalidParameterCombination' || !/no instances/i.test(errorMessage(error)))
      throw error;
    await deleteEc2Fleets(ctx, ids, false);
  }
}

/** Cancels Spot Fleet requests, keeping their instances. */
export async function cancelSpotFleets(ctx: AwsContext, ids: string[]): Promise<void> {
  for (const part of chunks(ids, 100)) {
    const out = await ctx.aws.mutate((abortSignal) =>
      ctx.clients.ec2.send(
        new CancelSpotFleetRequestsCommand({ SpotFleetRequestIds: part, TerminateInstances: false }),
        {
          abortSignal,
        },
      ),
    );
    const refused = (out.UnsuccessfulFleetRequests ?? []).filter((f) => !GONE.test(f.Error?.Code ?? ''));
    if (refused.length > 0) {
      const first = refused[0];
      throw new CloudProviderError(
        first.Error?.Code ?? 'CancelSpotFleetRequestsFailed',
        `CancelSpotFleetRequests ${first.SpotFleetRequestId}: ${first.Error?.Message ?? 'refused'}`,
        true,
      );
    }
  }
}
