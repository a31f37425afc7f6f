import type { TemplateSpec } from '../entities/template/template-spec';

/**
 * What the service needs from a cloud. Shaped for AWS: launches are asynchronous, one call
 * describes many machines, and every launch carries an idempotency token so that a retry or a
 * restart after a crash gets the same instances back rather than new ones.
 */

/** Cloud-side state of one instance, as EC2 names it. */
export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

/** Something the provider created for a request and must delete when the request has nothing left. */
export interface ProviderResource {
  kind: 'ec2-fleet' | 'spot-fleet' | 'asg' | 'launch-template' | 'simulated';
  id: string;
  /** Whether the service created it (an administrator's launch template is never deleted). */
  owned: boolean;
  /** Fleet type for fleets: request/maintain fleets keep a target capacity to lower on return. */
  fleetType?: 'instant' | 'request' | 'maintain';
}

export interface InstanceObservation {
  machineId: string;
  state: InstanceState;
  /** Private DNS name; absent until the cloud has it (never guessed). */
  name?: string;
  privateIpAddress?: string;
  publicIpAddress?: string;
  /** Epoch seconds. */
  launchTime?: number;
  instanceType?: string;
  priceType: 'ondemand' | 'spot';
  subnetId?: string;
  /** The Host Factory request the instance was launched for (from its tags). */
  requestId?: string;
  /** Set when the cloud announced it will take the instance back (spot interruption): epoch seconds. */
  reclaimDeadline?: number;
  /** Cloud's reason for the current state (e.g. `Server.SpotInstanceTermination`). */
  stateReason?: string;
}

export interface LaunchOrder {
  requestId: string;
  template: TemplateSpec;
  /** Capacity units to launch: machines, or weighted units for weighted templates. */
  units: number;
  /** Deterministic per request: the same order sent twice launches once. */
  clientToken: string;
  /** Host Factory request id, template id and deployment id tags, plus the template's instanceTags. */
  tags: Record<string, string>;
}

export interface LaunchFailure {
  /** Units that will not come (the cloud refused them). */
  units: number;
  code: string;
  message: string;
}

export interface LaunchOutcome {
  resources: ProviderResource[];
  /** Instances known at once (RunInstances, instant fleets); others appear in later describes. */
  instances: InstanceObservation[];
  failures: LaunchFailure[];
}

export interface RequestWatch {
  requestId: string;
  template: TemplateSpec;
  /** Epoch seconds when the launch was made (spot-then-on-demand top-ups, fleet expiry). */
  launchedAt: number;
  clientToken: string;
  tags: Record<string, string>;
  resources: ProviderResource[];
  /** Capacity units still expected from the request's fleets or groups. */
  pendingUnits: number;
}

export interface DescribeQuery {
  /** Machines that are not final: described in batched calls. */
  machineIds: string[];
  /** Requests whose fleets or groups may still bring instances. */
  requests: RequestWatch[];
}

export interface DescribeOutcome {
  /** One observation per known machine that the cloud still lists, and per newly found instance. */
  instances: InstanceObservation[];
  /** Machines the cloud no longer lists at all (gone). */
  missing: string[];
  /** Capacity a fleet or group reported it cannot bring (e.g. spot capacity not available). */
  failures: { requestId: string; failure: LaunchFailure }[];
  /** Resources created while watching (e.g. the on-demand top-up of a heterogeneous request). */
  newResources?: { requestId: string; resource: ProviderResource }[];
}

export interface ReleaseItem {
  machineId: string;
  requestId: string;
  resources: ProviderResource[];
}

export interface ReleaseOutcome {
  /** Machines whose termination the cloud accepted. */
  released: string[];
  failures: { machineId: string; code: string; message: string }[];
}

export interface CloudProvider {
  readonly name: string;
  launch(order: LaunchOrder): Promise<LaunchOutcome>;
  describe(query: DescribeQuery): Promise<DescribeOutcome>;
  /**
   * Terminates machines. For request/maintain fleets and Auto Scaling groups the target capacity
   * is lowered first, in a way that never terminates or replaces a second instance.
   */
  release(items: ReleaseItem[]): Promise<ReleaseOutcome>;
  /** Deletes what the service created for a request that has nothing left (fleets, groups, templates). */
  cleanup(requestId: string, resources: ProviderResource[]): Promise<void>;
  /** Every instance carrying this deployment's tag that is not terminated. */
  listDeploymentInstances(): Promise<InstanceObservation[]>;
}

export const CLOUD_PROVIDER = Symbol('CloudProvider');

/** A provider error worth telling Host Factory about; `retryable` ones are tried again later. */
export class CloudProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'CloudProviderError';
  }
}

export const TAG_REQUEST_ID = 'ohf:request-id';
export const TAG_TEMPLATE_ID = 'ohf:template-id';
export const TAG_DEPLOYMENT_ID = 'ohf:deployment-id';
