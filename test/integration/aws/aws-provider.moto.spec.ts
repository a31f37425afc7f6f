import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  DescribeFleetsCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSpotFleetRequestsCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderResource } from '../../../domain/ports/cloud-provider.port';
import type { TemplateSpec } from '../../../domain/entities/template/template-spec';
import { createAwsClients } from '../../../integration/aws/aws-clients';
import { AwsCloudProvider } from '../../../integration/aws/aws-cloud.provider';
import { loadAwsProviderConfig } from '../../../integration/aws/aws-provider.config';
import { useMoto } from '../../support/moto';
import {
  DEPLOYMENT_ID,
  describeUntilRunning,
  liveInstancesOf,
  motoNetwork,
  motoProvider,
  orderFor,
  templateFor,
} from './moto-fixture';

const LAUNCH_TYPES: [string, Partial<TemplateSpec>, string[]][] = [
  ['RunInstances', { providerApi: 'RunInstances' }, []],
  ['EC2 Fleet instant', { providerApi: 'EC2Fleet', fleetType: 'instant' }, ['ec2-fleet', 'launch-template']],
  [
    'EC2 Fleet request',
    { providerApi: 'EC2Fleet', fleetType: 'request', priceType: 'spot' },
    ['ec2-fleet', 'launch-template'],
  ],
  [
    'EC2 Fleet maintain',
    { providerApi: 'EC2Fleet', fleetType: 'maintain', percentOnDemand: 50, priceType: 'spot' },
    ['ec2-fleet', 'launch-template'],
  ],
  ['Spot Fleet request', { priceType: 'spot' }, ['spot-fleet', 'launch-template']],
  [
    'Spot Fleet maintain',
    { providerApi: 'SpotFleet', fleetType: 'maintain', priceType: 'spot' },
    ['spot-fleet', 'launch-template'],
  ],
  [
    'Auto Scaling group',
    { providerApi: 'ASG', vmTypes: { 't3.micro': 1, 't3.small': 1 } },
    ['asg', 'launch-template'],
  ],
];

describe('AWS provider against moto', () => {
  const moto = useMoto();
  let provider: AwsCloudProvider;
  let network: Awaited<ReturnType<typeof motoNetwork>>;

  beforeEach(async () => {
    provider = motoProvider(moto.endpoint);
    network = await motoNetwork(provider);
  });
  afterEach(() => provider.close());

  describe.each(LAUNCH_TYPES)('%s', (_label, over, kinds) => {
    it('launches, reports running hosts with names and IPs, returns them all and cleans up', async () => {
      const order = orderFor('req-life', templateFor(network, over), 3);
      const outcome = await provider.launch(order);
      expect(outcome.failures).toEqual([]);
      expect(outcome.resources.map((r) => r.kind)).toEqual(kinds);

      const running = await describeUntilRunning(provider, order, outcome, 3);
      expect(running).toHaveLength(3);
      for (const machine of running) {
        expect(machine.name).toMatch(/\.internal$/);
        expect(machine.privateIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(machine.requestId).toBe('req-life');
        expect(machine.launchTime).toEqual(expect.any(Number));
      }
      const listed = await provider.listDeploymentInstances();
      expect(listed.map((i) => i.machineId).sort()).toEqual(running.map((i) => i.machineId).sort());
      const tagged = await provider.clients.ec2.send(
        new DescribeInstancesCommand({ InstanceIds: running.map((i) => i.machineId) }),
      );
      for (const instance of tagged.Reservations?.flatMap((r) => r.Instances ?? []) ?? []) {
        const tags = Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key, t.Value]));
        expect(tags).toMatchObject({
          'ohf:request-id': 'req-life',
          'ohf:deployment-id': DEPLOYMENT_ID,
          team: 'hpc',
        });
      }

      const release = await provider.release(
        running.map((m) => ({ machineId: m.machineId, requestId: 'req-life', resources: outcome.resources })),
      );
      expect(release.failures).toEqual([]);
      expect(release.released.sort()).toEqual(running.map((m) => m.machineId).sort());
      const after = await provider.describe({ machineIds: running.map((m) => m.machineId), requests: [] });
      expect(after.instances.map((i) => i.state)).toEqual(['terminated', 'terminated', 'terminated']);
      expect(await liveInstancesOf(provider, 'req-life')).toEqual([]);

      await provider.cleanup('req-life', outcome.resources);
      await expectGone(provider, outcome.resources);
      await provider.cleanup('req-life', outcome.resources); // a repeated cleanup is harmless
    });

    it('reports an instance terminated behind its back as terminated', async () => {
      const order = orderFor('req-stray', templateFor(network, over), 2);
      const outcome = await provider.launch(order);
      const running = await describeUntilRunning(provider, order, outcome, 2);
      await provider.clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [running[0].machineId] }));

      const seen = await provider.describe({ machineIds: running.map((m) => m.machineId), requests: [] });
      const states = Object.fromEntries(seen.instances.map((i) => [i.machineId, i.state]));
      expect(
        states[running[0].machineId] ?? (seen.missing.includes(running[0].machineId) && 'terminated'),
      ).toBe('terminated');
      expect(states[running[1].machineId]).toBe('running');
    });

    it('launches once when the same order comes twice (crash between launch and record)', async () => {
      const order = orderFor('req-twice', templateFor(network, over), 4);
      const first = await provider.launch(order);
      const second = await provider.launch(order);
      expect(await liveInstancesOf(provider, 'req-twice')).toHaveLength(4);
      expect(second.resources.map((r) => `${r.kind}:${r.id}`).sort()).toEqual(
        first.resources.map((r) => `${r.kind}:${r.id}`).sort(),
      );
    });
  });

  it('reaches AWS through AWS_PROXY_HOST/PORT by CONNECT tunnelling', async () => {
    const proxy = await connectProxy();
    const dir = mkdtempSync(join(tmpdir(), 'awsprov-'));
    writeFileSync(
      join(dir, 'awsprov_config.json'),
      JSON.stringify({ AWS_REGION: 'us-east-1', AWS_PROXY_HOST: '127.0.0.1', AWS_PROXY_PORT: proxy.port }),
    );
    const config = loadAwsProviderConfig({ AWS_ENDPOINT_URL: moto.endpoint }, dir);
    const proxied = new AwsCloudProvider({
      config,
      deploymentId: DEPLOYMENT_ID,
      clients: createAwsClients(config, { accessKeyId: 'moto', secretAccessKey: 'moto' }),
    });
    try {
      const outcome = await proxied.launch(
        orderFor('req-proxy', templateFor(network, { providerApi: 'RunInstances' }), 1),
      );
      expect(outcome.instances).toHaveLength(1);
      expect((await proxied.listDeploymentInstances()).map((i) => i.machineId)).toEqual([
        outcome.instances[0].machineId,
      ]);
      expect(proxy.tunnels()).toBeGreaterThan(0);
    } finally {
      proxied.close();
      await proxy.close();
    }
  });

  it('describes a batch with one unknown id without failing the others', async () => {
    const order = orderFor('req-unknown', templateFor(network, { providerApi: 'RunInstances' }), 2);
    const outcome = await provider.launch(order);
    const ids = outcome.instances.map((i) => i.machineId);
    const seen = await provider.describe({
      machineIds: [...ids, 'i-0123456789abcdef0', 'not-an-id'],
      requests: [],
    });
    expect(seen.instances.map((i) => i.machineId).sort()).toEqual(ids.sort());
    expect(seen.missing.sort()).toEqual(['i-0123456789abcdef0', 'not-an-id']);
  });

  it('resolves an SSM image parameter and keeps an administrator launch template on cleanup', async () => {
    const admin = await provider.clients.ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'admin-template',
        LaunchTemplateData: { ImageId: network.imageId, InstanceType: 't3.micro' },
      }),
    );
    const adminId = admin.LaunchTemplate?.LaunchTemplateId ?? '';
    const template = templateFor(network, {
      providerApi: 'EC2Fleet',
      fleetType: 'maintain',
      launchTemplateId: adminId,
      imageId: undefined,
    });
    const order = orderFor('req-admin', template, 2);
    const outcome = await provider.launch(order);
    expect(outcome.resources.some((r) => r.kind === 'launch-template')).toBe(false);
    const running = await describeUntilRunning(provider, order, outcome, 2);
    await provider.release(
      running.map((m) => ({ machineId: m.machineId, requestId: 'req-admin', resources: outcome.resources })),
    );
    await provider.cleanup('req-admin', [
      ...outcome.resources,
      { kind: 'launch-template', id: adminId, owned: false },
    ]);
    const left = await provider.clients.ec2.send(
      new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [adminId] }),
    );
    expect(left.LaunchTemplates).toHaveLength(1);

    const ssm = orderFor(
      'req-ssm',
      templateFor(network, {
        imageId: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        rootDeviceVolumeSize: undefined,
        volumeType: undefined,
      }),
      1,
    );
    const launched = await provider.launch(ssm);
    expect(launched.instances).toHaveLength(1);
    const described = await provider.clients.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [launched.instances[0].machineId] }),
    );
    expect(described.Reservations?.[0]?.Instances?.[0]?.ImageId).toMatch(/^ami-/);
  });
});

/** A forward proxy that only tunnels (CONNECT), like the ones in front of HPC clusters. */
async function connectProxy(): Promise<{ port: number; tunnels: () => number; close: () => Promise<void> }> {
  let tunnels = 0;
  const sockets = new Set<Socket>();
  const server = createServer();
  server.on('connect', (request, client: Socket, head: Buffer) => {
    tunnels++;
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    tunnels: () => tunnels,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function expectGone(provider: AwsCloudProvider, resources: ProviderResource[]): Promise<void> {
  for (const resource of resources) {
    if (resource.kind === 'ec2-fleet') {
      const out = await provider.clients.ec2.send(new DescribeFleetsCommand({ FleetIds: [resource.id] }));
      for (const fleet of out.Fleets ?? []) expect(fleet.FleetState).toMatch(/^deleted/);
    } else if (resource.kind === 'spot-fleet') {
      const out = await provider.clients.ec2.send(
        new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [resource.id] }),
      );
      for (const fleet of out.SpotFleetRequestConfigs ?? [])
        expect(fleet.SpotFleetRequestState).toMatch(/^cancelled/);
    } else if (resource.kind === 'asg') {
      const out = await provider.clients.autoScaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [resource.id] }),
      );
      expect(out.AutoScalingGroups).toEqual([]);
    } else if (resource.kind === 'launch-template') {
      const out = await provider.clients.ec2.send(new DescribeLaunchTemplatesCommand({}));
      expect((out.LaunchTemplates ?? []).map((lt) => lt.LaunchTemplateId)).not.toContain(resource.id);
    }
  }
}
