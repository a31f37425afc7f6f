import type { AwsClients } from './aws-clients';
import type { AwsCaller } from './aws-retry';
import type { InstanceDescriber } from './instance-describer';
import type { LaunchTemplateBuilder } from './launch-template.builder';

/** What every provisioner shares: one set of clients, one retry policy, one clock. */
export interface AwsContext {
  clients: AwsClients;
  aws: AwsCaller;
  describer: InstanceDescriber;
  templates: LaunchTemplateBuilder;
  /** Epoch milliseconds; injectable so that expiry and reclaim deadlines can be tested. */
  now: () => number;
}
