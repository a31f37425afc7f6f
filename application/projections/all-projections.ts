import type { ProjectionDefinition } from './projection';
import { templatesProjection } from './templates.projection';

/** Every read model of the service; each one is replayable on its own. */
export const ALL_PROJECTIONS: ProjectionDefinition[] = [
  templatesProjection as unknown as ProjectionDefinition,
];
