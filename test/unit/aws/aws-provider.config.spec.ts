import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAwsProviderConfig } from '../../../integration/aws/aws-provider.config';

function confDir(config: Record<string, unknown> | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsprov-'));
  writeFileSync(
    join(dir, 'awsprov_config.json'),
    typeof config === 'string' ? config : JSON.stringify(config),
  );
  return dir;
}

describe('loadAwsProviderConfig', () => {
  it("reads IBM's awsprov_config.json keys with their defaults", () => {
    const dir = confDir({
      AWS_REGION: 'eu-west-1',
      AWS_CREDENTIAL_FILE: 'credentials',
      AWS_PROXY_HOST: 'proxy.corp',
      AWS_PROXY_PORT: '3128',
      AWS_REQUEST_RETRY_ATTEMPTS: 5,
      AWS_SPOT_TERMINATE_ON_RECLAIM: 'false',
      AWS_KEY_FILE: '/ignored/unknown/key',
    });
    expect(loadAwsProviderConfig({}, dir)).toEqual({
      region: 'eu-west-1',
      profile: undefined,
      credentialFile: join(dir, 'credentials'),
      endpointUrl: undefined,
      proxy: { host: 'proxy.corp', port: 3128 },
      connectionTimeoutMs: 10000,
      requestRetryAttempts: 5,
      instancePendingTimeoutSec: 180,
      describeRetryAttempts: 3,
      describeRequestIntervalMs: 200,
      spotTerminateOnReclaim: false,
      instanceCreationTimeoutMin: 30,
    });
  });

  it('lets AWS_REGION, AWS_PROFILE and AWS_ENDPOINT_URL from the environment win', () => {
    const dir = confDir({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'https://ec2.internal.corp' });
    const config = loadAwsProviderConfig(
      { AWS_REGION: 'us-east-2', AWS_PROFILE: 'burst', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' },
      dir,
    );
    expect(config).toMatchObject({
      region: 'us-east-2',
      profile: 'burst',
      endpointUrl: 'http://127.0.0.1:5000',
    });
  });

  it('finds the file through HF_PROVIDER_CONFDIR and works from the environment alone', () => {
    const dir = confDir({ AWS_REGION: 'ap-southeast-2' });
    expect(loadAwsProviderConfig({ HF_PROVIDER_CONFDIR: dir }).region).toBe('ap-southeast-2');
    expect(loadAwsProviderConfig({ AWS_REGION: 'us-west-2' }).region).toBe('us-west-2');
  });

  it.each([
    [{}, /AWS_REGION is required/],
    [{ AWS_REGION: 'mars-north-1x' }, /AWS_REGION/],
    [
      { AWS_REGION: 'us-east-1', AWS_REQUEST_RETRY_ATTEMPTS: 11 },
      /AWS_REQUEST_RETRY_ATTEMPTS must be an integer from 0 to 10/,
    ],
    [{ AWS_REGION: 'us-east-1', AWS_CONNECTION_TIMEOUT_MS: 'soon' }, /AWS_CONNECTION_TIMEOUT_MS/],
    [{ AWS_REGION: 'us-east-1', AWS_INSTANCE_PENDING_TIMEOUT_SEC: 0 }, /AWS_INSTANCE_PENDING_TIMEOUT_SEC/],
    [{ AWS_REGION: 'us-east-1', AWS_SPOT_TERMINATE_ON_RECLAIM: 'maybe' }, /AWS_SPOT_TERMINATE_ON_RECLAIM/],
    [{ AWS_REGION: 'us-east-1', AWS_PROXY_HOST: 'proxy.corp' }, /AWS_PROXY_PORT is required/],
    [{ AWS_REGION: 'us-east-1', AWS_PROXY_HOST: 'p', AWS_PROXY_PORT: 70000 }, /AWS_PROXY_PORT/],
    [{ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'ftp://x' }, /AWS_ENDPOINT_URL/],
    [{ AWS_REGION: 'us-east-1', INSTANCE_CREATION_TIMEOUT: -5 }, /INSTANCE_CREATION_TIMEOUT/],
  ])('refuses %j naming the key', (config, message) => {
    expect(() => loadAwsProviderConfig({}, confDir(config))).toThrow(message);
  });

  it('names the file when it is not JSON', () => {
    const dir = confDir('{ not json');
    expect(() => loadAwsProviderConfig({}, dir)).toThrow(/awsprov_config\.json is not valid JSON/);
  });
});
