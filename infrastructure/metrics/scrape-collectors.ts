import type { DeliveryStateStore } from '../../application/jobs/delivery/delivery-state.port';
import { METRIC } from '../../application/ports/metrics.port';
import type { ProjectionAdmin, ReadModels } from '../../application/ports/read-models.port';
import {
  SubscriptionView,
  subscriptionsProjection,
} from '../../application/projections/subscriptions.projection';
import type { EventStore } from '../../domain/repositories/event-store.port';
import type { MetricsRegistry } from './metrics-registry';

/** A first scrape of a long log counts it over several scrapes rather than stalling one. */
const MAX_COUNTED_PER_SCRAPE = 50_000;
const COUNT_BATCH = 5000;

/**
 * Events appended, by type: counted from the log itself, from where the last scrape stopped, so
 * every instance reports the same totals whoever appended and whichever instance restarted.
 */
export function eventLogCollector(store: EventStore, metrics: MetricsRegistry): () => Promise<void> {
  let counted = 0;
  let running: Promise<void> | undefined;
  const catchUp = async (): Promise<void> => {
    for (let scanned = 0; scanned < MAX_COUNTED_PER_SCRAPE;) {
      const batch = await store.readAll(counted, COUNT_BATCH);
      for (const event of batch.events) metrics.increment(METRIC.eventsAppended, { type: event.type });
      counted = batch.nextAfter;
      scanned += batch.events.length;
      if (batch.events.length < COUNT_BATCH) break;
    }
    metrics.setGauge(METRIC.eventLogHead, {}, await store.headPosition());
  };
  // Scrapes at the same moment share one catch-up, so no event is counted twice.
  return () => (running ??= catchUp().finally(() => (running = undefined)));
}

export function projectionCollector(admin: ProjectionAdmin, metrics: MetricsRegistry): () => Promise<void> {
  return async () => {
    const statuses = await admin.statuses();
    metrics.clear(METRIC.projectionLag);
    metrics.clear(METRIC.projectionCheckpoint);
    for (const status of statuses) {
      metrics.setGauge(METRIC.projectionLag, { projection: status.name }, status.lag);
      metrics.setGauge(METRIC.projectionCheckpoint, { projection: status.name }, status.checkpoint);
    }
  };
}

/** Lag of every subscription, whichever instance delivers it. */
export function deliveryCollector(
  store: EventStore,
  states: DeliveryStateStore,
  readModels: ReadModels,
  metrics: MetricsRegistry,
): () => Promise<void> {
  return async () => {
    const view = await readModels.view<SubscriptionView>(subscriptionsProjection.name);
    const [subscriptions, all, head] = await Promise.all([view.find({}), states.all(), store.headPosition()]);
    const checkpoints = new Map(all.map((s) => [s.subscriptionId, s.checkpoint]));
    metrics.clear(METRIC.deliveryLag);
    metrics.clear(METRIC.subscriptions);
    const byStatus = new Map<string, number>();
    for (const s of subscriptions) {
      const checkpoint = checkpoints.get(s._id) ?? s.startAfter;
      metrics.setGauge(METRIC.deliveryLag, { subscription: s._id }, Math.max(0, head - checkpoint));
      byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
    }
    for (const status of ['active', 'paused', 'disabled'])
      metrics.setGauge(METRIC.subscriptions, { status }, byStatus.get(status) ?? 0);
  };
}
