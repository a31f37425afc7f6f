import { CloudProviderError } from '../../domain/ports/cloud-provider.port';

/**
 * How AWS errors are told apart. The SDK names a service error by its code (`error.name`);
 * network failures carry a Node code (`ECONNRESET`) and timeouts `TimeoutError`/`AbortError`.
 */

const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'EC2ThrottledException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
]);

const TRANSIENT = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ResourceContention',
]);

/** AWS has no room for the launch right now (or not in this AZ): another subnet, type or later may work. */
const CAPACITY = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InsufficientHostCapacity',
  'InsufficientReservedInstanceCapacity',
  'InsufficientCapacityOnOutpost',
  'InsufficientFreeAddressesInSubnet',
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'MaxSpotInstanceCountExceeded',
  'SpotMaxPriceTooLow',
  'Unsupported',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const shape = (error: unknown): ErrorLike => (typeof error === 'object' && error !== null ? error : {});

export function errorCode(error: unknown): string {
  const e = shape(error);
  if (error instanceof CloudProviderError) return error.code;
  if (typeof e.Code === 'string' && e.Code) return e.Code;
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  if (typeof e.name === 'string' && e.name && e.name !== 'Error') return e.name;
  if (typeof e.code === 'string' && e.code) return e.code;
  const status = e.$metadata?.httpStatusCode;
  return status ? `HTTP${status}` : 'UnknownError';
}

export function errorMessage(error: unknown): string {
  const message = shape(error).message;
  return typeof message === 'string' && message ? message : String(error);
}

export const isThrottling = (error: unknown): boolean => THROTTLING.has(errorCode(error));

export function isTransient(error: unknown): boolean {
  if (error instanceof CloudProviderError) return error.retryable;
  const status = shape(error).$metadata?.httpStatusCode ?? 0;
  return isThrottling(error) || TRANSIENT.has(errorCode(error)) || status >= 500;
}

export const isCapacityError = (error: unknown): boolean => CAPACITY.has(errorCode(error));

export const isNotFound = (error: unknown): boolean =>
  /NotFound|DoesNotExist/.test(errorCode(error)) || /not found|does not exist/i.test(errorMessage(error));

/** What the service sees: AWS's own code and message, and whether trying again later can help. */
export function toCloudProviderError(error: unknown, action: string): CloudProviderError {
  if (error instanceof CloudProviderError) return error;
  const code = errorCode(error);
  const timeout = code === 'TimeoutError' || code === 'AbortError';
  const message = timeout ? `${action}: AWS did not answer in time` : `${action}: ${errorMessage(error)}`;
  return new CloudProviderError(timeout ? 'Timeout' : code, message, isTransient(error));
}
