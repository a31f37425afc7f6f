import { Controller, Get, Headers, OnModuleDestroy, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { StreamEventsQuery, StreamItem } from '../../application/queries/events/stream-events.query';
import { Roles } from '../auth/roles.decorator';
import { EventSelectionDto } from './event-query.dto';

/** How long an EventSource waits before it reconnects (with Last-Event-ID) after a drop. */
const RECONNECT_MS = 1000;

const frame = (items: StreamItem[]): string =>
  items.length
    ? items.map((i) => `id: ${i.position}\ndata: ${JSON.stringify(i.event)}\n\n`).join('')
    : ': heartbeat\n\n';

/** Writes, and waits for the socket to drain when the client reads slowly (or until it is gone). */
async function send(res: Response, chunk: string, signal: AbortSignal): Promise<void> {
  if (res.write(chunk) || signal.aborted) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * GET /v1/events/stream: Server-Sent Events, one structured CloudEvent per SSE event, `id:` the
 * global position. A client that reconnects with Last-Event-ID (or `?after=`) misses nothing.
 */
@ApiTags('events')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/events')
export class EventStreamController implements OnModuleDestroy {
  private readonly open = new Map<AbortController, Promise<void>>();

  constructor(private readonly queries: QueryBus) {}

  @Get('stream')
  @ApiProduces('text/event-stream')
  async stream(
    @Query() query: EventSelectionDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const abort = new AbortController();
    const feed = await this.queries.execute(new StreamEventsQuery({ ...query, lastEventId }, abort.signal));
    res.on('close', () => abort.abort());
    // Gone while the query ran: its close came before anyone listened.
    if (!res.socket || res.socket.destroyed) abort.abort();
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    // A stream's connection is not worth keeping: closed with it, it never holds up a shutdown.
    res.setHeader('Connection', 'close');
    res.flushHeaders();
    const streaming = (async () => {
      try {
        await send(res, `retry: ${RECONNECT_MS}\n: after ${feed.after}\n\n`, abort.signal);
        for await (const items of feed.batches) await send(res, frame(items), abort.signal);
      } finally {
        res.end();
      }
    })();
    this.open.set(abort, streaming);
    try {
      await streaming;
    } finally {
      this.open.delete(abort);
    }
  }

  /** Ends the open streams at shutdown, before the HTTP server closes (clients reconnect elsewhere). */
  async onModuleDestroy(): Promise<void> {
    for (const abort of this.open.keys()) abort.abort();
    await Promise.allSettled(this.open.values());
  }
}
