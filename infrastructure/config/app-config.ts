import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/** Thrown at start for a bad setting, naming the key so the administrator knows what to fix. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`configuration ${key}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface TokenConfig {
  /** sha256 of the token, hex. */
  sha256: string;
  role: 'hostfactory' | 'admin';
  name?: string;
}

/** CloudEvents delivery and the live stream (OHF_DELIVERY_*, OHF_STREAM_*). */
export interface DeliveryConfig {
  pollMs: number;
  discoverMs: number;
  batchSize: number;
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  retryAfterMaxMs: number;
  heartbeatMs: number;
}

export interface AppConfig {
  host: string;
  port: number;
  mongodbUri?: string;
  dataDir: string;
  dbName: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  deploymentId: string;
  instanceId: string;
  publicUrl: string;
  leaseTtlMs: number;
  tokens: TokenConfig[];
  /** Where awsprov_templates.json and the provider's configuration live. */
  providerConfDir?: string;
  templatesFile?: string;
  provider: 'simulated' | 'aws';
  simulatedLaunchDelayMs: number;
  reconcileIntervalMs: number;
  /** Machines Host Factory stopped listing are reaped after this long. */
  unlistedMachineTimeoutSec: number;
  readinessMaxLag: number;
  /** Unset: the provider's own setting (AWS_INSTANCE_PENDING_TIMEOUT_SEC), else 180. */
  pendingTimeoutSec?: number;
  /** Serve queries from an in-process replica of the read models (fast polls) instead of MongoDB. */
  memoryReadModels: boolean;
  /** Unset: the provider's own setting (INSTANCE_CREATION_TIMEOUT), else 1800. */
  strayTimeoutSec?: number;
  terminateStrays: boolean;
  /** Unset: the provider's own setting (AWS_SPOT_TERMINATE_ON_RECLAIM), else true. */
  terminateOnReclaim?: boolean;
  sinkAllowedHosts: string[];
  delivery: DeliveryConfig;
}

type Source = Record<string, unknown>;

const str = (src: Source, key: string, fallback?: string): string | undefined => {
  const v = src[key];
  if (v === undefined || v === '') return fallback;
  if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError(key, 'must be a string');
  return String(v);
};

const int = (src: Source, key: string, fallback: number, min: number, max: number): number => {
  const raw = src[key];
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : /^-?\d+$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(key, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
};

const oneOf = <T extends string>(src: Source, key: string, allowed: readonly T[], fallback: T): T => {
  const v = str(src, key, fallback) as T;
  if (!allowed.includes(v))
    throw new ConfigError(key, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
};

const bool = (src: Source, key: string, fallback: boolean): boolean => {
  const v = src[key];
  if (v === undefined || v === '') return fallback;
  if (v === true || v === 'true' || v === '1') return true;
  if (v === false || v === 'false' || v === '0') return false;
  throw new ConfigError(key, `must be true or false, got ${JSON.stringify(v)}`);
};

/** A setting with no default of its own: undefined when absent, validated when present. */
const optional = <T>(src: Source, key: string, read: () => T): T | undefined =>
  src[key] === undefined || src[key] === '' ? undefined : read();

function parseTokens(src: Source): TokenConfig[] {
  const raw = src.OHF_TOKENS;
  if (raw === undefined || raw === '') return [];
  let list: unknown;
  try {
    list = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    throw new ConfigError('OHF_TOKENS', 'must be JSON: [{"sha256": "<hex>", "role": "hostfactory"|"admin"}]');
  }
  if (!Array.isArray(list)) throw new ConfigError('OHF_TOKENS', 'must be a list');
  return list.map((t, i) => {
    const entry = t as Partial<TokenConfig>;
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256))
      throw new ConfigError(`OHF_TOKENS[${i}].sha256`, 'must be the 64 hex digits of sha256(token)');
    if (entry.role !== 'hostfactory' && entry.role !== 'admin')
      throw new ConfigError(`OHF_TOKENS[${i}].role`, 'must be "hostfactory" or "admin"');
    return { sha256: entry.sha256, role: entry.role, name: entry.name };
  });
}

/**
 * Configuration from the environment, over an optional JSON file (OHF_CONFIG_FILE) with the same
 * keys. Validated once at start: a bad value stops the service with the key named.
 */
function deliveryConfig(src: Source): DeliveryConfig {
  const delivery: DeliveryConfig = {
    pollMs: int(src, 'OHF_DELIVERY_POLL_MS', 200, 5, 60_000),
    discoverMs: int(src, 'OHF_DELIVERY_DISCOVER_MS', 1000, 10, 600_000),
    batchSize: int(src, 'OHF_DELIVERY_BATCH', 100, 1, 10_000),
    timeoutMs: int(src, 'OHF_DELIVERY_TIMEOUT_MS', 10_000, 50, 300_000),
    maxAttempts: int(src, 'OHF_DELIVERY_MAX_ATTEMPTS', 10, 1, 1_000_000),
    backoffBaseMs: int(src, 'OHF_DELIVERY_BACKOFF_BASE_MS', 1000, 1, 3_600_000),
    backoffMaxMs: int(src, 'OHF_DELIVERY_BACKOFF_MAX_MS', 300_000, 1, 86_400_000),
    retryAfterMaxMs: int(src, 'OHF_DELIVERY_RETRY_AFTER_MAX_MS', 600_000, 0, 86_400_000),
    heartbeatMs: int(src, 'OHF_STREAM_HEARTBEAT_MS', 15_000, 100, 600_000),
  };
  if (delivery.backoffMaxMs < delivery.backoffBaseMs)
    throw new ConfigError('OHF_DELIVERY_BACKOFF_MAX_MS', 'must not be below OHF_DELIVERY_BACKOFF_BASE_MS');
  return delivery;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  let file: Source = {};
  if (env.OHF_CONFIG_FILE) {
    try {
      file = JSON.parse(readFileSync(env.OHF_CONFIG_FILE, 'utf8')) as Source;
    } catch (error) {
      throw new ConfigError(
        'OHF_CONFIG_FILE',
        `cannot read ${env.OHF_CONFIG_FILE}: ${(error as Error).message}`,
      );
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file))
      throw new ConfigError('OHF_CONFIG_FILE', 'must hold a JSON object');
  }
  const src: Source = {
    ...file,
    ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  };
  const host = str(src, 'HOST', '127.0.0.1')!;
  const port = int(src, 'PORT', 8080, 0, 65535);
  const mongodbUri = str(src, 'MONGODB_URI');
  if (mongodbUri && !/^mongodb(\+srv)?:\/\//.test(mongodbUri))
    throw new ConfigError('MONGODB_URI', 'must start with mongodb:// or mongodb+srv://');
  const providerConfDir = str(src, 'HF_PROVIDER_CONFDIR');
  return {
    host,
    port,
    mongodbUri,
    dataDir: resolve(str(src, 'OHF_DATA_DIR', '.data')!),
    dbName: str(src, 'OHF_DB_NAME', 'open-host-factory')!,
    logLevel: oneOf(src, 'LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const, 'info'),
    deploymentId: str(src, 'OHF_DEPLOYMENT_ID', 'default')!,
    instanceId: str(src, 'OHF_INSTANCE_ID', `${hostname()}-${process.pid}`)!,
    publicUrl: str(src, 'OHF_PUBLIC_URL', `http://${host}:${port}`)!.replace(/\/$/, ''),
    leaseTtlMs: int(src, 'OHF_LEASE_TTL_MS', 10_000, 200, 600_000),
    tokens: parseTokens(src),
    providerConfDir,
    templatesFile: str(
      src,
      'OHF_TEMPLATES_FILE',
      providerConfDir ? `${providerConfDir}/awsprov_templates.json` : undefined,
    ),
    provider: oneOf(src, 'OHF_PROVIDER', ['simulated', 'aws'] as const, 'simulated'),
    simulatedLaunchDelayMs: int(src, 'OHF_SIMULATED_LAUNCH_DELAY_MS', 2000, 0, 3_600_000),
    reconcileIntervalMs: int(src, 'OHF_RECONCILE_INTERVAL_MS', 5000, 20, 600_000),
    unlistedMachineTimeoutSec: int(src, 'OHF_UNLISTED_MACHINE_TIMEOUT_SEC', 1800, 1, 30 * 86400),
    readinessMaxLag: int(src, 'OHF_READY_MAX_LAG', 1000, 0, 10_000_000),
    pendingTimeoutSec: optional(src, 'OHF_PENDING_TIMEOUT_SEC', () =>
      int(src, 'OHF_PENDING_TIMEOUT_SEC', 180, 1, 86400),
    ),
    memoryReadModels: bool(src, 'OHF_MEMORY_READ_MODELS', true),
    strayTimeoutSec: optional(src, 'OHF_STRAY_TIMEOUT_SEC', () =>
      int(src, 'OHF_STRAY_TIMEOUT_SEC', 1800, 1, 30 * 86400),
    ),
    terminateStrays: bool(src, 'OHF_TERMINATE_STRAYS', true),
    terminateOnReclaim: optional(src, 'OHF_TERMINATE_ON_RECLAIM', () =>
      bool(src, 'OHF_TERMINATE_ON_RECLAIM', true),
    ),
    sinkAllowedHosts: (str(src, 'OHF_SINK_ALLOWED_HOSTS', '') ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    delivery: deliveryConfig(src),
  };
}

export const APP_CONFIG = Symbol('AppConfig');
