import { EventRegistry } from './event-registry';
import type { EventTypeDefinition } from './event-type';
import { MACHINE_EVENTS } from './hostfactory/machine.events';
import { REQUEST_EVENTS } from './hostfactory/request.events';
import { RETURN_REQUEST_EVENTS } from './hostfactory/return-request.events';
import { SUBSCRIPTION_EVENTS } from './subscription/subscription.events';
import { TEMPLATE_EVENTS } from './template/template.events';

/** Every event type of the service, one list per aggregate. */
export const ALL_EVENT_TYPES: EventTypeDefinition[] = [
  ...TEMPLATE_EVENTS,
  ...REQUEST_EVENTS,
  ...RETURN_REQUEST_EVENTS,
  ...MACHINE_EVENTS,
  ...SUBSCRIPTION_EVENTS,
];

export function buildEventRegistry(): EventRegistry {
  return new EventRegistry().register(...ALL_EVENT_TYPES);
}
