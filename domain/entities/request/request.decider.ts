import {
  RequestAccepted,
  RequestAcceptedData,
  RequestCapacityFailed,
  RequestCompleted,
  RequestEvent,
  RequestLaunched,
  RequestResourcesAdded,
  RequestResourcesReleased,
} from '../../events/hostfactory/request.events';
import type { LaunchFailure, ProviderResource } from '../../ports/cloud-provider.port';
import type { Decider } from '../../shared/decider';

export type RequestStatus = 'none' | 'accepted' | 'provisioning' | 'complete' | 'complete_with_error';

export interface RequestState {
  status: RequestStatus;
  accepted?: RequestAcceptedData;
  resources: ProviderResource[];
  failures: LaunchFailure[];
  resourcesReleased: boolean;
}

export type RequestCommand =
  | { kind: 'accept'; data: RequestAcceptedData }
  | { kind: 'record-launch'; resources: ProviderResource[]; failures: LaunchFailure[]; machineIds: string[] }
  | { kind: 'record-failure'; failure: LaunchFailure }
  | { kind: 'add-resources'; resources: ProviderResource[] }
  | { kind: 'complete'; status: 'complete' | 'complete_with_error'; succeeded: number; failed: number }
  | { kind: 'release-resources' };

const isFinal = (s: RequestStatus) => s === 'complete' || s === 'complete_with_error';

/**
 * An acquire request. Every command is idempotent: replaying a step after a crash (launch
 * recorded twice, completion decided twice) decides nothing new.
 */
export const requestDecider: Decider<RequestState, RequestCommand, RequestEvent> = {
  category: 'request',
  initialState: () => ({ status: 'none', resources: [], failures: [], resourcesReleased: false }),
  decide(command, state) {
    const requestId = state.accepted?.requestId ?? '';
    switch (command.kind) {
      case 'accept':
        return state.status === 'none' ? [RequestAccepted.create(command.data)] : [];
      case 'record-launch':
        if (state.status !== 'accepted') return [];
        return [
          RequestLaunched.create({
            requestId,
            resources: command.resources,
            failures: command.failures,
            machineIds: command.machineIds,
          }),
        ];
      case 'record-failure':
        return state.status === 'none' || isFinal(state.status)
          ? []
          : [RequestCapacityFailed.create({ requestId, failure: command.failure })];
      case 'add-resources': {
        const known = new Set(state.resources.map((r) => r.id));
        const added = command.resources.filter((r) => !known.has(r.id));
        return added.length && state.status !== 'none'
          ? [RequestResourcesAdded.create({ requestId, resources: added })]
          : [];
      }
      case 'complete':
        if (state.status === 'none' || isFinal(state.status)) return [];
        return [
          RequestCompleted.create({
            requestId,
            status: command.status,
            succeeded: command.succeeded,
            failed: command.failed,
          }),
        ];
      case 'release-resources':
        if (state.resourcesReleased || state.status === 'none') return [];
        return [
          RequestResourcesReleased.create({ requestId, resources: state.resources.filter((r) => r.owned) }),
        ];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case RequestAccepted.type:
        return { ...state, status: 'accepted', accepted: event.data };
      case RequestLaunched.type:
        return {
          ...state,
          status: 'provisioning',
          resources: [...state.resources, ...event.data.resources],
          failures: [...state.failures, ...event.data.failures],
        };
      case RequestCapacityFailed.type:
        return { ...state, failures: [...state.failures, event.data.failure] };
      case RequestResourcesAdded.type:
        return { ...state, resources: [...state.resources, ...event.data.resources] };
      case RequestCompleted.type:
        return { ...state, status: event.data.status };
      case RequestResourcesReleased.type:
        return { ...state, resourcesReleased: true };
    }
  },
};
