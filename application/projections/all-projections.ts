import { machinesProjection } from './machines.projection';
import type { ProjectionDefinition } from './projection';
import { requestsProjection } from './requests.projection';
import { subscriptionsProjection } from './subscriptions.projection';
import { templatesProjection } from './templates.projection';

const as = <D>(p: ProjectionDefinition<D & { _id: string }>) => p as unknown as ProjectionDefinition;

/** Every read model of the service; each one is replayable on its own. */
export const ALL_PROJECTIONS: ProjectionDefinition[] = [
  as(templatesProjection),
  as(requestsProjection),
  as(machinesProjection),
  as(subscriptionsProjection),
];
