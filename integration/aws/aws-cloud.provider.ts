import {
  CloudProvider,
  DescribeOutcome,
  DescribeQuery,
  InstanceObservation,
  LaunchOrder,
  LaunchOutcome,
  ProviderResource,
  ReleaseItem,
  ReleaseOutcome,
} from '../../domain/ports/cloud-provider.port';
import { AwsClients, AwsCredentials, createAwsClients, destroyAwsClients } from './aws-clients';
import type { AwsContext } from './aws-context';
import { toCloudProviderError } from './aws-error.mapper';
import { AwsProviderConfig, loadAwsProviderConfig } from './aws-provider.config';
import { AwsCaller, callerFromConfig } from './aws-retry';
import { AutoScalingProvisioner } from './auto-scaling.provisioner';
import { Ec2FleetProvisioner } from './ec2-fleet.provisioner';
import { FleetStatusReader } from './fleet-status.reader';
import { ImageResolver } from './image-resolver';
import { InstanceDescriber } from './instance-describer';
import { toObservation } from './instance-observation';
import { InstanceReleaser } from './instance-releaser';
import { launchKindOf } from './launch-plan';
import { LaunchTemplateBuilder } from './launch-template.builder';
import { OnDemandTopUp } from './on-demand-top-up';
import { RequestWatcher } from './request-watcher';
import { ResourceCleaner } from './resource-cleaner';
import { RunInstancesProvisioner } from './run-instances.provisioner';
import { SpotFleetProvisioner } from './spot-fleet.provisioner';
import { SpotInterruptions } from './spot-interruptions';

export interface AwsCloudProviderOptions {
  config: AwsProviderConfig;
  /** Tags every instance (ohf:deployment-id) so that this deployment finds its strays. */
  deploymentId: string;
  /** Defaults to one client per service built from the config. */
  clients?: AwsClients;
  credentials?: AwsCredentials;
  caller?: AwsCaller;
  /** Epoch milliseconds. */
  now?: () => number;
}

/**
 * The AWS CloudProvider: picks the launch API from the template and delegates; describes,
 * returns and cleans up in batched calls. Every error leaves as a CloudProviderError carrying
 * AWS's code and message and whether trying again later can help.
 */
export class AwsCloudProvider implements CloudProvider {
  readonly name = 'aws';
  readonly clients: AwsClients;
  readonly config: AwsProviderConfig;
  private readonly ctx: AwsContext;
  private readonly deploymentId: string;
  private readonly runInstances: RunInstancesProvisioner;
  private readonly ec2Fleets: Ec2FleetProvisioner;
  private readonly spotFleets: SpotFleetProvisioner;
  private readonly groups: AutoScalingProvisioner;
  private readonly watcher: RequestWatcher;
  private readonly interruptions: SpotInterruptions;
  private readonly releaser: InstanceReleaser;
  private readonly cleaner: ResourceCleaner;

  static fromEnvironment(env: NodeJS.ProcessEnv, deploymentId: string): AwsCloudProvider {
    return new AwsCloudProvider({ config: loadAwsProviderConfig(env), deploymentId });
  }

  constructor(options: AwsCloudProviderOptions) {
    this.config = options.config;
    this.deploymentId = options.deploymentId;
    this.clients = options.clients ?? createAwsClients(options.config, options.credentials);
    const aws = options.caller ?? callerFromConfig(options.config);
    const now = options.now ?? Date.now;
    const describer = new InstanceDescriber(this.clients.ec2, aws);
    const images = new ImageResolver(this.clients.ssm, this.clients.ec2, aws, now);
    const templates = new LaunchTemplateBuilder(this.clients.ec2, aws, images);
    this.ctx = { clients: this.clients, aws, describer, templates, now };
    const statuses = new FleetStatusReader(this.ctx);
    this.runInstances = new RunInstancesProvisioner(this.ctx);
    this.ec2Fleets = new Ec2FleetProvisioner(this.ctx);
    this.spotFleets = new SpotFleetProvisioner(this.ctx);
    this.groups = new AutoScalingProvisioner(this.ctx);
    this.interruptions = new SpotInterruptions(this.clients.ec2, aws);
    this.watcher = new RequestWatcher(this.ctx, statuses, new OnDemandTopUp(this.ctx, this.ec2Fleets));
    this.releaser = new InstanceReleaser(
      this.ctx,
      statuses,
      this.interruptions,
      options.config.spotTerminateOnReclaim,
    );
    this.cleaner = new ResourceCleaner(this.ctx);
  }

  async launch(order: LaunchOrder): Promise<LaunchOutcome> {
    if (order.units <= 0) return { resources: [], instances: [], failures: [] };
    let action = 'launch';
    try {
      const kind = launchKindOf(order.template);
      action = `launch via ${kind.api}`;
      switch (kind.api) {
        case 'RunInstances':
          return await this.runInstances.launch(order);
        case 'EC2Fleet':
          return await this.ec2Fleets.launch(order, kind.fleetType);
        case 'SpotFleet':
          return await this.spotFleets.launch(order, kind.fleetType);
        case 'ASG':
          return await this.groups.launch(order);
      }
    } catch (error) {
      throw toCloudProviderError(error, action);
    }
  }

  async describe(query: DescribeQuery): Promise<DescribeOutcome> {
    try {
      const { instances: known, missing } = await this.ctx.describer.byIds(query.machineIds);
      const knownIds = new Set(known.map((i) => i.InstanceId ?? ''));
      const watched = await this.watcher.watch(query.requests, knownIds);
      const all = [...known, ...watched.discovered];
      const deadlines = await this.interruptions.deadlines(all, Math.floor(this.ctx.now() / 1000));
      const instances = all.map((i) => toObservation(i, deadlines.get(i.InstanceId ?? '')));
      const listed = new Set(instances.map((i) => i.machineId));
      instances.push(...watched.launched.filter((i) => !listed.has(i.machineId)));
      return { instances, missing, failures: watched.failures, newResources: watched.newResources };
    } catch (error) {
      throw toCloudProviderError(error, 'describe');
    }
  }

  async release(items: ReleaseItem[]): Promise<ReleaseOutcome> {
    try {
      return await this.releaser.release(items);
    } catch (error) {
      throw toCloudProviderError(error, 'release');
    }
  }

  async cleanup(requestId: string, resources: ProviderResource[]): Promise<void> {
    try {
      await this.cleaner.cleanup(requestId, resources);
    } catch (error) {
      throw toCloudProviderError(error, `cleanup of ${requestId}`);
    }
  }

  async listDeploymentInstances(): Promise<InstanceObservation[]> {
    try {
      return (await this.ctx.describer.byDeployment(this.deploymentId)).map((i) => toObservation(i));
    } catch (error) {
      throw toCloudProviderError(error, 'listDeploymentInstances');
    }
  }

  /** Closes the clients' sockets (service shutdown, end of a test). */
  close(): void {
    destroyAwsClients(this.clients);
  }
}
