import {
  MachineCloudStateChanged,
  MachineEvent,
  MachineFailed,
  MachineLaunched,
  MachineLaunchedData,
  MachineReclaimNoticed,
  MachineReleaseStarted,
  MachineReturnRequested,
  MachineRunning,
  MachineTerminated,
  ReleaseCause,
} from '../../events/hostfactory/machine.events';
import type { InstanceObservation, InstanceState } from '../../ports/cloud-provider.port';
import type { Decider } from '../../shared/decider';

/** Our lifecycle of a machine; `cloudState` keeps what the cloud last said. */
export type MachineStatus =
  'none' | 'pending' | 'running' | 'returning' | 'releasing' | 'terminated' | 'failed' | 'lost' | 'reclaimed';

export interface MachineState {
  status: MachineStatus;
  machineId?: string;
  cloudState?: InstanceState;
  name?: string;
  returnRequestId?: string;
  releaseCause?: ReleaseCause;
  reclaimDeadline?: number;
  failed?: boolean;
}

export type MachineCommand =
  | { kind: 'launch'; data: MachineLaunchedData }
  | { kind: 'observe'; observation: InstanceObservation | 'missing' }
  | { kind: 'return'; returnRequestId: string }
  | { kind: 'release-started'; cause: ReleaseCause; message?: string }
  | { kind: 'fail'; code: string; message: string };

export const FINAL_MACHINE_STATUSES: readonly MachineStatus[] = ['terminated', 'failed', 'lost', 'reclaimed'];
export const isFinalMachine = (s: MachineStatus): boolean => FINAL_MACHINE_STATUSES.includes(s);

function gone(state: MachineState, machineId: string, reason?: string): MachineEvent[] {
  const events: MachineEvent[] = [];
  if (state.cloudState !== 'terminated')
    events.push(MachineCloudStateChanged.create({ machineId, cloudState: 'terminated', reason }));
  if (state.status === 'releasing' || state.status === 'returning') {
    const cause =
      state.releaseCause === 'returned' || state.status === 'returning'
        ? 'returned'
        : state.releaseCause === 'failed'
          ? 'failed'
          : 'reaped';
    return [...events, MachineTerminated.create({ machineId, cause })];
  }
  if (state.reclaimDeadline !== undefined)
    return [...events, MachineTerminated.create({ machineId, cause: 'reclaimed' })];
  if (state.status === 'pending') {
    const message = `the cloud terminated the instance before it ran${reason ? `: ${reason}` : ''}`;
    return [
      ...events,
      MachineFailed.create({ machineId, code: 'TerminatedBeforeRunning', message }),
      MachineTerminated.create({ machineId, cause: 'failed' }),
    ];
  }
  // Running and taken away without Host Factory asking: the machine is lost.
  return [...events, MachineTerminated.create({ machineId, cause: 'external' })];
}

function observe(state: MachineState, machineId: string, o: InstanceObservation | 'missing'): MachineEvent[] {
  if (o === 'missing' || o.state === 'terminated')
    return gone(state, machineId, o === 'missing' ? 'no longer listed by the cloud' : o.stateReason);
  const events: MachineEvent[] = [];
  if (o.reclaimDeadline !== undefined && state.reclaimDeadline === undefined)
    events.push(MachineReclaimNoticed.create({ machineId, deadline: o.reclaimDeadline }));
  if (state.status === 'pending' && o.state === 'running' && o.name) {
    events.push(
      MachineRunning.create({
        machineId,
        name: o.name,
        privateIpAddress: o.privateIpAddress,
        publicIpAddress: o.publicIpAddress,
        launchTime: o.launchTime,
      }),
    );
  } else if (o.state !== state.cloudState && !(o.state === 'running' && state.status === 'pending')) {
    events.push(MachineCloudStateChanged.create({ machineId, cloudState: o.state, reason: o.stateReason }));
  }
  return events;
}

export const machineDecider: Decider<MachineState, MachineCommand, MachineEvent> = {
  category: 'machine',
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    const machineId = state.machineId ?? '';
    if (command.kind === 'launch') {
      if (state.status !== 'none') return [];
      const d = command.data;
      const events: MachineEvent[] = [MachineLaunched.create(d)];
      if (d.cloudState === 'running' && d.name)
        events.push(
          MachineRunning.create({
            machineId: d.machineId,
            name: d.name,
            privateIpAddress: d.privateIpAddress,
            publicIpAddress: d.publicIpAddress,
            launchTime: d.launchTime,
          }),
        );
      return events;
    }
    if (state.status === 'none' || isFinalMachine(state.status)) return [];
    switch (command.kind) {
      case 'observe':
        return observe(state, machineId, command.observation);
      case 'return':
        return state.status === 'pending' || state.status === 'running'
          ? [MachineReturnRequested.create({ machineId, returnRequestId: command.returnRequestId })]
          : [];
      case 'release-started':
        return state.status === 'releasing'
          ? []
          : [MachineReleaseStarted.create({ machineId, cause: command.cause, message: command.message })];
      case 'fail':
        return state.failed
          ? []
          : [MachineFailed.create({ machineId, code: command.code, message: command.message })];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case MachineLaunched.type:
        return { status: 'pending', machineId: event.data.machineId, cloudState: event.data.cloudState };
      case MachineRunning.type:
        return {
          ...state,
          status: state.status === 'pending' ? 'running' : state.status,
          cloudState: 'running',
          name: event.data.name,
        };
      case MachineCloudStateChanged.type:
        return { ...state, cloudState: event.data.cloudState };
      case MachineReclaimNoticed.type:
        return { ...state, reclaimDeadline: event.data.deadline };
      case MachineReturnRequested.type:
        return { ...state, status: 'returning', returnRequestId: event.data.returnRequestId };
      case MachineReleaseStarted.type:
        return {
          ...state,
          status: 'releasing',
          releaseCause: state.status === 'returning' ? 'returned' : event.data.cause,
        };
      case MachineFailed.type:
        return { ...state, failed: true };
      case MachineTerminated.type: {
        const cause = event.data.cause;
        const status: MachineStatus =
          cause === 'external'
            ? 'lost'
            : cause === 'reclaimed'
              ? 'reclaimed'
              : cause === 'failed'
                ? 'failed'
                : 'terminated';
        return { ...state, status, cloudState: 'terminated' };
      }
    }
  },
};
