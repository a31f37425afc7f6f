import { METRIC } from '../../application/ports/metrics.port';
import type { MetricDefinition } from './metrics-registry';

/** Call durations: Host Factory and AWS calls take from milliseconds to most of a minute. */
const CALL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Every metric the service exposes, with its help line; features record under these names. */
export const SERVICE_METRICS: MetricDefinition[] = [
  { name: METRIC.eventsAppended, kind: 'counter', help: 'Events in the event log, by type.' },
  { name: METRIC.eventLogHead, kind: 'gauge', help: 'Global position of the last event in the log.' },
  { name: METRIC.projectionLag, kind: 'gauge', help: 'Events a projection has still to apply.' },
  { name: METRIC.projectionCheckpoint, kind: 'gauge', help: 'Last position a projection applied.' },
  { name: METRIC.subscriptions, kind: 'gauge', help: 'Subscriptions, by status.' },
  {
    name: METRIC.deliveryAttempts,
    kind: 'counter',
    help: 'Attempts to deliver an event to a subscription sink, by outcome (delivered or failed).',
  },
  {
    name: METRIC.deliveryFailures,
    kind: 'counter',
    help: 'Failed deliveries, by reason (http_<status>, timeout, network).',
  },
  { name: METRIC.deliveryLag, kind: 'gauge', help: 'Events in the log after a subscription checkpoint.' },
  {
    name: METRIC.deliveryLatency,
    kind: 'histogram',
    help: 'Seconds from an event being appended to its sink acknowledging it.',
  },
  {
    name: METRIC.hostFactoryCalls,
    kind: 'counter',
    help: 'Host Factory calls (getAvailableTemplates, requestMachines…), by operation and outcome.',
  },
  {
    name: METRIC.hostFactoryCallDuration,
    kind: 'histogram',
    help: 'Seconds a Host Factory call took, by operation.',
    buckets: CALL_BUCKETS,
  },
  { name: METRIC.providerCalls, kind: 'counter', help: 'Cloud provider API calls, by API and outcome.' },
  {
    name: METRIC.providerCallDuration,
    kind: 'histogram',
    help: 'Seconds a cloud provider API call took, by API.',
    buckets: CALL_BUCKETS,
  },
];
