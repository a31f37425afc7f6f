import { Injectable } from '@nestjs/common';
import { FINAL_MACHINE_STATUSES, machineDecider } from '../../../domain/entities/machine/machine.decider';
import { requestDecider } from '../../../domain/entities/request/request.decider';
import type { InstanceObservation, RequestWatch } from '../../../domain/ports/cloud-provider.port';
import type { MachineView } from '../../projections/machines.projection';
import type { RequestView } from '../../projections/requests.projection';
import { LaunchStep } from './launch.step';
import { inParallel, ReconcileContext } from './reconcile-context';

const MISSING_GRACE_MS = 120_000;

/**
 * One describe for everything that is not final: the machines, and the requests whose fleets or
 * groups still owe capacity. Observations become machine events; new instances become machines.
 */
@Injectable()
export class ObserveStep {
  constructor(
    private readonly ctx: ReconcileContext,
    private readonly launcher: LaunchStep,
  ) {}

  async run(): Promise<void> {
    const machinesView = await this.ctx.machines();
    const requestsView = await this.ctx.requests();
    const live = await machinesView.find({ status: { $nin: FINAL_MACHINE_STATUSES } });
    const provisioning = await requestsView.find({ kind: 'acquire', state: 'provisioning' });
    const watches = await this.watches(provisioning, machinesView);
    if (live.length === 0 && watches.length === 0) return;
    const outcome = await this.ctx.provider.describe({
      machineIds: live.map((m) => m._id),
      requests: watches,
    });
    const known = new Set(live.map((m) => m._id));
    const watched = new Map(provisioning.map((r) => [r._id, r]));
    const fresh = outcome.instances.filter(
      (i) => !known.has(i.machineId) && i.requestId && watched.has(i.requestId),
    );
    for (const [requestId, instances] of groupBy(fresh, (i) => i.requestId!))
      await this.launcher.recordMachines(watched.get(requestId)!, instances);
    const byId = new Map(live.map((m) => [m._id, m]));
    const observed = outcome.instances.filter(
      (i) => byId.has(i.machineId) && mayChange(byId.get(i.machineId)!, i),
    );
    await inParallel(observed, 16, (o) =>
      this.ctx.aggregates.handle(machineDecider, o.machineId, { kind: 'observe', observation: o }),
    );
    // EC2 is eventually consistent: an instance only just launched may not be listed yet.
    const listedSince = Date.now() - MISSING_GRACE_MS;
    const gone = outcome.missing.filter((id) => Date.parse(byId.get(id)?.launchedAt ?? '') < listedSince);
    await inParallel(gone, 16, (id) =>
      this.ctx.aggregates.handle(machineDecider, id, { kind: 'observe', observation: 'missing' }),
    );
    for (const { requestId, failure } of outcome.failures)
      await this.ctx.aggregates.handle(requestDecider, requestId, { kind: 'record-failure', failure });
    for (const { requestId, resource } of outcome.newResources ?? [])
      await this.ctx.aggregates.handle(requestDecider, requestId, {
        kind: 'add-resources',
        resources: [resource],
      });
    await this.failPendingTooLong(live);
  }

  private async watches(
    provisioning: RequestView[],
    machinesView: Awaited<ReturnType<ReconcileContext['machines']>>,
  ): Promise<RequestWatch[]> {
    if (provisioning.length === 0) return [];
    const ofThem = await machinesView.find({ requestId: { $in: provisioning.map((r) => r._id) } });
    const units = new Map<string, number>();
    for (const m of ofThem) units.set(m.requestId, (units.get(m.requestId) ?? 0) + m.weight);
    return provisioning
      .map((r) => ({
        requestId: r._id,
        template: r.template!,
        launchedAt: Math.floor(Date.parse(r.launchedAt ?? r.acceptedAt) / 1000),
        clientToken: r.clientToken!,
        tags: r.tags!,
        resources: r.resources ?? [],
        pendingUnits: (r.machineCount ?? 0) - (r.failedUnits ?? 0) - (units.get(r._id) ?? 0),
      }))
      .filter((w) => w.pendingUnits > 0);
  }

  /** A machine still pending after the pending timeout is failed; the release step terminates it. */
  private async failPendingTooLong(live: MachineView[]): Promise<void> {
    const cutoff = Date.now() - this.ctx.settings.pendingTimeoutSec * 1000;
    const stuck = live.filter(
      (m) => m.status === 'pending' && Date.parse(m.launchedAt) < cutoff && !m.message,
    );
    const message = `still pending after ${this.ctx.settings.pendingTimeoutSec} s: terminated`;
    await inParallel(stuck, 16, (m) =>
      this.ctx.aggregates.handle(machineDecider, m._id, { kind: 'fail', code: 'PendingTimeout', message }),
    );
  }
}

/**
 * Whether an observation can make the machine decider decide anything; only then is the machine's
 * stream read. With thousands of live machines, each cycle would otherwise read every stream to
 * decide nothing. The read model is up to date with this process's writes, so an unchanged state
 * there is an unchanged state in the stream.
 */
export function mayChange(
  m: Pick<MachineView, 'status' | 'cloudState' | 'reclaimDeadline'>,
  o: InstanceObservation,
): boolean {
  return (
    o.state !== m.cloudState ||
    o.state === 'terminated' ||
    (o.reclaimDeadline !== undefined && m.reclaimDeadline === undefined) ||
    (m.status === 'pending' && o.state === 'running')
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
