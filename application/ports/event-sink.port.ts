import type { RecordedEvent } from '../../domain/events/domain-event';
import type { HttpProtocolSettings } from '../../domain/entities/subscription/subscription-spec';

export interface SinkDelivery {
  readonly sink: string;
  readonly settings: HttpProtocolSettings;
  readonly event: RecordedEvent;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** How one delivery attempt ended; a failure says whether the sink asked for a pause (Retry-After). */
export type SinkOutcome =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      /** HTTP status, absent when no answer came (timeout, refused connection). */
      readonly status?: number;
      /** Failure class for metrics: `http_<status>`, `timeout` or `network`. */
      readonly reason: string;
      readonly error: string;
      readonly retryAfterMs?: number;
    };

/** Sends one event to a subscriber's sink as a CloudEvent over the HTTP binding. */
export interface EventSink {
  deliver(delivery: SinkDelivery): Promise<SinkOutcome>;
}

export const EVENT_SINK = Symbol('EventSink');

/** Structured-mode JSON of an event, as the log, the live stream and structured sinks carry it. */
export interface CloudEventEncoder {
  structured(event: RecordedEvent): Record<string, unknown>;
}

export const CLOUD_EVENT_ENCODER = Symbol('CloudEventEncoder');
