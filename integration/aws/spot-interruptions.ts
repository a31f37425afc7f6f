import {
  DescribeSpotInstanceRequestsCommand,
  DescribeSpotInstanceRequestsCommandInput,
  EC2Client,
  Instance,
  SpotInstanceRequest,
} from '@aws-sdk/client-ec2';
import { errorCode } from './aws-error.mapper';
import { AwsCaller } from './aws-retry';
import { chunks } from './batching';

/** AWS gives two minutes between the interruption notice and taking the instance. */
export const SPOT_NOTICE_SEC = 120;

/** The request says AWS is about to take the instance: the notice is out, the clock is running. */
const MARKED = new Set(['marked-for-termination', 'marked-for-stop', 'marked-for-hibernation']);
/** AWS has already taken it (the user's own terminations are not reclaims). */
const TAKEN = /^instance-(terminated|stopped|hibernated)-(?!by-user)/;
const SPOT_TERMINATION_REASON = 'Server.SpotInstanceTermination';
const REQUEST_IDS_PER_CALL = 1000;
const VALUES_PER_FILTER = 200;

/**
 * Which spot machines AWS is reclaiming, and by when (epoch seconds). One batched
 * DescribeSpotInstanceRequests for all live spot machines (by request id as DescribeInstances
 * reports it; by instance id where it does not), nothing for on-demand ones.
 */
export class SpotInterruptions {
  constructor(
    private readonly ec2: EC2Client,
    private readonly aws: AwsCaller,
  ) {}

  async deadlines(instances: readonly Instance[], nowSec: number): Promise<Map<string, number>> {
    const deadlines = new Map<string, number>();
    const toAsk: Instance[] = [];
    for (const instance of instances) {
      if (instance.InstanceLifecycle !== 'spot' || !instance.InstanceId) continue;
      if (instance.StateReason?.Code === SPOT_TERMINATION_REASON) deadlines.set(instance.InstanceId, nowSec);
      else if (['pending', 'running', 'stopping'].includes(instance.State?.Name ?? '')) toAsk.push(instance);
    }
    for (const request of await this.requestsOf(toAsk)) {
      const deadline = deadlineOf(request, nowSec);
      if (request.InstanceId && deadline !== undefined) deadlines.set(request.InstanceId, deadline);
    }
    return deadlines;
  }

  private async requestsOf(instances: Instance[]): Promise<SpotInstanceRequest[]> {
    if (instances.length === 0) return [];
    const out: SpotInstanceRequest[] = [];
    const withRequest = instances.filter((i) => i.SpotInstanceRequestId);
    const byInstanceId = instances.filter((i) => !i.SpotInstanceRequestId).map((i) => i.InstanceId ?? '');
    for (const part of chunks(withRequest, REQUEST_IDS_PER_CALL)) {
      try {
        out.push(
          ...(await this.pages({ SpotInstanceRequestIds: part.map((i) => i.SpotInstanceRequestId ?? '') })),
        );
      } catch (error) {
        // A request AWS has already forgotten fails the batch; the instance-id filter cannot.
        if (!/NotFound/.test(errorCode(error))) throw error;
        byInstanceId.push(...part.map((i) => i.InstanceId ?? ''));
      }
    }
    for (const part of chunks(byInstanceId, VALUES_PER_FILTER)) {
      out.push(...(await this.pages({ Filters: [{ Name: 'instance-id', Values: part }], MaxResults: 1000 })));
    }
    return out;
  }

  private async pages(input: DescribeSpotInstanceRequestsCommandInput): Promise<SpotInstanceRequest[]> {
    const out: SpotInstanceRequest[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.aws.describe((abortSignal) =>
        this.ec2.send(new DescribeSpotInstanceRequestsCommand({ ...input, NextToken }), { abortSignal }),
      );
      out.push(...(page.SpotInstanceRequests ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }
}

function deadlineOf(request: SpotInstanceRequest, nowSec: number): number | undefined {
  const code = request.Status?.Code ?? '';
  const updated = request.Status?.UpdateTime
    ? Math.floor(new Date(request.Status.UpdateTime).getTime() / 1000)
    : NaN;
  // The notice time is when the status changed; a clock far off from ours falls back to now.
  const noticedAt = Number.isFinite(updated) && Math.abs(nowSec - updated) <= 3600 ? updated : nowSec;
  if (MARKED.has(code)) return noticedAt + SPOT_NOTICE_SEC;
  if (TAKEN.test(code)) return Math.min(noticedAt, nowSec);
  return undefined;
}
