import { Instance, RunInstancesCommand, RunInstancesCommandInput, _InstanceType } from '@aws-sdk/client-ec2';
import { LaunchFailure, LaunchOrder, LaunchOutcome } from '../../domain/ports/cloud-provider.port';
import { TemplateSpec, weightOf } from '../../domain/entities/template/template-spec';
import {
  errorCode,
  errorMessage,
  isCapacityError,
  isTransient,
  toCloudProviderError,
} from './aws-error.mapper';
import type { AwsContext } from './aws-context';
import { toObservation } from './instance-observation';
import { clientTokenFor, requestTags, toAwsTags } from './tags';

/** Calls per launch at most: enough to try other zones/types and to top up a partial launch. */
const MAX_CALLS = 6;

/**
 * Plain RunInstances (IBM's on-demand path). The first call asks for 1..n, taking whatever
 * capacity there is; the calls after it top up what is missing in the next (type, subnet) pool,
 * all-or-nothing (MinCount = MaxCount) so that a shortfall ends as one clear capacity error
 * rather than a trickle of calls. Instances already tagged for the request are counted first,
 * so a launch repeated after a crash (or on moto, which ignores ClientToken) does not double.
 */
export class RunInstancesProvisioner {
  constructor(private readonly ctx: AwsContext) {}

  async launch(order: LaunchOrder): Promise<LaunchOutcome> {
    const { template } = order;
    const instances: Instance[] = await this.ctx.describer.byRequestIds([order.requestId], false);
    let have = instances.reduce((sum, i) => sum + weightOf(template, i.InstanceType), 0);
    if (have >= order.units) return outcome(instances, []);

    const base = await this.baseInput(order);
    const pools = poolsOf(template);
    const calls = Math.max(2, Math.min(pools.length, MAX_CALLS));
    let lastError: unknown;
    for (let call = 0; call < calls && have < order.units; call++) {
      const pool = pools[call % pools.length];
      const count = Math.ceil((order.units - have) / weightOf(template, pool.type));
      const input: RunInstancesCommandInput = {
        ...base,
        MinCount: call === 0 ? 1 : count,
        MaxCount: count,
        ClientToken: clientTokenFor(order.clientToken, `run-instances:${have}:${call}`),
      };
      if (pool.subnetId) input.SubnetId = pool.subnetId;
      if (pool.type) input.InstanceType = pool.type as _InstanceType;
      try {
        const out = await this.ctx.aws.mutate((abortSignal) =>
          this.ctx.clients.ec2.send(new RunInstancesCommand(input), { abortSignal }),
        );
        const launched = out.Instances ?? [];
        instances.push(...launched);
        have += launched.reduce((sum, i) => sum + weightOf(template, i.InstanceType ?? pool.type), 0);
      } catch (error) {
        lastError = error;
        if (isCapacityError(error)) continue;
        // Nothing launched, or AWS may try again later (launch is idempotent): the caller decides.
        if (instances.length === 0 || isTransient(error)) throw toCloudProviderError(error, 'RunInstances');
        break;
      }
    }
    const failures: LaunchFailure[] = [];
    if (have < order.units) {
      failures.push({
        units: order.units - have,
        code: lastError ? errorCode(lastError) : 'InsufficientInstanceCapacity',
        message: lastError
          ? errorMessage(lastError)
          : `RunInstances launched ${have} of ${order.units} units; AWS had no more capacity`,
      });
    }
    return outcome(instances, failures);
  }

  private async baseInput(order: LaunchOrder): Promise<RunInstancesCommandInput> {
    const { template } = order;
    const tags = toAwsTags(requestTags(order.requestId, order.tags));
    const tagSpecs: RunInstancesCommandInput['TagSpecifications'] = [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ];
    const market: Partial<RunInstancesCommandInput> =
      template.priceType === 'ondemand'
        ? {}
        : {
            InstanceMarketOptions: {
              MarketType: 'spot',
              SpotOptions: {
                SpotInstanceType: 'one-time',
                InstanceInterruptionBehavior: 'terminate',
                MaxPrice: template.maxSpotPrice !== undefined ? String(template.maxSpotPrice) : undefined,
              },
            },
          };
    if (template.launchTemplateId) {
      return {
        LaunchTemplate: {
          LaunchTemplateId: template.launchTemplateId,
          Version: template.launchTemplateVersion ?? '$Default',
        },
        TagSpecifications: tagSpecs,
        MinCount: 1,
        MaxCount: 1,
        ...market,
      };
    }
    const data = await this.ctx.templates.instanceData(template, requestTags(order.requestId, order.tags));
    return {
      ImageId: data.ImageId,
      KeyName: data.KeyName,
      SecurityGroupIds: data.SecurityGroupIds,
      IamInstanceProfile: data.IamInstanceProfile,
      UserData: data.UserData,
      BlockDeviceMappings: data.BlockDeviceMappings,
      TagSpecifications: tagSpecs,
      MinCount: 1,
      MaxCount: 1,
      ...market,
    };
  }
}

interface Pool {
  type?: string;
  subnetId?: string;
}

/** Every (instance type, subnet) pair, type by type, so a capacity error moves to another zone first. */
function poolsOf(template: TemplateSpec): Pool[] {
  const types: (string | undefined)[] = Object.keys(template.vmTypes);
  const subnets: (string | undefined)[] = template.subnetIds.length > 0 ? template.subnetIds : [undefined];
  const pools: Pool[] = [];
  for (const type of types.length > 0 ? types : [undefined]) {
    for (const subnetId of subnets) pools.push({ type, subnetId });
  }
  return pools;
}

const outcome = (instances: Instance[], failures: LaunchFailure[]): LaunchOutcome => ({
  resources: [],
  instances: instances.map((i) => toObservation(i)),
  failures,
});
