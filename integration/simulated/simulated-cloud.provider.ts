import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type {
  CloudProvider,
  DescribeOutcome,
  DescribeQuery,
  InstanceObservation,
  LaunchOrder,
  LaunchOutcome,
  ReleaseItem,
  ReleaseOutcome,
} from '../../domain/ports/cloud-provider.port';
import { TAG_DEPLOYMENT_ID } from '../../domain/ports/cloud-provider.port';
import type { SimulatedLaunch, SimulatedInstance } from './simulated-instance.document';

/** Seconds an instance spends shutting down before it is terminated. */
const SHUTDOWN_MS = 500;
const RECLAIM_NOTICE_SEC = 120;
/** Thousands of instances arrive in slices, so decoding them never holds Host Factory's polls up for long. */
const CURSOR_BATCH = 500;

/**
 * A cloud for `make run` without AWS: it honours client tokens like EC2, brings machines up after
 * a configurable delay with plausible host names and addresses, takes them away when returned,
 * and can be told to reclaim or terminate instances to exercise getReturnRequests.
 */
export class SimulatedCloudProvider implements CloudProvider {
  readonly name = 'simulated';
  private readonly instances: Collection<SimulatedInstance>;
  private readonly launches: Collection<SimulatedLaunch>;

  constructor(
    db: Db,
    private readonly launchDelayMs: number,
    private readonly deploymentId: string,
  ) {
    this.instances = db.collection<SimulatedInstance>('simulated_cloud_instances');
    this.launches = db.collection<SimulatedLaunch>('simulated_cloud_launches');
  }

  async init(): Promise<void> {
    await this.instances.createIndex({ requestId: 1 });
    await this.instances.createIndex({ deploymentId: 1, terminatedAt: 1 });
  }

  async launch(order: LaunchOrder): Promise<LaunchOutcome> {
    const earlier = await this.launches.findOne({ _id: order.clientToken });
    if (earlier) return this.answer(earlier.instanceIds);
    const now = new Date();
    const types = Object.entries(order.template.vmTypes);
    const docs: SimulatedInstance[] = [];
    let units = 0;
    for (let i = 0; units < order.units; i++) {
      const [instanceType, weight] = types.length ? types[i % types.length] : ['m5.large', 1];
      const octets = randomBytes(2);
      const ip = `10.${(i % 200) + 1}.${octets[0]}.${octets[1] || 1}`;
      docs.push({
        _id: `i-${randomBytes(8).toString('hex').slice(0, 17)}`,
        requestId: order.requestId,
        clientToken: order.clientToken,
        deploymentId: order.tags[TAG_DEPLOYMENT_ID] ?? this.deploymentId,
        instanceType,
        priceType: order.template.priceType === 'spot' ? 'spot' : 'ondemand',
        subnetId:
          order.template.subnetIds[i % Math.max(1, order.template.subnetIds.length)] ?? 'subnet-simulated',
        privateIpAddress: ip,
        name: `ip-${ip.replace(/\./g, '-')}.ec2.internal`,
        launchedAt: now,
        readyAt: new Date(now.getTime() + this.launchDelayMs),
        tags: order.tags,
      });
      units += weight;
    }
    // Instances first, then the token: a crash in between leaves instances the token never
    // names, so the next launch with the same token finds them by request rather than making more.
    const existing = await this.instances.find({ requestId: order.requestId }).toArray();
    const kept = existing.length ? existing : docs;
    if (!existing.length) await this.instances.insertMany(docs);
    await this.launches.updateOne(
      { _id: order.clientToken },
      { $setOnInsert: { requestId: order.requestId, instanceIds: kept.map((d) => d._id), at: now } },
      { upsert: true },
    );
    const stored = await this.launches.findOne({ _id: order.clientToken });
    return this.answer(stored!.instanceIds);
  }

  private async answer(ids: string[]): Promise<LaunchOutcome> {
    const docs = await this.instances.find({ _id: { $in: ids } }).toArray();
    return { resources: [], instances: docs.map((d) => this.observe(d)), failures: [] };
  }

  async describe(query: DescribeQuery): Promise<DescribeOutcome> {
    const docs = await this.instances
      .find({
        $or: [
          { _id: { $in: query.machineIds } },
          { requestId: { $in: query.requests.map((r) => r.requestId) } },
        ],
      })
      .batchSize(CURSOR_BATCH)
      .toArray();
    const found = new Set(docs.map((d) => d._id));
    return {
      instances: docs.map((d) => this.observe(d)),
      missing: query.machineIds.filter((id) => !found.has(id)),
      failures: [],
    };
  }

  async release(items: ReleaseItem[]): Promise<ReleaseOutcome> {
    const ids = items.map((i) => i.machineId);
    await this.instances.updateMany(
      { _id: { $in: ids }, terminatedAt: { $exists: false } },
      { $set: { terminatedAt: new Date(), stateReason: 'User initiated' } },
    );
    return { released: ids, failures: [] };
  }

  async cleanup(): Promise<void> {
    // The simulated cloud makes no fleets or templates: nothing to delete.
  }

  async listDeploymentInstances(): Promise<InstanceObservation[]> {
    const docs = await this.instances
      .find({ deploymentId: this.deploymentId, terminatedAt: { $exists: false } })
      .batchSize(CURSOR_BATCH)
      .toArray();
    return docs.map((d) => this.observe(d));
  }

  /** Announces a spot interruption: the instances go away after the usual two minutes' notice. */
  async reclaim(ids: string[], noticeSec = RECLAIM_NOTICE_SEC): Promise<string[]> {
    const deadline = new Date(Date.now() + noticeSec * 1000);
    const result = await this.instances
      .find({ _id: { $in: ids }, terminatedAt: { $exists: false } })
      .toArray();
    await this.instances.updateMany(
      { _id: { $in: result.map((d) => d._id) } },
      { $set: { reclaimDeadline: deadline } },
    );
    return result.map((d) => d._id);
  }

  /** Terminates instances behind Host Factory's back (console, CLI). */
  async terminate(ids: string[]): Promise<string[]> {
    const result = await this.instances
      .find({ _id: { $in: ids }, terminatedAt: { $exists: false } })
      .toArray();
    await this.instances.updateMany(
      { _id: { $in: result.map((d) => d._id) } },
      { $set: { terminatedAt: new Date(), stateReason: 'Client.UserInitiatedShutdown' } },
    );
    return result.map((d) => d._id);
  }

  /** Every instance ever launched (tests count them: no double launch). */
  count(filter: { requestId?: string } = {}): Promise<number> {
    return this.instances.countDocuments(filter);
  }

  private observe(d: SimulatedInstance): InstanceObservation {
    const now = Date.now();
    const reclaimedAt =
      d.reclaimDeadline && d.reclaimDeadline.getTime() <= now ? d.reclaimDeadline : undefined;
    const endedAt = d.terminatedAt ?? reclaimedAt;
    const state = endedAt
      ? now - endedAt.getTime() < SHUTDOWN_MS
        ? 'shutting-down'
        : 'terminated'
      : now < d.readyAt.getTime()
        ? 'pending'
        : 'running';
    const up = state === 'running' || state === 'shutting-down';
    return {
      machineId: d._id,
      state,
      ...(up || state === 'terminated' ? { name: d.name } : {}),
      privateIpAddress: d.privateIpAddress,
      publicIpAddress: d.publicIpAddress,
      launchTime: Math.floor(d.launchedAt.getTime() / 1000),
      instanceType: d.instanceType,
      priceType: d.priceType,
      subnetId: d.subnetId,
      requestId: d.requestId,
      ...(d.reclaimDeadline ? { reclaimDeadline: Math.floor(d.reclaimDeadline.getTime() / 1000) } : {}),
      ...(reclaimedAt && !d.terminatedAt
        ? { stateReason: 'Server.SpotInstanceTermination' }
        : d.stateReason
          ? { stateReason: d.stateReason }
          : {}),
    };
  }
}
