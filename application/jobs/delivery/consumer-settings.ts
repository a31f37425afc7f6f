/**
 * Settings of the CloudEvents consumer feature (subscriptions, delivery, the live stream, the
 * catalog). Read from OHF_DELIVERY_* / OHF_STREAM_* at start; tests shorten the waits through them.
 */
export interface ConsumerSettings {
  /** How often the log head is read for events other instances wrote; a dispatcher's idle pause. */
  readonly pollMs: number;
  /** How often the delivery manager looks for new and removed subscriptions. */
  readonly discoverMs: number;
  /** Events read from the log per dispatcher slice. */
  readonly batchSize: number;
  /** Limit on each HTTP call to a sink, connection to last byte. */
  readonly timeoutMs: number;
  /** Failed attempts on one event before the subscription is paused. */
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Longest wait a sink's Retry-After is honoured for. */
  readonly retryAfterMaxMs: number;
  /** Comment lines on an idle live stream, so proxies keep it open. */
  readonly heartbeatMs: number;
  /** Hosts sinks may point at (empty: any). */
  readonly sinkAllowedHosts: readonly string[];
  /** Base of the `dataschema` URLs: `${schemaBaseUrl}/${type}/schema`. */
  readonly schemaBaseUrl: string;
}

export const CONSUMER_SETTINGS = Symbol('ConsumerSettings');
