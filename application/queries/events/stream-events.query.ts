import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { RecordedEvent } from '../../../domain/events/domain-event';
import { EventRegistry } from '../../../domain/events/event-registry';
import { EVENT_STORE, EventStore } from '../../../domain/repositories/event-store.port';
import { publicTypesOf } from '../../../domain/entities/subscription/subscription-spec';
import { CONSUMER_SETTINGS, ConsumerSettings } from '../../jobs/delivery/consumer-settings';
import { EventLogHead } from '../../jobs/delivery/event-log-head';
import { CLOUD_EVENT_ENCODER, CloudEventEncoder } from '../../ports/event-sink.port';
import { parsePosition, parseSelection, SelectionParams, visibleTo } from './event-selection';

export interface StreamEventsParams extends SelectionParams {
  after?: string;
  /** The SSE reconnection header: wins over `after`, which the reconnecting client sends again. */
  lastEventId?: string;
}

export interface StreamItem {
  position: number;
  event: Record<string, unknown>;
}

export interface EventFeed {
  /** The position the stream resumes after. */
  after: number;
  /** Batches of wanted events in log order; an empty batch means a quiet heartbeat interval. */
  batches: AsyncIterable<StreamItem[]>;
}

const STREAM_BATCH = 500;

/**
 * GET /v1/events/stream: the log from a position on, then live. Everything is checked before the
 * feed is handed back, so a bad parameter is an error answer, never a broken stream.
 */
export class StreamEventsQuery extends Query<EventFeed> {
  constructor(
    readonly params: StreamEventsParams,
    readonly signal: AbortSignal,
  ) {
    super();
  }
}

@QueryHandler(StreamEventsQuery)
export class StreamEventsHandler implements IQueryHandler<StreamEventsQuery, EventFeed> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOUD_EVENT_ENCODER) private readonly encoder: CloudEventEncoder,
    @Inject(CONSUMER_SETTINGS) private readonly settings: ConsumerSettings,
    private readonly head: EventLogHead,
    private readonly registry: EventRegistry,
  ) {}

  async execute({ params, signal }: StreamEventsQuery): Promise<EventFeed> {
    const publicTypes = publicTypesOf(this.registry.all());
    const visible = visibleTo(parseSelection(params, publicTypes), publicTypes);
    const after =
      parsePosition(params.lastEventId, 'Last-Event-ID') ??
      parsePosition(params.after, 'after') ??
      (await this.store.headPosition());
    return { after, batches: this.feed(after, visible, signal) };
  }

  private async *feed(
    after: number,
    visible: (event: RecordedEvent) => boolean,
    signal: AbortSignal,
  ): AsyncGenerator<StreamItem[]> {
    const { heartbeatMs } = this.settings;
    let cursor = after;
    let quietSince = Date.now();
    while (!signal.aborted) {
      const batch = await this.store.readAll(cursor, STREAM_BATCH);
      cursor = batch.nextAfter;
      const items = batch.events
        .filter(visible)
        .map((event) => ({ position: event.position, event: this.encoder.structured(event) }));
      if (items.length) {
        quietSince = Date.now();
        yield items;
      }
      if (batch.events.length === STREAM_BATCH) continue;
      if (Date.now() - quietSince >= heartbeatMs) {
        quietSince = Date.now();
        yield [];
      }
      await this.head.waitBeyond(cursor, heartbeatMs - (Date.now() - quietSince), signal);
    }
  }
}
