import type { DomainEvent } from '../domain-event';
import { defineEvent } from '../event-type';
import type { TemplateSpec } from '../../entities/template/template-spec';
import type { LaunchFailure, ProviderResource } from '../../ports/cloud-provider.port';

const str = { type: 'string' };
const int = { type: 'integer' };
const failure = {
  type: 'object',
  required: ['units', 'code', 'message'],
  properties: { units: int, code: str, message: str },
};

export interface RequestAcceptedData {
  requestId: string;
  templateId: string;
  machineCount: number;
  /** The template as it was when the request was made: retiring it later breaks nothing. */
  template: TemplateSpec;
  clientToken: string;
  tags: Record<string, string>;
  rcAccount?: string;
}

export const RequestAccepted = defineEvent<'io.openhostfactory.request.accepted.v1', RequestAcceptedData>({
  type: 'io.openhostfactory.request.accepted.v1',
  description: 'Host Factory asked for machines (requestMachines) and the request was accepted.',
  schema: {
    type: 'object',
    required: ['requestId', 'templateId', 'machineCount', 'template', 'clientToken', 'tags'],
    properties: {
      requestId: str,
      templateId: str,
      machineCount: int,
      template: { type: 'object' },
      clientToken: str,
      tags: { type: 'object' },
    },
  },
  example: {
    requestId: 'req-5a0c6c8e-3c9b-4a55-9f0e-2b1d3f4e5a6b',
    templateId: 'OnDemand-Minimal-Template-VM',
    machineCount: 2,
    template: {
      templateId: 'OnDemand-Minimal-Template-VM',
      maxNumber: 10,
      attributes: { type: ['String', 'X86_64'] },
      priceType: 'ondemand',
      subnetIds: [],
      vmTypes: { 'm5.large': 1 },
      securityGroupIds: [],
      instanceTags: {},
    },
    clientToken: 'ohf-req-5a0c6c8e-3c9b-4a55-9f0e-2b1d3f4e5a6b',
    tags: { 'ohf:request-id': 'req-5a0c6c8e-3c9b-4a55-9f0e-2b1d3f4e5a6b' },
  },
  public: true,
});

export const RequestLaunched = defineEvent<
  'io.openhostfactory.request.launched.v1',
  { requestId: string; resources: ProviderResource[]; failures: LaunchFailure[]; machineIds: string[] }
>({
  type: 'io.openhostfactory.request.launched.v1',
  description:
    'The cloud accepted the launch: the fleets or groups it made, the machines known so far, and what it refused.',
  schema: {
    type: 'object',
    required: ['requestId', 'resources', 'failures', 'machineIds'],
    properties: {
      requestId: str,
      resources: { type: 'array' },
      failures: { type: 'array', items: failure },
      machineIds: { type: 'array', items: str },
    },
  },
  example: {
    requestId: 'req-5a0c6c8e',
    resources: [{ kind: 'ec2-fleet', id: 'fleet-0a1b', owned: true, fleetType: 'instant' }],
    failures: [],
    machineIds: ['i-0a1b2c3d4e5f60718'],
  },
  public: true,
});

export const RequestCapacityFailed = defineEvent<
  'io.openhostfactory.request.capacity-failed.v1',
  { requestId: string; failure: LaunchFailure }
>({
  type: 'io.openhostfactory.request.capacity-failed.v1',
  description:
    'Part or all of a request cannot be launched (capacity, permissions, bad parameters): those units will not come.',
  schema: { type: 'object', required: ['requestId', 'failure'], properties: { requestId: str, failure } },
  example: {
    requestId: 'req-5a0c6c8e',
    failure: {
      units: 2,
      code: 'InsufficientInstanceCapacity',
      message: 'We currently do not have sufficient m5.large capacity',
    },
  },
  public: true,
});

export const RequestResourcesAdded = defineEvent<
  'io.openhostfactory.request.resources-added.v1',
  { requestId: string; resources: ProviderResource[] }
>({
  type: 'io.openhostfactory.request.resources-added.v1',
  description:
    'The cloud made a further resource for the request (e.g. the on-demand top-up of a heterogeneous request).',
  schema: {
    type: 'object',
    required: ['requestId', 'resources'],
    properties: { requestId: str, resources: { type: 'array' } },
  },
  example: {
    requestId: 'req-5a0c6c8e',
    resources: [{ kind: 'ec2-fleet', id: 'fleet-0c2d', owned: true, fleetType: 'instant' }],
  },
  public: true,
});

export const RequestCompleted = defineEvent<
  'io.openhostfactory.request.completed.v1',
  { requestId: string; status: 'complete' | 'complete_with_error'; succeeded: number; failed: number }
>({
  type: 'io.openhostfactory.request.completed.v1',
  description: 'Every machine of an acquire request reached a final answer for Host Factory.',
  schema: {
    type: 'object',
    required: ['requestId', 'status', 'succeeded', 'failed'],
    properties: {
      requestId: str,
      status: { enum: ['complete', 'complete_with_error'] },
      succeeded: int,
      failed: int,
    },
  },
  example: { requestId: 'req-5a0c6c8e', status: 'complete', succeeded: 2, failed: 0 },
  public: true,
});

export const RequestResourcesReleased = defineEvent<
  'io.openhostfactory.request.resources-released.v1',
  { requestId: string; resources: ProviderResource[] }
>({
  type: 'io.openhostfactory.request.resources-released.v1',
  description:
    'The request has nothing left: its fleets, Auto Scaling group and launch templates were deleted.',
  schema: {
    type: 'object',
    required: ['requestId', 'resources'],
    properties: { requestId: str, resources: { type: 'array' } },
  },
  example: {
    requestId: 'req-5a0c6c8e',
    resources: [{ kind: 'launch-template', id: 'lt-0a1b', owned: true }],
  },
  public: true,
});

export type RequestEvent =
  | DomainEvent<typeof RequestAccepted.type, RequestAcceptedData>
  | DomainEvent<typeof RequestLaunched.type, typeof RequestLaunched.example>
  | DomainEvent<typeof RequestCapacityFailed.type, typeof RequestCapacityFailed.example>
  | DomainEvent<typeof RequestResourcesAdded.type, typeof RequestResourcesAdded.example>
  | DomainEvent<typeof RequestCompleted.type, typeof RequestCompleted.example>
  | DomainEvent<typeof RequestResourcesReleased.type, typeof RequestResourcesReleased.example>;

export const REQUEST_EVENTS = [
  RequestAccepted,
  RequestLaunched,
  RequestCapacityFailed,
  RequestResourcesAdded,
  RequestCompleted,
  RequestResourcesReleased,
];
