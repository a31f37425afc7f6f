/**
 * A Host Factory template as IBM's awsprov_templates.json describes it (plus the Open Host Factory
 * Plugin's providerApi/fleetType extension), after validation: every field typed and normalised.
 */
export type PriceType = 'ondemand' | 'spot' | 'heterogeneous';
export type ProviderApi = 'RunInstances' | 'EC2Fleet' | 'SpotFleet' | 'ASG';
export type FleetType = 'instant' | 'request' | 'maintain';
export type VolumeType = 'gp2' | 'gp3' | 'io1' | 'io2' | 'standard';
export type AllocationStrategy =
  | 'lowestPrice'
  | 'capacityOptimized'
  | 'capacityOptimizedPrioritized'
  | 'diversified'
  | 'priceCapacityOptimized';
export type OnDemandAllocationStrategy = 'lowestPrice' | 'prioritized';

/** `[TYPE, "value"]` as Host Factory expects attributes. */
export type AttributeValue = [type: 'String' | 'Numeric' | 'Boolean', value: string];

export interface TemplateSpec {
  templateId: string;
  /** -1 unlimited (capped at 10000), 0 disabled; counts weighted units for weighted templates. */
  maxNumber: number;
  attributes: Record<string, AttributeValue>;
  priceType: PriceType;
  providerApi?: ProviderApi;
  fleetType?: FleetType;
  imageId?: string;
  subnetIds: string[];
  /** Instance type → weight (1 for vmType). */
  vmTypes: Record<string, number>;
  vmTypesOnDemand?: Record<string, number>;
  vmTypesPriority?: Record<string, number>;
  securityGroupIds: string[];
  keyName?: string;
  instanceProfile?: string;
  /** `k=v;k2=v2` parsed. */
  instanceTags: Record<string, string>;
  rootDeviceVolumeSize?: number;
  volumeType?: VolumeType;
  iops?: number;
  userDataScript?: string;
  /** Content of userDataScript, read when the template file is imported. */
  userData?: string;
  fleetRole?: string;
  maxSpotPrice?: number;
  allocationStrategy?: AllocationStrategy;
  allocationStrategyOnDemand?: OnDemandAllocationStrategy;
  percentOnDemand?: number;
  poolsCount?: number;
  /** Minutes, default 30. */
  spotFleetRequestExpiry?: number;
  launchTemplateId?: string;
  launchTemplateVersion?: string;
  pgrpName?: string | null;
  onDemandCapacity?: number;
  /** Any further provider-specific keys, kept as given. */
  extra?: Record<string, unknown>;
}

export const UNLIMITED_CAP = 10000;

/** maxNumber as a count: -1 means unlimited, capped at 10000. */
export const capacityOf = (spec: Pick<TemplateSpec, 'maxNumber'>): number =>
  spec.maxNumber < 0 ? UNLIMITED_CAP : Math.min(spec.maxNumber, UNLIMITED_CAP);

/** Weight of one instance of a type in this template (1 where the template does not weigh types). */
export const weightOf = (
  spec: Pick<TemplateSpec, 'vmTypes' | 'vmTypesOnDemand'>,
  instanceType?: string,
): number => (instanceType && (spec.vmTypes[instanceType] ?? spec.vmTypesOnDemand?.[instanceType])) || 1;
