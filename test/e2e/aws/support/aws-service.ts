/*
 * The whole service as its own process with OHF_PROVIDER=aws, configured the way Host Factory
 * deploys it (HF_PROVIDER_CONFDIR holding awsprov_config.json and awsprov_templates.json), talking
 * through the real AWS SDK to moto behind a counting gate; plus SDK clients straight to moto so
 * that tests check the cloud itself, not what the service says about it.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  Instance,
} from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertConforms, HfAnswerKind } from '../../../fixtures/hostfactory/hostfactory.schemas';
import { MotoServer, startMoto } from '../../../support/moto';
import { ServiceProcess } from '../../../support/service-process';
import { AwsGate, startAwsGate } from './aws-gate';
import { eventually, sleep } from '../../../support/eventually';
import type { HfMachine, HfRequest, HfReturnEntry } from '../../../fixtures/hostfactory/hf-harness';

export { eventually, sleep };

export const REGION = 'us-east-1';
export const FLEET_ROLE = 'arn:aws:iam::123456789012:role/aws-ec2-spot-fleet-tagging-role';

export interface MotoNetwork {
  subnetIds: string[];
  imageId: string;
}

export type { HfMachine, HfRequest, HfReturnEntry };

/** A template as awsprov_templates.json has it, on moto's subnets and image. */
export function motoTemplate(
  network: MotoNetwork,
  templateId: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    templateId,
    maxNumber: 1000,
    attributes: { type: ['String', 'X86_64'], ncpus: ['Numeric', '1'], nram: ['Numeric', '1024'] },
    imageId: network.imageId,
    subnetId: network.subnetIds,
    vmType: 't3.micro',
    instanceTags: 'team=hpc;project=e2e',
    fleetRole: FLEET_ROLE,
    ...over,
  };
}

export interface AwsServiceOptions {
  /** Templates for awsprov_templates.json, built once moto's network is known. */
  templates: (network: MotoNetwork) => Record<string, unknown>[];
  /** Settings of the service (OHF_*), over quick defaults. */
  env?: Record<string, string>;
  prefix?: string;
}

export class AwsService {
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;

  private constructor(
    readonly moto: MotoServer,
    readonly gate: AwsGate,
    readonly network: MotoNetwork,
    readonly confdir: string,
    readonly deploymentId: string,
    readonly service: ServiceProcess,
  ) {
    const common = {
      region: REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
    };
    this.ec2 = new EC2Client(common);
    this.autoScaling = new AutoScalingClient(common);
  }

  static async start(options: AwsServiceOptions): Promise<AwsService> {
    const moto = await startMoto();
    const gate = await startAwsGate(moto.endpoint);
    const confdir = mkdtempSync(join(tmpdir(), 'ohf-aws-'));
    try {
      const network = await motoNetwork(moto.endpoint);
      writeFileSync(
        join(confdir, 'awsprov_config.json'),
        JSON.stringify({ AWS_REGION: REGION, AWS_ENDPOINT_URL: gate.url, AWS_REQUEST_RETRY_ATTEMPTS: 2 }),
      );
      writeFileSync(
        join(confdir, 'awsprov_templates.json'),
        JSON.stringify({ templates: options.templates(network) }, null, 2),
      );
      const deploymentId = `dep-${randomUUID().slice(0, 8)}`;
      const service = await ServiceProcess.start(
        {
          OHF_PROVIDER: 'aws',
          HF_PROVIDER_CONFDIR: confdir,
          OHF_DEPLOYMENT_ID: deploymentId,
          OHF_RECONCILE_INTERVAL_MS: '150',
          // The file decides region and endpoint; moto takes any credentials.
          AWS_REGION: '',
          AWS_ENDPOINT_URL: '',
          AWS_PROFILE: '',
          AWS_ACCESS_KEY_ID: 'moto',
          AWS_SECRET_ACCESS_KEY: 'moto',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...options.env,
        },
        options.prefix ?? 'aws_e2e',
      );
      return new AwsService(moto, gate, network, confdir, deploymentId, service);
    } catch (error) {
      await gate.close();
      await moto.stop();
      rmSync(confdir, { recursive: true, force: true });
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await this.service?.dispose();
    this.ec2.destroy();
    this.autoScaling.destroy();
    await this.gate.close();
    await this.moto.stop();
    rmSync(this.confdir, { recursive: true, force: true });
  }

  /** A Host Factory call over HTTP (loopback, no token); the answer must conform to the contract. */
  async hf<T>(operation: HfAnswerKind, body: unknown): Promise<T> {
    const response = await fetch(`${this.service.url}/hostfactory/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer: unknown = await response.json();
    if (response.status !== 200)
      throw new Error(`${operation}: HTTP ${response.status} ${JSON.stringify(answer)}`);
    return assertConforms<T>(operation, answer);
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.service.url}${path}`);
    const body = (await response.json()) as T;
    if (response.status !== 200)
      throw new Error(`GET ${path}: HTTP ${response.status} ${JSON.stringify(body)}`);
    return body;
  }

  async requestMachines(templateId: string, machineCount: number): Promise<string> {
    const answer = await this.hf<{ requestId: string }>('requestMachines', {
      template: { templateId, machineCount },
    });
    return answer.requestId;
  }

  async status(requestIds: string[]): Promise<HfRequest[]> {
    const answer = await this.hf<{ requests: HfRequest[] }>('getRequestStatus', {
      requests: requestIds.map((requestId) => ({ requestId })),
    });
    return answer.requests;
  }

  /** Polls getRequestStatus until no request is `running`. */
  async untilFinal(requestIds: string[], timeoutMs = 40_000, everyMs = 150): Promise<HfRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const requests = await this.status(requestIds);
      if (requests.every((r) => r.status !== 'running')) return requests;
      if (Date.now() > deadline)
        throw new Error(
          `still running after ${timeoutMs} ms: ${JSON.stringify(requests).slice(0, 2000)}\n${this.service.tail()}`,
        );
      await sleep(everyMs);
    }
  }

  async returnMachines(machines: { name: string; machineId: string }[]): Promise<string> {
    const answer = await this.hf<{ requestId: string }>('requestReturnMachines', { machines });
    return answer.requestId;
  }

  async returnRequests(machines: { name: string; machineId: string }[]): Promise<HfReturnEntry[]> {
    return (await this.hf<{ requests: HfReturnEntry[] }>('getReturnRequests', { machines })).requests;
  }

  /** Instances moto holds with a tag (any state unless `states` is given), straight from EC2. */
  async instancesTagged(key: string, value: string, states?: string[]): Promise<Instance[]> {
    const filters = [{ Name: `tag:${key}`, Values: [value] }];
    if (states) filters.push({ Name: 'instance-state-name', Values: states });
    const out = await this.ec2.send(new DescribeInstancesCommand({ Filters: filters }));
    return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  }
}

export const LIVE = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

/** moto's default VPC subnets (two zones) and one of its Linux images. */
async function motoNetwork(endpoint: string): Promise<MotoNetwork> {
  const ec2 = new EC2Client({
    region: REGION,
    endpoint,
    credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
  });
  try {
    const subnets = await ec2.send(new DescribeSubnetsCommand({}));
    const images = await ec2.send(new DescribeImagesCommand({}));
    const image = (images.Images ?? []).find(
      (i) => i.RootDeviceName && !/windows/i.test(`${i.Name} ${i.Platform}`),
    );
    if (!image?.ImageId) throw new Error('moto offers no Linux image');
    return {
      subnetIds: (subnets.Subnets ?? []).slice(0, 2).map((s) => s.SubnetId ?? ''),
      imageId: image.ImageId,
    };
  } finally {
    ec2.destroy();
  }
}
