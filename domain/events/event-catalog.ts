import { EventRegistry } from './event-registry';
import type { EventTypeDefinition } from './event-type';
import { TEMPLATE_EVENTS } from './template/template.events';

/** Every event type of the service, one list per aggregate. */
export const ALL_EVENT_TYPES: EventTypeDefinition[] = [...TEMPLATE_EVENTS];

export function buildEventRegistry(): EventRegistry {
  return new EventRegistry().register(...ALL_EVENT_TYPES);
}
