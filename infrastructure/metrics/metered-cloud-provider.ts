import { METRIC, MetricsRecorder } from '../../application/ports/metrics.port';
import type { CloudProvider } from '../../domain/ports/cloud-provider.port';

const METHODS = ['launch', 'describe', 'release', 'cleanup', 'listDeploymentInstances'] as const;

/** Records each call through the provider port by method and outcome (the simulated cloud has no SDK to meter). */
export function meteredCloudProvider<P extends CloudProvider>(provider: P, metrics: MetricsRecorder): P {
  for (const method of METHODS) {
    const original = provider[method].bind(provider) as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(provider, method, {
      value: async (...args: unknown[]) => {
        const started = process.hrtime.bigint();
        const record = (outcome: string): void => {
          metrics.increment(METRIC.providerCalls, { provider: provider.name, api: method, outcome });
          metrics.observe(
            METRIC.providerCallDuration,
            { provider: provider.name, api: method },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
        };
        try {
          const result = await original(...args);
          record('ok');
          return result;
        } catch (error) {
          record((error as { code?: string }).code ?? 'error');
          throw error;
        }
      },
    });
  }
  return provider;
}
