import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EventRegistry } from '../../../domain/events/event-registry';
import type { JsonSchema } from '../../../domain/events/event-type';
import { CONSUMER_SETTINGS, ConsumerSettings } from '../../jobs/delivery/consumer-settings';

export interface EventTypeEntry {
  type: string;
  description: string;
  /** Where the schema of `data` is served: the `dataschema` attribute of every event of the type. */
  dataschema: string;
  schema: JsonSchema;
  example: unknown;
}

/** GET /v1/events/types: what consumers can subscribe to (the service's own bookkeeping is left out). */
export class ListEventTypesQuery extends Query<EventTypeEntry[]> {}

@QueryHandler(ListEventTypesQuery)
export class ListEventTypesHandler implements IQueryHandler<ListEventTypesQuery, EventTypeEntry[]> {
  constructor(
    private readonly registry: EventRegistry,
    @Inject(CONSUMER_SETTINGS) private readonly settings: ConsumerSettings,
  ) {}

  async execute(): Promise<EventTypeEntry[]> {
    return this.registry
      .all()
      .filter((d) => d.public)
      .map((d) => ({
        type: d.type,
        description: d.description,
        dataschema: `${this.settings.schemaBaseUrl}/${d.type}/schema`,
        schema: d.schema,
        example: d.example,
      }));
  }
}
