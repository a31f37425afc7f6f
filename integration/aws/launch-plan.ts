import { CloudProviderError } from '../../domain/ports/cloud-provider.port';
import type {
  AllocationStrategy,
  FleetType,
  TemplateSpec,
} from '../../domain/entities/template/template-spec';

/**
 * Which AWS API a template launches through, and how its capacity splits between spot and
 * on-demand. `providerApi`/`fleetType` (the Open Host Factory Plugin's extension) choose directly;
 * IBM's templates only say `priceType`: on-demand machines come from RunInstances, spot and
 * heterogeneous ones from a Spot Fleet (heterogeneous adds an on-demand top-up, see
 * on-demand-top-up.ts).
 */
export type LaunchKind =
  | { api: 'RunInstances' }
  | { api: 'EC2Fleet'; fleetType: FleetType }
  | { api: 'SpotFleet'; fleetType: 'request' | 'maintain' }
  | { api: 'ASG' };

export function launchKindOf(template: TemplateSpec): LaunchKind {
  const api = template.providerApi ?? defaultApi(template);
  switch (api) {
    case 'RunInstances':
      return { api };
    case 'ASG':
      return { api };
    case 'EC2Fleet':
      return { api, fleetType: template.fleetType ?? 'instant' };
    case 'SpotFleet':
      if (template.fleetType === 'instant') {
        throw new CloudProviderError(
          'InvalidTemplate',
          `template ${template.templateId}: a Spot Fleet cannot be of type instant (use EC2Fleet)`,
          false,
        );
      }
      return { api, fleetType: template.fleetType ?? 'request' };
  }
}

function defaultApi(template: TemplateSpec): LaunchKind['api'] {
  if (template.priceType !== 'ondemand') return 'SpotFleet';
  return template.fleetType ? 'EC2Fleet' : 'RunInstances';
}

/** Units to launch on demand; the rest is spot. */
export function onDemandUnits(template: TemplateSpec, units: number): number {
  if (template.priceType === 'ondemand') return units;
  const percent = Math.min(100, Math.max(0, template.percentOnDemand ?? 0));
  return Math.min(units, Math.round((units * percent) / 100));
}

export interface CapacityOverride {
  SubnetId?: string;
  InstanceType: string;
  WeightedCapacity: number;
  Priority?: number;
}

/**
 * Every (subnet, instance type) pool the request may use, each with the type's weight, so the
 * fleet can spread over zones and types and count capacity in the template's units.
 */
export function capacityOverrides(template: TemplateSpec, types = allTypes(template)): CapacityOverride[] {
  const subnets: (string | undefined)[] = template.subnetIds.length > 0 ? template.subnetIds : [undefined];
  const out: CapacityOverride[] = [];
  for (const subnet of subnets) {
    for (const [type, weight] of Object.entries(types)) {
      const override: CapacityOverride = { InstanceType: type, WeightedCapacity: weight > 0 ? weight : 1 };
      if (subnet) override.SubnetId = subnet;
      const priority = template.vmTypesPriority?.[type];
      if (priority !== undefined) override.Priority = priority;
      out.push(override);
    }
  }
  return out;
}

export const allTypes = (template: TemplateSpec): Record<string, number> => ({
  ...template.vmTypesOnDemand,
  ...template.vmTypes,
});

/** Instance types for on-demand capacity: the template's on-demand list where it has one. */
export const onDemandTypes = (template: TemplateSpec): Record<string, number> =>
  template.vmTypesOnDemand && Object.keys(template.vmTypesOnDemand).length > 0
    ? template.vmTypesOnDemand
    : template.vmTypes;

const KEBAB: Record<AllocationStrategy, string> = {
  lowestPrice: 'lowest-price',
  capacityOptimized: 'capacity-optimized',
  capacityOptimizedPrioritized: 'capacity-optimized-prioritized',
  diversified: 'diversified',
  priceCapacityOptimized: 'price-capacity-optimized',
};

/** AWS's recommended default: cheapest pools among those least likely to be interrupted. */
const DEFAULT_STRATEGY: AllocationStrategy = 'priceCapacityOptimized';

/** EC2 Fleet and Auto Scaling spell strategies in kebab case; Spot Fleet in camel case. */
export const fleetSpotStrategy = (template: TemplateSpec): string =>
  KEBAB[template.allocationStrategy ?? DEFAULT_STRATEGY];

export const spotFleetStrategy = (template: TemplateSpec): AllocationStrategy =>
  template.allocationStrategy ?? DEFAULT_STRATEGY;

/** Auto Scaling has no `diversified`; spreading over the cheapest safe pools is the nearest. */
export const asgSpotStrategy = (template: TemplateSpec): string =>
  template.allocationStrategy === 'diversified' ? KEBAB[DEFAULT_STRATEGY] : fleetSpotStrategy(template);

export const onDemandStrategy = (template: TemplateSpec): 'lowest-price' | 'prioritized' =>
  template.allocationStrategyOnDemand === 'prioritized' ? 'prioritized' : 'lowest-price';

/** Spot Fleet request expiry (template minutes, default 30) as epoch milliseconds. */
export const spotExpiryMs = (template: TemplateSpec, nowMs: number): number =>
  nowMs + (template.spotFleetRequestExpiry ?? 30) * 60 * 1000;
