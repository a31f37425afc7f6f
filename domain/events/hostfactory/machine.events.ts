import type { DomainEvent } from '../domain-event';
import { defineEvent, EventTypeDefinition } from '../event-type';
import type { InstanceState } from '../../ports/cloud-provider.port';

const str = { type: 'string' };

export interface MachineAddress {
  name?: string;
  privateIpAddress?: string;
  publicIpAddress?: string;
  launchTime?: number;
}

export interface MachineLaunchedData extends MachineAddress {
  machineId: string;
  requestId: string;
  templateId: string;
  instanceType?: string;
  priceType: 'ondemand' | 'spot';
  weight: number;
  cloudState: InstanceState;
  subnetId?: string;
}

/** Every machine event names its machine; the schema lists the fields each one requires. */
const machine = <T extends string, D>(
  type: T,
  description: string,
  properties: Record<string, unknown>,
  example: D,
): EventTypeDefinition<T, D> => ({
  type,
  description,
  schema: {
    type: 'object',
    required: ['machineId', ...Object.keys(properties)],
    properties: { machineId: str, ...properties },
  },
  example,
  public: true,
});

export const MachineLaunched = defineEvent<'io.openhostfactory.machine.launched.v1', MachineLaunchedData>(
  machine(
    'io.openhostfactory.machine.launched.v1',
    'The cloud has an instance for an acquire request (pending or running).',
    {
      requestId: str,
      templateId: str,
      priceType: { enum: ['ondemand', 'spot'] },
      weight: { type: 'number' },
      cloudState: str,
    },
    {
      machineId: 'i-0a1b2c3d4e5f60718',
      requestId: 'req-5a0c6c8e',
      templateId: 'OnDemand-Minimal-Template-VM',
      instanceType: 'm5.large',
      priceType: 'ondemand',
      weight: 1,
      cloudState: 'pending',
      launchTime: 1734619942,
    },
  ),
);

export const MachineRunning = defineEvent<
  'io.openhostfactory.machine.running.v1',
  MachineAddress & { machineId: string }
>(
  machine(
    'io.openhostfactory.machine.running.v1',
    'The instance runs and its host name is known: Host Factory can use it.',
    {
      name: str,
      privateIpAddress: str,
    },
    {
      machineId: 'i-0a1b2c3d4e5f60718',
      name: 'ip-10-0-57-22.ec2.internal',
      privateIpAddress: '10.0.57.22',
      publicIpAddress: '',
      launchTime: 1734619942,
    },
  ),
);

export const MachineCloudStateChanged = defineEvent<
  'io.openhostfactory.machine.cloud-state-changed.v1',
  { machineId: string; cloudState: InstanceState; reason?: string }
>(
  machine(
    'io.openhostfactory.machine.cloud-state-changed.v1',
    'The cloud reports a new state for the instance (stopping, shutting-down…).',
    {
      cloudState: str,
    },
    { machineId: 'i-0a1b2c3d4e5f60718', cloudState: 'shutting-down', reason: 'User initiated' },
  ),
);

export const MachineFailed = defineEvent<
  'io.openhostfactory.machine.failed.v1',
  { machineId: string; message: string; code: string }
>(
  machine(
    'io.openhostfactory.machine.failed.v1',
    'The machine will never serve: it did not start in time, or the cloud took it before it ran.',
    {
      message: str,
      code: str,
    },
    {
      machineId: 'i-0a1b2c3d4e5f60718',
      code: 'PendingTimeout',
      message: 'still pending after 180 s: terminated',
    },
  ),
);

export const MachineReturnRequested = defineEvent<
  'io.openhostfactory.machine.return-requested.v1',
  { machineId: string; returnRequestId: string }
>(
  machine(
    'io.openhostfactory.machine.return-requested.v1',
    'Host Factory gave the machine back; it will be terminated.',
    {
      returnRequestId: str,
    },
    { machineId: 'i-0a1b2c3d4e5f60718', returnRequestId: 'ret-1f2e3d4c' },
  ),
);

export type ReleaseCause = 'returned' | 'reaped' | 'failed' | 'stray';

export const MachineReleaseStarted = defineEvent<
  'io.openhostfactory.machine.release-started.v1',
  { machineId: string; cause: ReleaseCause; message?: string }
>(
  machine(
    'io.openhostfactory.machine.release-started.v1',
    'The cloud accepted the termination of the machine: returned by Host Factory, reaped (never adopted or no longer listed), or failed.',
    {
      cause: { enum: ['returned', 'reaped', 'failed', 'stray'] },
    },
    { machineId: 'i-0a1b2c3d4e5f60718', cause: 'returned' },
  ),
);

export const MachineReclaimNoticed = defineEvent<
  'io.openhostfactory.machine.reclaim-noticed.v1',
  { machineId: string; deadline: number }
>(
  machine(
    'io.openhostfactory.machine.reclaim-noticed.v1',
    'The cloud announced it takes the instance back (spot interruption) at `deadline` (epoch s).',
    {
      deadline: { type: 'integer' },
    },
    { machineId: 'i-0a1b2c3d4e5f60718', deadline: 1734620062 },
  ),
);

export const MachineTerminated = defineEvent<
  'io.openhostfactory.machine.terminated.v1',
  { machineId: string; cause: 'returned' | 'reclaimed' | 'external' | 'reaped' | 'failed' }
>(
  machine(
    'io.openhostfactory.machine.terminated.v1',
    'The instance is terminated; `cause` says why (returned, reclaimed, external = lost, reaped, failed).',
    {
      cause: { enum: ['returned', 'reclaimed', 'external', 'reaped', 'failed'] },
    },
    { machineId: 'i-0a1b2c3d4e5f60718', cause: 'returned' },
  ),
);

export type MachineEvent =
  | DomainEvent<typeof MachineLaunched.type, MachineLaunchedData>
  | DomainEvent<typeof MachineRunning.type, MachineAddress & { machineId: string }>
  | DomainEvent<
      typeof MachineCloudStateChanged.type,
      { machineId: string; cloudState: InstanceState; reason?: string }
    >
  | DomainEvent<typeof MachineFailed.type, { machineId: string; message: string; code: string }>
  | DomainEvent<typeof MachineReturnRequested.type, { machineId: string; returnRequestId: string }>
  | DomainEvent<
      typeof MachineReleaseStarted.type,
      { machineId: string; cause: ReleaseCause; message?: string }
    >
  | DomainEvent<typeof MachineReclaimNoticed.type, { machineId: string; deadline: number }>
  | DomainEvent<
      typeof MachineTerminated.type,
      { machineId: string; cause: 'returned' | 'reclaimed' | 'external' | 'reaped' | 'failed' }
    >;

export const MACHINE_EVENTS = [
  MachineLaunched,
  MachineRunning,
  MachineCloudStateChanged,
  MachineFailed,
  MachineReturnRequested,
  MachineReleaseStarted,
  MachineReclaimNoticed,
  MachineTerminated,
];
