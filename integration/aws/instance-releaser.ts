import {
  DetachInstancesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { Instance, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { ProviderResource, ReleaseItem, ReleaseOutcome } from '../../domain/ports/cloud-provider.port';
import { errorCode, errorMessage, isNotFound } from './aws-error.mapper';
import type { AwsContext } from './aws-context';
import { chunks, KeyedMutex, mapLimit } from './batching';
import { lowerFleetTarget } from './fleet-capacity';
import { FleetStatusReader, statusKey } from './fleet-status.reader';
import { bringsInstancesLater } from './request-watcher';
import { SpotInterruptions } from './spot-interruptions';

type Failure = ReleaseOutcome['failures'][number];

/**
 * Returns machines. RunInstances and instant-fleet machines are simply terminated. Machines of a
 * request/maintain fleet are terminated only after the fleet's target is lowered (fleet-capacity.ts),
 * and not at all if that fails: terminating first would make a maintain fleet launch a
 * replacement. Auto Scaling machines leave through the group, which lowers its desired capacity.
 */
export class InstanceReleaser {
  private readonly fleetLocks = new KeyedMutex();

  constructor(
    private readonly ctx: AwsContext,
    private readonly statuses: FleetStatusReader,
    private readonly interruptions: SpotInterruptions,
    private readonly spotTerminateOnReclaim: boolean,
  ) {}

  async release(items: readonly ReleaseItem[]): Promise<ReleaseOutcome> {
    const unique = [...new Map(items.map((i) => [i.machineId, i])).values()];
    const released: string[] = [];
    const failures: Failure[] = [];
    const leaveToAws = await this.reclaimedByAws(unique);
    const toTerminate: string[] = [];

    const byController = new Map<string, { resource: ProviderResource; items: ReleaseItem[] }>();
    for (const item of unique) {
      const controller = item.resources.find(bringsInstancesLater);
      if (!controller) {
        toTerminate.push(item.machineId);
        continue;
      }
      const key = statusKey(controller);
      byController.set(key, byController.get(key) ?? { resource: controller, items: [] });
      byController.get(key)?.items.push(item);
    }
    const groups = [...byController.values()];
    const fleetIds = groups
      .filter((g) => g.resource.kind !== 'asg')
      .flatMap((g) => g.items.map((i) => i.machineId));
    const details = new Map<string, Instance>();
    if (fleetIds.length > 0) {
      for (const i of (await this.ctx.describer.byIds(fleetIds)).instances)
        details.set(i.InstanceId ?? '', i);
    }

    await mapLimit(groups, 4, async ({ resource, items: members }) => {
      const ids = members.map((m) => m.machineId);
      try {
        if (resource.kind === 'asg') {
          for (const id of ids) {
            if (await this.leaveGroup(resource.id, id, leaveToAws.has(id))) toTerminate.push(id);
            else released.push(id);
          }
          return;
        }
        await this.fleetLocks.run(statusKey(resource), async () => {
          const status = (await this.statuses.read([resource])).get(statusKey(resource));
          if (status)
            await lowerFleetTarget(
              this.ctx,
              status,
              ids.map((id) => details.get(id)),
            );
        });
        toTerminate.push(...ids);
      } catch (error) {
        failures.push(
          ...ids.map((machineId) => ({ machineId, code: errorCode(error), message: errorMessage(error) })),
        );
      }
    });

    released.push(...toTerminate.filter((id) => leaveToAws.has(id)));
    const result = await this.terminate(toTerminate.filter((id) => !leaveToAws.has(id)));
    return { released: [...released, ...result.released], failures: [...failures, ...result.failures] };
  }

  /** With AWS_SPOT_TERMINATE_ON_RECLAIM false, machines AWS is already taking are left to AWS. */
  private async reclaimedByAws(items: ReleaseItem[]): Promise<Set<string>> {
    if (this.spotTerminateOnReclaim || items.length === 0) return new Set();
    const { instances } = await this.ctx.describer.byIds(items.map((i) => i.machineId));
    const deadlines = await this.interruptions.deadlines(instances, Math.floor(this.ctx.now() / 1000));
    return new Set(deadlines.keys());
  }

  /** True when the instance is not (or no longer) in the group and must be terminated directly. */
  private async leaveGroup(group: string, instanceId: string, leaveToAws: boolean): Promise<boolean> {
    try {
      const asg = this.ctx.clients.autoScaling;
      await this.ctx.aws.mutate((abortSignal) =>
        leaveToAws
          ? asg.send(
              new DetachInstancesCommand({
                AutoScalingGroupName: group,
                InstanceIds: [instanceId],
                ShouldDecrementDesiredCapacity: true,
              }),
              { abortSignal },
            )
          : asg.send(
              new TerminateInstanceInAutoScalingGroupCommand({
                InstanceId: instanceId,
                ShouldDecrementDesiredCapacity: true,
              }),
              {
                abortSignal,
              },
            ),
      );
      return false;
    } catch (error) {
      if (isNotFound(error)) return true;
      throw error;
    }
  }

  /** Batches of 1,000; ids AWS no longer knows are gone already, which is what was asked. */
  private async terminate(ids: string[]): Promise<{ released: string[]; failures: Failure[] }> {
    const released: string[] = [];
    const failures: Failure[] = [];
    for (const part of chunks([...new Set(ids)], 1000)) {
      let remaining = part;
      for (let round = 0; round < 3 && remaining.length > 0; round++) {
        const batch = remaining;
        try {
          await this.ctx.aws.mutate((abortSignal) =>
            this.ctx.clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: batch }), { abortSignal }),
          );
          released.push(...batch);
          remaining = [];
        } catch (error) {
          const named = new Set(errorMessage(error).match(/i-[0-9a-f]+/g) ?? []);
          const gone = /^InvalidInstanceID\.NotFound$/.test(errorCode(error))
            ? batch.filter((id) => named.has(id))
            : [];
          if (gone.length === 0) {
            failures.push(
              ...batch.map((machineId) => ({
                machineId,
                code: errorCode(error),
                message: errorMessage(error),
              })),
            );
            remaining = [];
          } else {
            released.push(...gone);
            remaining = batch.filter((id) => !named.has(id));
          }
        }
      }
      failures.push(
        ...remaining.map((machineId) => ({
          machineId,
          code: 'TerminateFailed',
          message: 'AWS kept refusing the ids',
        })),
      );
    }
    return { released, failures };
  }
}
