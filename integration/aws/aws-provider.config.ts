import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The AWS provider's settings, read from Host Factory's `awsprov_config.json` (same keys IBM's
 * plug-in reads) and overridden by the standard AWS environment variables, so that an
 * installation made for IBM's provider works unchanged and a developer can point it at moto.
 */
export interface AwsProviderConfig {
  region: string;
  /** Named profile (env AWS_PROFILE), looked up in the credential file when one is given. */
  profile?: string;
  /** Absolute path; absent means the default credential chain (env, instance profile, SSO…). */
  credentialFile?: string;
  endpointUrl?: string;
  proxy?: { host: string; port: number };
  connectionTimeoutMs: number;
  /** Retries of a failed create/modify/terminate call (0-10); describes have their own count. */
  requestRetryAttempts: number;
  /** A machine still pending after this long should be terminated and failed (by the service). */
  instancePendingTimeoutSec: number;
  describeRetryAttempts: number;
  /** First back-off step between describe retries, in milliseconds (later ones grow exponentially). */
  describeRequestIntervalMs: number;
  /** Whether returning a host AWS already marked for reclaim terminates it or leaves it to AWS. */
  spotTerminateOnReclaim: boolean;
  /** Minutes after which an instance Host Factory never adopted may be reaped (by the service). */
  instanceCreationTimeoutMin: number;
}

export const AWS_CONFIG_FILE = 'awsprov_config.json';

type Raw = Record<string, unknown>;

/**
 * Pure apart from reading the file: the caller passes the environment, so tests and the service
 * decide what it holds. `confDir` defaults to Host Factory's (or LSF's) provider conf folder.
 */
export function loadAwsProviderConfig(env: NodeJS.ProcessEnv, confDir?: string): AwsProviderConfig {
  const dir = confDir ?? env.HF_PROVIDER_CONFDIR ?? env.PRO_CONF_DIR;
  const file = dir ? readConfigFile(join(dir, AWS_CONFIG_FILE)) : {};
  const merged: Raw = { ...file };
  for (const key of ['AWS_REGION', 'AWS_ENDPOINT_URL'] as const) {
    if (nonEmpty(env[key])) merged[key] = env[key];
  }

  const region = text(merged, 'AWS_REGION');
  if (!region) throw new Error(`AWS_REGION is required (in ${AWS_CONFIG_FILE} or the environment)`);
  if (!/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(region))
    throw new Error(`AWS_REGION '${region}' is not an AWS region`);

  const endpointUrl = text(merged, 'AWS_ENDPOINT_URL');
  if (endpointUrl && !/^https?:\/\/[^\s/]+/.test(endpointUrl)) {
    throw new Error(`AWS_ENDPOINT_URL '${endpointUrl}' is not an http(s) URL`);
  }
  const credentialFile = text(merged, 'AWS_CREDENTIAL_FILE');

  return {
    region,
    profile: nonEmpty(env.AWS_PROFILE) ? env.AWS_PROFILE : undefined,
    credentialFile:
      credentialFile && (isAbsolute(credentialFile) || !dir ? credentialFile : resolve(dir, credentialFile)),
    endpointUrl,
    proxy: proxyOf(merged),
    connectionTimeoutMs: int(merged, 'AWS_CONNECTION_TIMEOUT_MS', 10000, 1, 600000),
    requestRetryAttempts: int(merged, 'AWS_REQUEST_RETRY_ATTEMPTS', 3, 0, 10),
    instancePendingTimeoutSec: int(merged, 'AWS_INSTANCE_PENDING_TIMEOUT_SEC', 180, 1, 86400),
    describeRetryAttempts: int(merged, 'AWS_DESCRIBE_REQUEST_RETRY_ATTEMPTS', 3, 0, 10),
    describeRequestIntervalMs: int(merged, 'AWS_DESCRIBE_REQUEST_INTERVAL', 200, 0, 60000),
    spotTerminateOnReclaim: bool(merged, 'AWS_SPOT_TERMINATE_ON_RECLAIM', true),
    instanceCreationTimeoutMin: int(merged, 'INSTANCE_CREATION_TIMEOUT', 30, 1, 10080),
  };
}

function readConfigFile(path: string): Raw {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path} must hold a JSON object`);
  }
  return parsed as Raw;
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function text(raw: Raw, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`${key} must be a string`);
  return value.trim();
}

function int(raw: Raw, key: string, fallback: number, min: number, max: number): number {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function bool(raw: Raw, key: string, fallback: boolean): boolean {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const s = String(value).trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(s)) return true;
  if (['false', 'no', 'n', '0'].includes(s)) return false;
  throw new Error(`${key} must be true or false, got ${JSON.stringify(value)}`);
}

function proxyOf(raw: Raw): AwsProviderConfig['proxy'] {
  const host = text(raw, 'AWS_PROXY_HOST');
  const hasPort =
    raw.AWS_PROXY_PORT !== undefined && raw.AWS_PROXY_PORT !== null && raw.AWS_PROXY_PORT !== '';
  if (!host && !hasPort) return undefined;
  if (!host) throw new Error('AWS_PROXY_HOST is required when AWS_PROXY_PORT is set');
  if (!hasPort) throw new Error('AWS_PROXY_PORT is required when AWS_PROXY_HOST is set');
  return { host, port: int(raw, 'AWS_PROXY_PORT', 0, 1, 65535) };
}
