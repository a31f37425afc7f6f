import type { Instance } from '@aws-sdk/client-ec2';
import { InstanceObservation, InstanceState, TAG_REQUEST_ID } from '../../domain/ports/cloud-provider.port';
import { tagValue } from './tags';

const STATES: readonly InstanceState[] = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'shutting-down',
  'terminated',
];

/**
 * EC2's view of an instance as the service wants it. Fields AWS has not filled yet (host name,
 * addresses) are left out rather than guessed or sent empty: Host Factory must not adopt a host
 * whose name is still unknown.
 */
export function toObservation(instance: Instance, reclaimDeadline?: number): InstanceObservation {
  const stateName = instance.State?.Name as InstanceState | undefined;
  const observation: InstanceObservation = {
    machineId: instance.InstanceId ?? '',
    state: stateName && STATES.includes(stateName) ? stateName : 'pending',
    priceType: instance.InstanceLifecycle === 'spot' ? 'spot' : 'ondemand',
  };
  setIf(observation, 'name', instance.PrivateDnsName);
  setIf(observation, 'privateIpAddress', instance.PrivateIpAddress);
  setIf(observation, 'publicIpAddress', instance.PublicIpAddress);
  setIf(observation, 'instanceType', instance.InstanceType);
  setIf(observation, 'subnetId', instance.SubnetId);
  setIf(observation, 'requestId', tagValue(instance.Tags, TAG_REQUEST_ID));
  setIf(observation, 'stateReason', instance.StateReason?.Code);
  if (instance.LaunchTime)
    observation.launchTime = Math.floor(new Date(instance.LaunchTime).getTime() / 1000);
  if (reclaimDeadline !== undefined) observation.reclaimDeadline = reclaimDeadline;
  return observation;
}

type TextKey =
  'name' | 'privateIpAddress' | 'publicIpAddress' | 'instanceType' | 'subnetId' | 'requestId' | 'stateReason';

function setIf(observation: InstanceObservation, key: TextKey, value: string | undefined): void {
  if (value !== undefined && value.trim() !== '') observation[key] = value;
}
