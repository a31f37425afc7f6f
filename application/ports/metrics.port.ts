/** Label values of one series; keep them few and bounded (an operation, an API, a subscription id). */
export type MetricLabels = Readonly<Record<string, string>>;

/**
 * Where the application records what it does, without knowing how it is exposed (Prometheus text
 * at GET /metrics today). Names follow Prometheus conventions: `_total` for counters, base units.
 */
export interface MetricsRecorder {
  increment(name: string, labels?: MetricLabels, by?: number): void;
  /** One observation of a histogram (durations in seconds). */
  observe(name: string, labels: MetricLabels, value: number): void;
  setGauge(name: string, labels: MetricLabels, value: number): void;
}

export const METRICS = Symbol('MetricsRecorder');

/** The text a Prometheus scrape receives, gathered at scrape time. */
export interface MetricsExposition {
  readonly contentType: string;
  render(): Promise<string>;
}

export const METRICS_EXPOSITION = Symbol('MetricsExposition');

/** The service's metric names, so every feature records under the same ones. */
export const METRIC = {
  eventsAppended: 'ohf_events_appended_total',
  eventLogHead: 'ohf_event_log_head_position',
  projectionLag: 'ohf_projection_lag_events',
  projectionCheckpoint: 'ohf_projection_checkpoint_position',
  subscriptions: 'ohf_subscriptions',
  deliveryAttempts: 'ohf_delivery_attempts_total',
  deliveryFailures: 'ohf_delivery_failures_total',
  deliveryLag: 'ohf_delivery_lag_events',
  deliveryLatency: 'ohf_delivery_latency_seconds',
  hostFactoryCalls: 'ohf_hostfactory_calls_total',
  hostFactoryCallDuration: 'ohf_hostfactory_call_duration_seconds',
  providerCalls: 'ohf_provider_calls_total',
  providerCallDuration: 'ohf_provider_call_duration_seconds',
} as const;
