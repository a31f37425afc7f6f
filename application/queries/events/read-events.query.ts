import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EventRegistry } from '../../../domain/events/event-registry';
import { EVENT_STORE, EventStore } from '../../../domain/repositories/event-store.port';
import { publicTypesOf } from '../../../domain/entities/subscription/subscription-spec';
import { invalid } from '../../../domain/shared/domain-error';
import { CLOUD_EVENT_ENCODER, CloudEventEncoder } from '../../ports/event-sink.port';
import { parsePosition, parseSelection, SelectionParams, visibleTo } from './event-selection';

export interface ReadEventsParams extends SelectionParams {
  after?: string;
  limit?: string;
}

export interface EventPage {
  /** Structured-mode CloudEvents, in log order. */
  events: Record<string, unknown>[];
  /** Pass as `after` for the next page: the last position looked at, wanted or not. */
  nextAfter: number;
  head: number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** A narrow filter over a long log answers a partial page rather than scanning all of it at once. */
const MAX_SCANNED = 20_000;
const READ_BATCH = 1000;

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT))
    throw invalid('limit', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return limit;
}

/** GET /v1/events: pages through the log after a position, public events only. */
export class ReadEventsQuery extends Query<EventPage> {
  constructor(readonly params: ReadEventsParams) {
    super();
  }
}

@QueryHandler(ReadEventsQuery)
export class ReadEventsHandler implements IQueryHandler<ReadEventsQuery, EventPage> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOUD_EVENT_ENCODER) private readonly encoder: CloudEventEncoder,
    private readonly registry: EventRegistry,
  ) {}

  async execute({ params }: ReadEventsQuery): Promise<EventPage> {
    const publicTypes = publicTypesOf(this.registry.all());
    const visible = visibleTo(parseSelection(params, publicTypes), publicTypes);
    const limit = parseLimit(params.limit);
    let cursor = parsePosition(params.after, 'after') ?? 0;
    const events: Record<string, unknown>[] = [];
    for (let scanned = 0; events.length < limit && scanned < MAX_SCANNED;) {
      const batch = await this.store.readAll(cursor, READ_BATCH);
      for (const event of batch.events) {
        cursor = event.position;
        scanned++;
        if (visible(event)) events.push(this.encoder.structured(event));
        if (events.length === limit) break;
      }
      if (batch.events.length < READ_BATCH) break;
    }
    return { events, nextAfter: cursor, head: await this.store.headPosition() };
  }
}
