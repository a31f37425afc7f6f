import type { RecordedEvent } from '../../domain/events/domain-event';
import {
  RequestAccepted,
  RequestAcceptedData,
  RequestCapacityFailed,
  RequestCompleted,
  RequestLaunched,
  RequestResourcesAdded,
  RequestResourcesReleased,
} from '../../domain/events/hostfactory/request.events';
import { ReturnRequested, ReturnedMachine } from '../../domain/events/hostfactory/return-request.events';
import type { TemplateSpec } from '../../domain/entities/template/template-spec';
import type { LaunchFailure, ProviderResource } from '../../domain/ports/cloud-provider.port';
import type { ProjectionDefinition } from './projection';

export interface RequestView {
  _id: string;
  kind: 'acquire' | 'return';
  /** acquire: accepted → provisioning → complete | complete_with_error; return: accepted. */
  state: 'accepted' | 'provisioning' | 'complete' | 'complete_with_error';
  acceptedAt: string;
  templateId?: string;
  machineCount?: number;
  template?: TemplateSpec;
  clientToken?: string;
  tags?: Record<string, string>;
  launchedAt?: string;
  resources?: ProviderResource[];
  failures?: LaunchFailure[];
  failedUnits?: number;
  resourcesReleased?: boolean;
  completedAs?: 'complete' | 'complete_with_error';
  /** return requests: the machines given back. */
  machines?: ReturnedMachine[];
}

/** Acquire and return requests side by side: Host Factory asks for both kinds in one call. */
export const requestsProjection: ProjectionDefinition<RequestView> = {
  name: 'requests',
  eventTypes: [
    RequestAccepted.type,
    RequestLaunched.type,
    RequestCapacityFailed.type,
    RequestResourcesAdded.type,
    RequestCompleted.type,
    RequestResourcesReleased.type,
    ReturnRequested.type,
  ],
  indexes: [
    { kind: 1, state: 1 },
    { templateId: 1, state: 1 },
  ],
  keysOf: (event: RecordedEvent) => [event.subject],
  evolve(doc, event) {
    switch (event.type) {
      case RequestAccepted.type: {
        const d = event.data as RequestAcceptedData;
        return {
          _id: d.requestId,
          kind: 'acquire',
          state: 'accepted',
          acceptedAt: event.time,
          templateId: d.templateId,
          machineCount: d.machineCount,
          template: d.template,
          clientToken: d.clientToken,
          tags: d.tags,
          resources: [],
          failures: [],
          failedUnits: 0,
          resourcesReleased: false,
        };
      }
      case ReturnRequested.type: {
        const d = event.data as typeof ReturnRequested.example;
        return {
          _id: d.returnRequestId,
          kind: 'return',
          state: 'accepted',
          acceptedAt: event.time,
          machines: d.machines,
        };
      }
    }
    if (!doc) return doc;
    switch (event.type) {
      case RequestLaunched.type: {
        const d = event.data as typeof RequestLaunched.example;
        const failures = [...(doc.failures ?? []), ...d.failures];
        return {
          ...doc,
          state: 'provisioning',
          launchedAt: event.time,
          resources: [...(doc.resources ?? []), ...d.resources],
          failures,
          failedUnits: failures.reduce((n, f) => n + f.units, 0),
        };
      }
      case RequestCapacityFailed.type: {
        const failures = [
          ...(doc.failures ?? []),
          (event.data as typeof RequestCapacityFailed.example).failure,
        ];
        return { ...doc, failures, failedUnits: failures.reduce((n, f) => n + f.units, 0) };
      }
      case RequestResourcesAdded.type:
        return {
          ...doc,
          resources: [
            ...(doc.resources ?? []),
            ...(event.data as typeof RequestResourcesAdded.example).resources,
          ],
        };
      case RequestCompleted.type: {
        const status = (event.data as typeof RequestCompleted.example).status;
        return { ...doc, state: status, completedAs: status };
      }
      case RequestResourcesReleased.type:
        return { ...doc, resourcesReleased: true };
      default:
        return doc;
    }
  },
};
