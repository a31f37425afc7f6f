import type { RecordedEvent } from '../../../domain/events/domain-event';
import type { EventStore } from '../../../domain/repositories/event-store.port';
import {
  isLive,
  LiveSubscription,
  SubscriptionCommand,
  subscriptionDecider,
  SubscriptionState,
} from '../../../domain/entities/subscription/subscription.decider';
import { isSinkAllowed } from '../../../domain/entities/subscription/sink-address';
import { wants } from '../../../domain/entities/subscription/subscription-spec';
import type { EventSink, SinkOutcome } from '../../ports/event-sink.port';
import { METRIC, MetricsRecorder } from '../../ports/metrics.port';
import type { AggregateRepository } from '../../services/aggregate-repository';
import type { BackgroundProcessor } from '../background-processor';
import type { ConsumerSettings } from './consumer-settings';
import type { DeliveryState, DeliveryStateStore } from './delivery-state.port';
import type { EventLogHead } from './event-log-head';
import { retryDelayMs } from './retry-policy';

/** How stale the dispatcher's copy of its subscription may get (an update or a resume shows within it). */
const SUBSCRIPTION_REFRESH_MS = 1000;

export interface DispatcherDeps {
  readonly store: EventStore;
  readonly aggregates: AggregateRepository;
  readonly states: DeliveryStateStore;
  readonly sink: EventSink;
  readonly head: EventLogHead;
  readonly metrics: MetricsRecorder;
  /** Only these reach subscribers; the service's own bookkeeping events stay inside. */
  readonly publicTypes: ReadonlySet<string>;
  readonly settings: ConsumerSettings;
}

type Failure = Extract<SinkOutcome, { ok: false }>;

/**
 * Delivers one subscription: reads the log after its own checkpoint, sends each wanted event in
 * global order, one at a time, and moves the checkpoint only past what the sink acknowledged
 * (at-least-once). A failure holds the subscription on that event, with backoff, until it goes
 * through, the sink says it is gone (410: disabled), or the attempts run out (paused).
 */
export class SubscriptionDispatcher implements BackgroundProcessor {
  readonly name: string;
  readonly idleMs: number;
  private subscription?: { state: SubscriptionState; loadedAt: number };
  private delivery?: DeliveryState;
  private stopListening?: () => void;

  constructor(
    readonly subscriptionId: string,
    private readonly deps: DispatcherDeps,
  ) {
    this.name = `dispatch:${subscriptionId}`;
    this.idleMs = deps.settings.pollMs;
  }

  setWaker(wake: () => void): void {
    this.stopListening?.();
    this.stopListening = this.deps.head.onAdvance(wake);
  }

  /** The lease is gone: whoever holds it next starts from what is in MongoDB. */
  async stop(): Promise<void> {
    this.subscription = undefined;
    this.delivery = undefined;
  }

  dispose(): void {
    this.stopListening?.();
    this.stopListening = undefined;
  }

  async runOnce(signal: AbortSignal): Promise<boolean> {
    const subscription = await this.load();
    if (!isLive(subscription)) return false;
    let delivery = (this.delivery ??= await this.deps.states.open(
      this.subscriptionId,
      subscription.startAfter,
    ));
    if (subscription.status !== 'active') {
      if (!delivery.stopped) await this.save({ ...delivery, stopped: true });
      return false;
    }
    if (delivery.stopped)
      delivery = await this.save({ ...delivery, stopped: undefined, attempts: 0, nextAttemptAt: undefined });
    if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > Date.now()) return false;
    if (delivery.checkpoint >= this.deps.head.known()) return false;
    return this.deliverBatch(subscription, delivery, signal);
  }

  private async deliverBatch(
    subscription: LiveSubscription,
    start: DeliveryState,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { store, sink, settings } = this.deps;
    const { spec } = subscription;
    const batch = await store.readAll(start.checkpoint, settings.batchSize);
    let progress = start;
    for (const event of batch.events) {
      if (signal.aborted) break;
      if (!this.deps.publicTypes.has(event.type) || !wants(spec, event)) {
        progress = { ...progress, checkpoint: event.position };
        continue;
      }
      if (!isSinkAllowed(spec.sink, settings.sinkAllowedHosts)) {
        await this.save(progress);
        await this.decide({
          kind: 'pause',
          subscriptionId: this.subscriptionId,
          reason: `sink host of ${spec.sink} is no longer in the allowed sink hosts`,
          failedEvent: failedEventOf(event),
          attempts: progress.attempts,
        });
        return false;
      }
      const outcome = await sink.deliver({
        sink: spec.sink,
        settings: spec.protocolsettings,
        event,
        timeoutMs: settings.timeoutMs,
        signal,
      });
      if (signal.aborted && !outcome.ok) break;
      this.record(event, outcome);
      if (!outcome.ok) return this.failed(progress, event, outcome);
      progress = {
        ...progress,
        checkpoint: event.position,
        attempts: 0,
        nextAttemptAt: undefined,
        failedEvent: undefined,
        delivered: progress.delivered + 1,
        lastDeliveredAt: new Date(),
      };
    }
    if (progress !== start) await this.save(progress);
    // Events appended while this slice ran woke nobody (the loop was not napping): go on at once.
    return batch.events.length > 0 && progress.checkpoint < this.deps.head.known() && !signal.aborted;
  }

  private async failed(progress: DeliveryState, event: RecordedEvent, outcome: Failure): Promise<false> {
    const attempts = progress.attempts + 1;
    const failedEvent = failedEventOf(event);
    const held: DeliveryState = {
      ...progress,
      attempts,
      failedEvent,
      lastError: outcome.error,
      lastErrorAt: new Date(),
      nextAttemptAt: undefined,
    };
    const subscriptionId = this.subscriptionId;
    if (outcome.status === 410) {
      await this.save(held);
      await this.decide({ kind: 'disable', subscriptionId, reason: 'sink answered 410 Gone', failedEvent });
    } else if (attempts >= this.deps.settings.maxAttempts) {
      await this.save(held);
      const reason = `${attempts} delivery attempts failed; the last: ${outcome.error}`;
      await this.decide({ kind: 'pause', subscriptionId, reason, failedEvent, attempts });
    } else {
      const delay = retryDelayMs(outcome, attempts, this.deps.settings);
      await this.save({ ...held, nextAttemptAt: new Date(Date.now() + delay) });
    }
    return false;
  }

  private record(event: RecordedEvent, outcome: SinkOutcome): void {
    const { metrics } = this.deps;
    const subscription = this.subscriptionId;
    metrics.increment(METRIC.deliveryAttempts, {
      subscription,
      outcome: outcome.ok ? 'delivered' : 'failed',
    });
    if (!outcome.ok) metrics.increment(METRIC.deliveryFailures, { subscription, reason: outcome.reason });
    else
      metrics.observe(METRIC.deliveryLatency, { subscription }, (Date.now() - Date.parse(event.time)) / 1000);
  }

  private async load(): Promise<SubscriptionState> {
    if (!this.subscription || Date.now() - this.subscription.loadedAt >= SUBSCRIPTION_REFRESH_MS) {
      const { state } = await this.deps.aggregates.load(subscriptionDecider, this.subscriptionId);
      this.subscription = { state, loadedAt: Date.now() };
    }
    return this.subscription.state;
  }

  private async decide(command: SubscriptionCommand): Promise<void> {
    const handled = await this.deps.aggregates.handle(subscriptionDecider, this.subscriptionId, command);
    this.subscription = { state: handled.state, loadedAt: Date.now() };
  }

  private async save(state: DeliveryState): Promise<DeliveryState> {
    const saved = { ...state, updatedAt: new Date() };
    await this.deps.states.save(saved);
    this.delivery = saved;
    return saved;
  }
}

const failedEventOf = (event: RecordedEvent) => ({
  id: event.id,
  type: event.type,
  position: event.position,
});
