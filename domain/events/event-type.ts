import type { DomainEvent } from './domain-event';

/** JSON schema, kept as plain data so the domain stays free of validation libraries. */
export type JsonSchema = Record<string, unknown>;

/**
 * What the service says about one event type: registered by its stable type name (never a class
 * name), described for the public catalog, and with the schema its `data` follows.
 */
export interface EventTypeDefinition<T extends string = string, D = unknown> {
  readonly type: T;
  readonly description: string;
  readonly schema: JsonSchema;
  readonly example: D;
  /** Whether consumers outside the service see it (subscriptions, the live stream, the catalog). */
  readonly public: boolean;
}

export function defineEvent<T extends string, D>(
  definition: EventTypeDefinition<T, D>,
): EventTypeDefinition<T, D> & { create(data: D): DomainEvent<T, D> } {
  return { ...definition, create: (data: D) => ({ type: definition.type, data }) };
}

/** Turns an event stored under an older type into its current form. */
export interface Upcaster {
  readonly fromType: string;
  readonly toType: string;
  upcast(data: unknown): unknown;
}
