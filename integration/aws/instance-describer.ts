import {
  DescribeInstancesCommand,
  DescribeInstancesCommandInput,
  EC2Client,
  Instance,
} from '@aws-sdk/client-ec2';
import { TAG_DEPLOYMENT_ID, TAG_REQUEST_ID } from '../../domain/ports/cloud-provider.port';
import { errorCode, errorMessage } from './aws-error.mapper';
import { AwsCaller } from './aws-retry';
import { chunks } from './batching';

/** States of an instance that still exists (or is on its way out but not gone). */
export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

/** DescribeInstances by id: AWS allows 1,000 ids a call (no MaxResults with ids). */
const IDS_PER_CALL = 1000;
/** EC2 refuses more than 200 values in one filter. */
const VALUES_PER_FILTER = 200;
const PAGE_SIZE = 1000;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/**
 * Batched DescribeInstances: by id (status of known machines) and by tag (a request's or a
 * deployment's instances), never one call per machine or per request.
 */
export class InstanceDescriber {
  constructor(
    private readonly ec2: EC2Client,
    private readonly aws: AwsCaller,
  ) {}

  async byIds(ids: readonly string[]): Promise<{ instances: Instance[]; missing: string[] }> {
    const unique = [...new Set(ids)];
    const found = new Map<string, Instance>();
    for (const chunk of chunks(
      unique.filter((id) => INSTANCE_ID.test(id)),
      IDS_PER_CALL,
    )) {
      for (const instance of await this.describeChunk(chunk)) found.set(instance.InstanceId ?? '', instance);
    }
    return { instances: [...found.values()], missing: unique.filter((id) => !found.has(id)) };
  }

  /** Instances tagged for any of these requests; `liveOnly` leaves out terminated ones. */
  byRequestIds(requestIds: readonly string[], liveOnly: boolean): Promise<Instance[]> {
    return this.byTag(TAG_REQUEST_ID, requestIds, liveOnly);
  }

  byDeployment(deploymentId: string): Promise<Instance[]> {
    return this.byTag(TAG_DEPLOYMENT_ID, [deploymentId], true);
  }

  async byTag(key: string, values: readonly string[], liveOnly: boolean): Promise<Instance[]> {
    const out: Instance[] = [];
    for (const part of chunks([...new Set(values)], VALUES_PER_FILTER)) {
      const filters = [{ Name: `tag:${key}`, Values: part }];
      if (liveOnly) filters.push({ Name: 'instance-state-name', Values: LIVE_STATES });
      out.push(...(await this.pages({ Filters: filters, MaxResults: PAGE_SIZE })));
    }
    return out;
  }

  /**
   * One unknown id fails the whole call with InvalidInstanceID.NotFound (an instance terminated
   * long ago, or not yet visible). AWS names the ids it does not know: drop them and ask again;
   * if it names none we can use, a filter on instance-id answers for the others without failing.
   */
  private async describeChunk(ids: string[]): Promise<Instance[]> {
    let remaining = ids;
    for (let round = 0; round < 3 && remaining.length > 0; round++) {
      try {
        return await this.pages({ InstanceIds: remaining });
      } catch (error) {
        if (!/^InvalidInstanceID\.(NotFound|Malformed)$/.test(errorCode(error))) throw error;
        const named = new Set(errorMessage(error).match(/i-[0-9a-f]+/g) ?? []);
        const left = remaining.filter((id) => !named.has(id));
        if (left.length === remaining.length) break;
        remaining = left;
      }
    }
    const out: Instance[] = [];
    for (const part of chunks(remaining, VALUES_PER_FILTER)) {
      out.push(
        ...(await this.pages({ Filters: [{ Name: 'instance-id', Values: part }], MaxResults: PAGE_SIZE })),
      );
    }
    return out;
  }

  private async pages(input: DescribeInstancesCommandInput): Promise<Instance[]> {
    const out: Instance[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.aws.describe((abortSignal) =>
        this.ec2.send(new DescribeInstancesCommand({ ...input, NextToken }), { abortSignal }),
      );
      for (const reservation of page.Reservations ?? []) out.push(...(reservation.Instances ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }
}
