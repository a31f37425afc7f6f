import { createHash } from 'node:crypto';
import { TAG_REQUEST_ID } from '../../domain/ports/cloud-provider.port';

/**
 * Tags and names are how the provider finds its own resources again: after a crash between
 * "AWS said yes" and "the service recorded it", and on moto, which ignores ClientToken.
 */

export interface AwsTag {
  Key?: string;
  Value?: string;
}

/** Marks the on-demand fleet that tops up what a heterogeneous request's Spot Fleet left unfilled. */
export const TAG_CAPACITY_ROLE = 'ohf:capacity';
export const ROLE_ON_DEMAND_TOP_UP = 'on-demand-top-up';

export const toAwsTags = (tags: Record<string, string>): { Key: string; Value: string }[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export const tagValue = (tags: AwsTag[] | undefined, key: string): string | undefined =>
  tags?.find((tag) => tag.Key === key)?.Value;

/** The order's tags, with the request id guaranteed: adoption depends on it. */
export const requestTags = (requestId: string, tags: Record<string, string>): Record<string, string> => ({
  ...tags,
  [TAG_REQUEST_ID]: requestId,
});

/**
 * Name of the launch template and Auto Scaling group made for a request. Both names are unique
 * per region, so a second create after a crash fails with "already exists" instead of duplicating.
 */
export const resourceName = (requestId: string): string =>
  `ohf-${requestId.replace(/[^A-Za-z0-9().\-_/]/g, '_')}`.slice(0, 128);

/**
 * A ClientToken for one create of a request: deterministic (the same order retried sends the same
 * token, so AWS returns the first result) and distinct per purpose (a top-up is a new launch).
 * EC2 allows 64 ASCII characters.
 */
export const clientTokenFor = (orderToken: string, purpose: string): string =>
  createHash('sha256').update(`${orderToken}\u0000${purpose}`).digest('hex').slice(0, 64);
