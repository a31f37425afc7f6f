import type { RecordedEvent } from '../../domain/events/domain-event';
import {
  TemplateDefined,
  TemplateRetired,
  TemplateUpdated,
} from '../../domain/events/template/template.events';
import type { TemplateSpec } from '../../domain/entities/template/template-spec';
import type { ProjectionDefinition } from './projection';

export interface TemplateView {
  _id: string;
  spec: TemplateSpec;
  status: 'active' | 'retired';
  version: number;
  updatedAt: string;
  retiredReason?: string;
}

/** The catalog as Host Factory and administrators read it; retired templates stay for old requests. */
export const templatesProjection: ProjectionDefinition<TemplateView> = {
  name: 'templates',
  eventTypes: [TemplateDefined.type, TemplateUpdated.type, TemplateRetired.type],
  indexes: [{ status: 1 }],
  keysOf: (event: RecordedEvent) => [event.subject],
  evolve(doc, event) {
    switch (event.type) {
      case TemplateDefined.type:
      case TemplateUpdated.type: {
        const { spec } = event.data as typeof TemplateDefined.example;
        return {
          _id: spec.templateId,
          spec,
          status: 'active',
          version: event.streamVersion,
          updatedAt: event.time,
        };
      }
      case TemplateRetired.type: {
        if (!doc) return doc;
        const { reason } = event.data as typeof TemplateRetired.example;
        return {
          ...doc,
          status: 'retired',
          version: event.streamVersion,
          updatedAt: event.time,
          retiredReason: reason,
        };
      }
      default:
        return doc;
    }
  },
};
