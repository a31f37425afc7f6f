import type { InstanceState } from '../../ports/cloud-provider.port';
import { isFinalMachine, MachineStatus } from '../machine/machine.decider';

/** Host Factory's words (hostfactory.md): request status and per-machine result. */
export type HfRequestStatus = 'running' | 'complete' | 'complete_with_error';
export type HfResult = 'executing' | 'succeed' | 'fail';

export interface MachineFacts {
  status: MachineStatus;
  cloudState?: InstanceState;
  name?: string;
  weight: number;
  message?: string;
}

/** The result column of hostfactory.md's table, for an acquire request. */
export function acquireResult(m: MachineFacts): HfResult {
  if (m.status === 'failed' || isFinalMachine(m.status)) return 'fail';
  switch (m.cloudState) {
    case 'running':
      return m.name ? 'succeed' : 'executing';
    case 'pending':
    case undefined:
      return 'executing';
    default:
      // shutting-down, stopping, stopped, terminated: the machine will not serve.
      return 'fail';
  }
}

/**
 * The result column for a return request: a terminated, stopped or gone machine is done;
 * "shutting-down" and "stopping" are not.
 */
export function returnResult(m: MachineFacts | undefined): HfResult {
  if (!m) return 'fail';
  if (m.cloudState === 'terminated' || m.cloudState === 'stopped') return 'succeed';
  return isFinalMachine(m.status) && m.cloudState !== 'shutting-down' && m.cloudState !== 'stopping'
    ? 'succeed'
    : 'executing';
}

export interface AcquireFacts {
  machineCount: number;
  /** Units the cloud refused (capacity, permissions…). */
  failedUnits: number;
  /** Recorded once the reconciler decided it; wins over the computed status. */
  completedAs?: 'complete' | 'complete_with_error';
}

/**
 * `running` while anything is executing or units are still expected; otherwise `complete`, or
 * `complete_with_error` when some machine or unit failed. Never `complete_with_error` while a
 * machine is still executing: Host Factory may drop a request's machines when it sees it.
 */
export function acquireStatus(request: AcquireFacts, machines: readonly MachineFacts[]): HfRequestStatus {
  if (request.completedAs) return request.completedAs;
  const results = machines.map(acquireResult);
  if (results.includes('executing')) return 'running';
  const unitsSeen = machines.reduce((sum, m) => sum + m.weight, 0);
  if (unitsSeen + request.failedUnits < request.machineCount) return 'running';
  return results.includes('fail') || request.failedUnits > 0 ? 'complete_with_error' : 'complete';
}

export function returnStatus(results: readonly HfResult[]): HfRequestStatus {
  if (results.includes('executing')) return 'running';
  return results.includes('fail') ? 'complete_with_error' : 'complete';
}
