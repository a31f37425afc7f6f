import type { EventRegistry } from '../../../domain/events/event-registry';
import { publicTypesOf, SpecRules } from '../../../domain/entities/subscription/subscription-spec';
import type { ConsumerSettings } from '../../jobs/delivery/consumer-settings';

/** What a subscription is checked against on create and on update. */
export const specRules = (settings: ConsumerSettings, registry: EventRegistry): SpecRules => ({
  allowedHosts: settings.sinkAllowedHosts,
  publicTypes: publicTypesOf(registry.all()),
});
