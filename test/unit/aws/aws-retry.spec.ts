import { createServer, Server, Socket } from 'node:net';
import { CloudProviderError } from '../../../domain/ports/cloud-provider.port';
import { createAwsClients } from '../../../integration/aws/aws-clients';
import { AwsCloudProvider } from '../../../integration/aws/aws-cloud.provider';
import { loadAwsProviderConfig } from '../../../integration/aws/aws-provider.config';
import { AwsCaller, callerFromConfig } from '../../../integration/aws/aws-retry';
import { awsError } from './mocked-aws';

describe('AwsCaller', () => {
  const policy = { retries: 4, baseDelayMs: 100, maxDelayMs: 1000 };

  it('backs off exponentially with jitter on throttling, then returns', async () => {
    const sleeps: number[] = [];
    const caller = new AwsCaller({
      mutate: policy,
      describe: policy,
      attemptTimeoutMs: 1000,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 1,
    });
    let calls = 0;
    const result = await caller.describe(async () => {
      if (++calls <= 4) throw awsError('RequestLimitExceeded', 'Request limit exceeded.', 503);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(sleeps).toEqual([100, 200, 400, 800]);
  });

  it('does not retry what trying again cannot fix', async () => {
    const caller = new AwsCaller({
      mutate: policy,
      describe: policy,
      attemptTimeoutMs: 1000,
      sleep: async () => {},
    });
    let calls = 0;
    await expect(
      caller.mutate(async () => {
        calls++;
        throw awsError('InvalidParameterValue', 'Value (m9.huge) for parameter instanceType is invalid.');
      }),
    ).rejects.toThrow(/m9\.huge/);
    expect(calls).toBe(1);
  });
});

describe('AWS provider against an endpoint that never answers', () => {
  let server: Server;
  let port = 0;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => void sockets.push(socket)); // accepts, reads, never replies
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails the call with a retryable Timeout instead of hanging', async () => {
    const config = loadAwsProviderConfig({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    });
    const provider = new AwsCloudProvider({
      config,
      deploymentId: 'dep-unit',
      clients: createAwsClients(config, { accessKeyId: 'a', secretAccessKey: 'b' }),
      caller: callerFromConfig(config, { attemptTimeoutMs: 300, sleep: async () => {} }),
    });
    const started = Date.now();
    const error = await provider.listDeploymentInstances().catch((e: unknown) => e);
    provider.close();
    expect(error).toBeInstanceOf(CloudProviderError);
    expect(error).toMatchObject({ code: 'Timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(5000); // 4 attempts of 300 ms
  });
});
