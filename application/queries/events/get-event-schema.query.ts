import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EventRegistry } from '../../../domain/events/event-registry';
import type { JsonSchema } from '../../../domain/events/event-type';
import { notFound } from '../../../domain/shared/domain-error';
import { CONSUMER_SETTINGS, ConsumerSettings } from '../../jobs/delivery/consumer-settings';

/**
 * GET /v1/events/types/{type}/schema: the JSON schema of the type's `data`, at exactly the URL the
 * event store stamps as `dataschema`. Served for every registered type, so no stamped URL dangles.
 */
export class GetEventSchemaQuery extends Query<JsonSchema> {
  constructor(readonly type: string) {
    super();
  }
}

@QueryHandler(GetEventSchemaQuery)
export class GetEventSchemaHandler implements IQueryHandler<GetEventSchemaQuery, JsonSchema> {
  constructor(
    private readonly registry: EventRegistry,
    @Inject(CONSUMER_SETTINGS) private readonly settings: ConsumerSettings,
  ) {}

  async execute({ type }: GetEventSchemaQuery): Promise<JsonSchema> {
    const definition = this.registry.get(type);
    if (!definition) throw notFound('event type', type);
    return {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `${this.settings.schemaBaseUrl}/${type}/schema`,
      title: type,
      description: definition.description,
      ...definition.schema,
      examples: [definition.example],
    };
  }
}
