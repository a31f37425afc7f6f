import type { Provider } from '@nestjs/common';
import { RequestMachinesHandler } from '../../application/commands/hostfactory/request-machines.command';
import { RequestReturnMachinesHandler } from '../../application/commands/hostfactory/request-return-machines.command';
import { SimulatedCloudActionHandler } from '../../application/commands/hostfactory/simulated-cloud.command';
import { CompleteStep } from '../../application/jobs/hostfactory/complete.step';
import { HostFactoryReconciler } from '../../application/jobs/hostfactory/host-factory.reconciler';
import { LaunchStep } from '../../application/jobs/hostfactory/launch.step';
import { ObserveStep } from '../../application/jobs/hostfactory/observe.step';
import { ReapStep } from '../../application/jobs/hostfactory/reap.step';
import { ReconcileContext } from '../../application/jobs/hostfactory/reconcile-context';
import { ReleaseStep } from '../../application/jobs/hostfactory/release.step';
import { MACHINE_SIGHTINGS } from '../../application/ports/machine-sightings.port';
import { SIMULATED_CLOUD_CONTROL } from '../../application/ports/simulated-cloud.port';
import { GetAvailableTemplatesHandler } from '../../application/queries/hostfactory/get-available-templates.query';
import { GetRequestStatusHandler } from '../../application/queries/hostfactory/get-request-status.query';
import { GetReturnRequestsHandler } from '../../application/queries/hostfactory/get-return-requests.query';
import { GetRequestHandler } from '../../application/queries/resources/get-request.query';
import { ListMachinesHandler } from '../../application/queries/resources/list-machines.query';
import { ListRequestsHandler } from '../../application/queries/resources/list-requests.query';
import { TemplateUsageService } from '../../application/services/template-usage.service';
import { HOST_FACTORY_SETTINGS, HostFactorySettings } from '../../application/settings';
import { CLOUD_PROVIDER } from '../../domain/ports/cloud-provider.port';
import { MongoMachineSightings } from '../../integration/mongodb/machine-sightings.store';
import { METRIC, METRICS, MetricsRecorder } from '../../application/ports/metrics.port';
import { reportAwsCalls } from '../../integration/aws/aws-call-metrics';
import { AwsCloudProvider } from '../../integration/aws/aws-cloud.provider';
import { meteredCloudProvider } from '../metrics/metered-cloud-provider';
import { loadAwsProviderConfig } from '../../integration/aws/aws-provider.config';
import { SimulatedCloudProvider } from '../../integration/simulated/simulated-cloud.provider';
import type { AppConfig } from '../config/app-config';
import { MongoConnection } from '../database/mongo-connection';

/** The Host Factory feature: the five calls, the resource API, the reconciler and the cloud it drives. */
export const hostFactoryProviders = (config: AppConfig, env: NodeJS.ProcessEnv = process.env): Provider[] => {
  const settings: HostFactorySettings = {
    deploymentId: config.deploymentId,
    reconcileIntervalMs: config.reconcileIntervalMs,
    pendingTimeoutSec: config.pendingTimeoutSec ?? 180,
    unlistedMachineTimeoutSec: config.unlistedMachineTimeoutSec,
    strayTimeoutSec: config.strayTimeoutSec ?? 1800,
    terminateStrays: config.terminateStrays,
    terminateOnReclaim: config.terminateOnReclaim ?? true,
    maxLaunchAttempts: 5,
  };
  return [
    ...(config.provider === 'aws' ? awsProviders(config, settings, env) : simulatedProviders(config)),
    { provide: HOST_FACTORY_SETTINGS, useValue: settings },
    {
      provide: MACHINE_SIGHTINGS,
      inject: [MongoConnection],
      useFactory: (mongo: MongoConnection) => new MongoMachineSightings(mongo.db),
    },
    TemplateUsageService,
    ReconcileContext,
    LaunchStep,
    ObserveStep,
    ReleaseStep,
    CompleteStep,
    ReapStep,
    HostFactoryReconciler,
    RequestMachinesHandler,
    RequestReturnMachinesHandler,
    SimulatedCloudActionHandler,
    GetAvailableTemplatesHandler,
    GetRequestStatusHandler,
    GetReturnRequestsHandler,
    GetRequestHandler,
    ListRequestsHandler,
    ListMachinesHandler,
  ];
};

/**
 * OHF_PROVIDER=aws: awsprov_config.json (in HF_PROVIDER_CONFDIR) and AWS_REGION / AWS_ENDPOINT_URL;
 * IBM's timeouts there (pending, creation, terminate-on-reclaim) drive the reconciler.
 */
function awsProviders(config: AppConfig, settings: HostFactorySettings, env: NodeJS.ProcessEnv): Provider[] {
  const aws = loadAwsProviderConfig(env, config.providerConfDir);
  // What the administrator set for the service wins; IBM's file fills in the rest.
  settings.pendingTimeoutSec = config.pendingTimeoutSec ?? aws.instancePendingTimeoutSec;
  settings.terminateOnReclaim = config.terminateOnReclaim ?? aws.spotTerminateOnReclaim;
  settings.strayTimeoutSec = config.strayTimeoutSec ?? aws.instanceCreationTimeoutMin * 60;
  return [
    {
      provide: CLOUD_PROVIDER,
      inject: [METRICS],
      useFactory: (metrics: MetricsRecorder) => {
        const provider = new AwsCloudProvider({ config: aws, deploymentId: config.deploymentId });
        reportAwsCalls(provider.clients, (api, outcome, seconds) => {
          metrics.increment(METRIC.providerCalls, { provider: 'aws', api, outcome });
          metrics.observe(METRIC.providerCallDuration, { provider: 'aws', api }, seconds);
        });
        return provider;
      },
    },
  ];
}

/** The default: the built-in simulated cloud, kept in MongoDB, metered at the port. */
function simulatedProviders(config: AppConfig): Provider[] {
  return [
    {
      provide: SimulatedCloudProvider,
      inject: [MongoConnection, METRICS],
      useFactory: async (mongo: MongoConnection, metrics: MetricsRecorder) => {
        const cloud = new SimulatedCloudProvider(
          mongo.db,
          config.simulatedLaunchDelayMs,
          config.deploymentId,
        );
        await cloud.init();
        return meteredCloudProvider(cloud, metrics);
      },
    },
    { provide: CLOUD_PROVIDER, useExisting: SimulatedCloudProvider },
    { provide: SIMULATED_CLOUD_CONTROL, useExisting: SimulatedCloudProvider },
  ];
}
