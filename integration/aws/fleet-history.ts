import { DescribeFleetHistoryCommand, DescribeSpotFleetRequestHistoryCommand } from '@aws-sdk/client-ec2';
import type { ProviderResource } from '../../domain/ports/cloud-provider.port';
import type { AwsContext } from './aws-context';

/**
 * AWS's own words for why a fleet left capacity unfilled ("There is no Spot capacity available
 * that matches your request."), read from the fleet's error history. Asked only when a request
 * is being failed, once per fleet; an unreadable history falls back to a generic message.
 */
const REASON_EVENTS = new Set(['error', 'information', 'service-error']);

export async function lastFleetError(
  ctx: AwsContext,
  resource: ProviderResource,
  sinceSec: number,
): Promise<string | undefined> {
  const StartTime = new Date(sinceSec * 1000);
  try {
    const records =
      resource.kind === 'ec2-fleet'
        ? (
            await ctx.aws.describe((abortSignal) =>
              ctx.clients.ec2.send(new DescribeFleetHistoryCommand({ FleetId: resource.id, StartTime }), {
                abortSignal,
              }),
            )
          ).HistoryRecords
        : (
            await ctx.aws.describe((abortSignal) =>
              ctx.clients.ec2.send(
                new DescribeSpotFleetRequestHistoryCommand({ SpotFleetRequestId: resource.id, StartTime }),
                { abortSignal },
              ),
            )
          ).HistoryRecords;
    // Capacity shortfalls are 'information' events (launchSpecUnusable…), hard failures 'error'.
    const latest = [...(records ?? [])]
      .filter((r) => REASON_EVENTS.has(r.EventType ?? ''))
      .sort((a, b) => new Date(b.Timestamp ?? 0).getTime() - new Date(a.Timestamp ?? 0).getTime())[0];
    return latest?.EventInformation?.EventDescription || undefined;
  } catch {
    return undefined;
  }
}
