import * as http from 'node:http';
import * as https from 'node:https';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client, EC2ClientConfig } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import type { AwsProviderConfig } from './aws-provider.config';
import { ProxyTunnelHttpAgent, ProxyTunnelHttpsAgent } from './proxy-tunnel.agent';

/** One client per AWS service for the life of the provider: connections and credentials are reused. */
export interface AwsClients {
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
  ssm: SSMClient;
}

export type AwsCredentials = EC2ClientConfig['credentials'];

/** A describe of 1,000 instances can take seconds; an idle socket for this long is a dead one. */
const SOCKET_IDLE_TIMEOUT_MS = 30000;

export function createAwsClients(config: AwsProviderConfig, credentials?: AwsCredentials): AwsClients {
  const common = {
    region: config.region,
    endpoint: config.endpointUrl,
    credentials: credentials ?? credentialsOf(config),
    // Retries are ours (aws-retry.ts): counted, bounded by the config's attempts and jittered, and
    // the same for every call whether or not the SDK knows the error code.
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: config.connectionTimeoutMs,
      requestTimeout: Math.max(SOCKET_IDLE_TIMEOUT_MS, config.connectionTimeoutMs),
      ...agentsOf(config),
    },
  };
  return {
    ec2: new EC2Client(common),
    autoScaling: new AutoScalingClient(common),
    ssm: new SSMClient(common),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.ec2.destroy();
  clients.autoScaling.destroy();
  clients.ssm.destroy();
}

function credentialsOf(config: AwsProviderConfig): AwsCredentials {
  if (config.credentialFile) return fromIni({ filepath: config.credentialFile, profile: config.profile });
  if (config.profile) return fromIni({ profile: config.profile });
  return undefined; // the SDK's default chain: env, shared files, SSO, instance profile
}

function agentsOf(config: AwsProviderConfig): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  if (config.proxy) {
    return {
      httpAgent: new ProxyTunnelHttpAgent(config.proxy, config.connectionTimeoutMs),
      httpsAgent: new ProxyTunnelHttpsAgent(config.proxy, config.connectionTimeoutMs, { maxSockets: 50 }),
    };
  }
  return {
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 50 }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 50 }),
  };
}

/** Counts the AWS API calls the clients make (each retry is a call): for benchmarks and metrics. */
export interface AwsCallCounter {
  total(): number;
  byCommand(): Record<string, number>;
  reset(): void;
}

export function countAwsCalls(clients: AwsClients): AwsCallCounter {
  const counts = new Map<string, number>();
  const bump = (name: string): void => void counts.set(name, (counts.get(name) ?? 0) + 1);
  const options = { step: 'initialize' as const, name: 'ohfAwsCallCounter', override: true };
  clients.ec2.middlewareStack.add(
    (next, context) => (args) => (bump(context.commandName ?? 'ec2'), next(args)),
    options,
  );
  clients.autoScaling.middlewareStack.add(
    (next, context) => (args) => (bump(context.commandName ?? 'autoscaling'), next(args)),
    options,
  );
  clients.ssm.middlewareStack.add(
    (next, context) => (args) => (bump(context.commandName ?? 'ssm'), next(args)),
    options,
  );
  return {
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    byCommand: () => Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b))),
    reset: () => counts.clear(),
  };
}
