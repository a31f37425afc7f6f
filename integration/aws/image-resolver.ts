import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CloudProviderError } from '../../domain/ports/cloud-provider.port';
import { AwsCaller } from './aws-retry';

/** Public SSM image parameters move on every AMI release; a few minutes of caching is plenty. */
const SSM_TTL_MS = 5 * 60 * 1000;

/**
 * Turns a template's imageId into an AMI id: templates may name an SSM parameter
 * (`/aws/service/ami-amazon-linux-latest/…`, optionally as `resolve:ssm:…`) so that they follow
 * the latest image without edits. Also finds an image's root device, which is where the
 * template's root volume size and type must be applied.
 */
export class ImageResolver {
  // Promises, not values: launches running side by side share one lookup instead of each asking.
  private readonly parameters = new Map<string, { value: Promise<string>; at: number }>();
  private readonly rootDevices = new Map<string, Promise<string>>();

  constructor(
    private readonly ssm: SSMClient,
    private readonly ec2: EC2Client,
    private readonly aws: AwsCaller,
    private readonly now: () => number = Date.now,
  ) {}

  async imageId(reference: string): Promise<string> {
    const name = reference.startsWith('resolve:ssm:') ? reference.slice('resolve:ssm:'.length) : reference;
    if (!name.startsWith('/')) return name;
    const cached = this.parameters.get(name);
    if (cached && this.now() - cached.at < SSM_TTL_MS) return cached.value;
    const value = this.readParameter(name);
    this.parameters.set(name, { value, at: this.now() });
    value.catch(() => this.parameters.delete(name));
    return value;
  }

  rootDeviceName(imageId: string): Promise<string> {
    const cached = this.rootDevices.get(imageId);
    if (cached) return cached;
    const device = this.readRootDevice(imageId);
    this.rootDevices.set(imageId, device);
    device.catch(() => this.rootDevices.delete(imageId));
    return device;
  }

  private async readParameter(name: string): Promise<string> {
    const out = await this.aws.describe((abortSignal) =>
      this.ssm.send(new GetParameterCommand({ Name: name }), { abortSignal }),
    );
    const value = out.Parameter?.Value;
    if (!value)
      throw new CloudProviderError('InvalidImageId', `SSM parameter ${name} holds no image id`, false);
    return value;
  }

  private async readRootDevice(imageId: string): Promise<string> {
    const out = await this.aws.describe((abortSignal) =>
      this.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }), { abortSignal }),
    );
    const device = out.Images?.[0]?.RootDeviceName;
    if (!device)
      throw new CloudProviderError('InvalidAMIID.NotFound', `image ${imageId} was not found`, false);
    return device;
  }
}
