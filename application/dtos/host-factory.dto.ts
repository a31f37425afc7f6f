import type { AttributeValue } from '../../domain/entities/template/template-spec';

/** Host Factory's JSON, field for field (hostfactory.md). */
export interface HfTemplate {
  templateId: string;
  maxNumber: number;
  availableNumber: number;
  requestedMachines: string[];
  attributes: Record<string, AttributeValue>;
  vmTypes?: Record<string, number>;
  instanceTags: string;
  pgrpName: string | null;
  onDemandCapacity: number;
  priceType: string;
}

export interface HfMachine {
  machineId: string;
  name: string;
  result: 'executing' | 'succeed' | 'fail';
  /** The cloud's state (pending … terminated); absent for a machine this provider does not know. */
  status?: string;
  privateIpAddress: string;
  publicIpAddress: string;
  launchtime: number;
  message: string;
  priceType: 'ondemand' | 'spot';
  instanceType: string;
  instanceTags: string;
  cloudHostId: string | null;
}

export interface HfRequestStatus {
  requestId: string;
  status: 'running' | 'complete' | 'complete_with_error';
  message: string;
  machines: HfMachine[];
}

export interface HfReturnRequest {
  machine: string;
  machineId: string;
  gracePeriod: number;
}

export interface HfMachineRef {
  name?: string;
  machineId?: string;
}
