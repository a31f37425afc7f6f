import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GetEventSchemaQuery } from '../../application/queries/events/get-event-schema.query';
import { ListEventTypesQuery, EventTypeEntry } from '../../application/queries/events/list-event-types.query';
import { EventPage, ReadEventsQuery } from '../../application/queries/events/read-events.query';
import type { JsonSchema } from '../../domain/events/event-type';
import { Public, Roles } from '../auth/roles.decorator';
import { EventPageDto } from './event-query.dto';

/**
 * The event log for consumers: pages of structured CloudEvents, and the catalog of event types.
 * The catalog and the schemas are public: a consumer validating `data` against `dataschema` needs
 * no token for it.
 */
@ApiTags('events')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  page(@Query() query: EventPageDto): Promise<EventPage> {
    return this.queries.execute(new ReadEventsQuery(query));
  }

  @Public()
  @Get('types')
  async types(): Promise<{ types: EventTypeEntry[] }> {
    return { types: await this.queries.execute(new ListEventTypesQuery()) };
  }

  @Public()
  @Get('types/:type/schema')
  async schema(@Param('type') type: string, @Res({ passthrough: true }) res: Response): Promise<JsonSchema> {
    const schema = await this.queries.execute(new GetEventSchemaQuery(type));
    res.type('application/schema+json');
    return schema;
  }
}
