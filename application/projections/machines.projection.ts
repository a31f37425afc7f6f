import type { RecordedEvent } from '../../domain/events/domain-event';
import {
  MachineCloudStateChanged,
  MachineFailed,
  MachineLaunched,
  MachineLaunchedData,
  MachineReclaimNoticed,
  MachineReleaseStarted,
  MachineReturnRequested,
  MachineRunning,
  MachineTerminated,
} from '../../domain/events/hostfactory/machine.events';
import { machineDecider, MachineStatus } from '../../domain/entities/machine/machine.decider';
import type { InstanceState } from '../../domain/ports/cloud-provider.port';
import type { ProjectionDefinition } from './projection';

export interface MachineView {
  _id: string;
  requestId: string;
  templateId: string;
  returnRequestId?: string;
  status: MachineStatus;
  cloudState: InstanceState;
  name?: string;
  privateIpAddress?: string;
  publicIpAddress?: string;
  launchTime?: number;
  instanceType?: string;
  priceType: 'ondemand' | 'spot';
  weight: number;
  subnetId?: string;
  message?: string;
  reclaimDeadline?: number;
  releaseCause?: string;
  terminatedCause?: string;
  launchedAt: string;
  runningAt?: string;
  terminatedAt?: string;
  /** The machine failed (e.g. pending too long); it is terminated if still up. */
  failed?: boolean;
  /** Set while the reconciler must terminate the machine (returned, or failed and still up). */
  releaseDue?: true;
  updatedAt: string;
}

const EVENT_TYPES = [
  MachineLaunched.type,
  MachineRunning.type,
  MachineCloudStateChanged.type,
  MachineFailed.type,
  MachineReturnRequested.type,
  MachineReleaseStarted.type,
  MachineReclaimNoticed.type,
  MachineTerminated.type,
];

/** One document per machine; its `status` follows the machine decider's own evolve. */
export const machinesProjection: ProjectionDefinition<MachineView> = {
  name: 'machines',
  eventTypes: EVENT_TYPES,
  // requestId first: getRequestStatus reads a request's machines in launch order from the index.
  indexes: [
    { requestId: 1, launchedAt: 1, _id: 1 },
    { returnRequestId: 1 },
    { status: 1, templateId: 1 },
    { name: 1 },
    { releaseDue: 1 },
  ],
  keysOf: (event: RecordedEvent) => [event.subject],
  evolve(doc, event) {
    const next = evolveMachine(doc, event);
    if (!next) return next;
    // Indexed, so the reconciler finds what it must terminate without scanning every machine.
    const { releaseDue: _was, ...rest } = next;
    const due =
      next.status === 'returning' ||
      (next.failed === true && (next.status === 'pending' || next.status === 'running'));
    return due ? { ...rest, releaseDue: true } : rest;
  },
};

function evolveMachine(doc: MachineView | undefined, event: RecordedEvent): MachineView | undefined {
  if (event.type === MachineLaunched.type) {
    const d = event.data as MachineLaunchedData;
    return {
      _id: d.machineId,
      requestId: d.requestId,
      templateId: d.templateId,
      status: 'pending',
      cloudState: d.cloudState,
      privateIpAddress: d.privateIpAddress,
      publicIpAddress: d.publicIpAddress,
      launchTime: d.launchTime,
      instanceType: d.instanceType,
      priceType: d.priceType,
      weight: d.weight,
      subnetId: d.subnetId,
      launchedAt: event.time,
      updatedAt: event.time,
    };
  }
  if (!doc) return doc;
  const decided = machineDecider.evolve(
    {
      status: doc.status,
      machineId: doc._id,
      cloudState: doc.cloudState,
      name: doc.name,
      reclaimDeadline: doc.reclaimDeadline,
    },
    event as never,
  );
  const next: MachineView = {
    ...doc,
    status: decided.status,
    cloudState: decided.cloudState ?? doc.cloudState,
    updatedAt: event.time,
  };
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case MachineRunning.type:
      return {
        ...next,
        name: data.name as string,
        privateIpAddress: (data.privateIpAddress as string) ?? doc.privateIpAddress,
        publicIpAddress: (data.publicIpAddress as string) ?? doc.publicIpAddress,
        launchTime: (data.launchTime as number) ?? doc.launchTime,
        runningAt: event.time,
      };
    case MachineFailed.type:
      return { ...next, message: data.message as string, failed: true };
    case MachineReturnRequested.type:
      return { ...next, returnRequestId: data.returnRequestId as string };
    case MachineReleaseStarted.type:
      return {
        ...next,
        releaseCause: decided.releaseCause,
        ...(data.message ? { message: data.message as string } : {}),
      };
    case MachineReclaimNoticed.type:
      return { ...next, reclaimDeadline: data.deadline as number };
    case MachineTerminated.type:
      return { ...next, terminatedCause: data.cause as string, terminatedAt: event.time };
    default:
      return next;
  }
}
