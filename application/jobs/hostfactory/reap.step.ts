import { Inject, Injectable } from '@nestjs/common';
import type { ReleaseCause } from '../../../domain/events/hostfactory/machine.events';
import { MACHINE_SIGHTINGS, MachineSightings } from '../../ports/machine-sightings.port';
import type { MachineView } from '../../projections/machines.projection';
import { ReconcileContext } from './reconcile-context';

export interface ReapCandidate {
  machine: MachineView;
  cause: ReleaseCause;
  message: string;
}

/**
 * Nothing may run up a bill unseen. Machines Host Factory stopped listing (it keeps a census in
 * getReturnRequests) are reaped after the timeout; instances tagged with this deployment that the
 * event store does not know at all are reported and, if configured, terminated.
 */
@Injectable()
export class ReapStep {
  private lastStrayScan = 0;

  constructor(
    private readonly ctx: ReconcileContext,
    @Inject(MACHINE_SIGHTINGS) private readonly sightings: MachineSightings,
  ) {}

  async unlisted(): Promise<ReapCandidate[]> {
    const timeoutMs = this.ctx.settings.unlistedMachineTimeoutSec * 1000;
    // Without a recent census Host Factory has said nothing, and silence is not a reason to reap.
    // Checked first: it spares reading every running machine each cycle when there is none.
    const fresh = (census?: Date): boolean => !!census && Date.now() - census.getTime() <= timeoutMs;
    if (!fresh((await this.sightings.lastSeen([])).census)) return [];
    const running = await (await this.ctx.machines()).find({ status: 'running' });
    if (running.length === 0) return [];
    const { census, seen } = await this.sightings.lastSeen(running.map((m) => m._id));
    if (!fresh(census)) return [];
    const now = Date.now();
    return running
      .filter(
        (m) => now - (seen.get(m._id)?.getTime() ?? Date.parse(m.runningAt ?? m.launchedAt)) > timeoutMs,
      )
      .map((machine) => ({ machine, cause: 'reaped', message: 'Host Factory stopped listing it: reaped' }));
  }

  /**
   * Every so often: instances with this deployment's tag that no machine stream knows. One of a
   * request that is complete is a replacement its maintain fleet or Auto Scaling group launched
   * for a machine lost or reclaimed: it is given back at once with the request's resources, so the
   * fleet's target (the group's desired capacity) comes down and nothing launches it again.
   * Others are reaped after the stray timeout, unless their request is still being launched.
   */
  async strays(everyMs: number): Promise<void> {
    if (Date.now() - this.lastStrayScan < everyMs) return;
    this.lastStrayScan = Date.now();
    const { provider, settings, logger } = this.ctx;
    const instances = await provider.listDeploymentInstances();
    if (instances.length === 0) return;
    const machines = await (
      await this.ctx.machines()
    ).find({ _id: { $in: instances.map((i) => i.machineId) } });
    const known = new Set(machines.map((m) => m._id));
    const unknown = instances.filter((i) => !known.has(i.machineId));
    if (unknown.length === 0) return;
    const requestIds = [...new Set(unknown.flatMap((i) => (i.requestId ? [i.requestId] : [])))];
    const requests = new Map(
      (await (await this.ctx.requests()).find({ _id: { $in: requestIds } })).map((r) => [r._id, r]),
    );
    const cutoff = Date.now() / 1000 - settings.strayTimeoutSec;
    const strays = unknown.filter((i) => {
      const request = i.requestId ? requests.get(i.requestId) : undefined;
      if (request?.state === 'complete' || request?.state === 'complete_with_error') return true;
      // An instance of a request still being launched is not a stray: its record is on the way.
      if (request?.state === 'accepted' || request?.state === 'provisioning') return false;
      return (i.launchTime ?? 0) < cutoff;
    });
    if (strays.length === 0) return;
    logger.warn(
      `stray instances of this deployment unknown to the event store: ${strays.map((s) => s.machineId).join(', ')}`,
    );
    if (!settings.terminateStrays) return;
    const outcome = await provider.release(
      strays.map((s) => ({
        machineId: s.machineId,
        requestId: s.requestId ?? '',
        resources: (s.requestId ? requests.get(s.requestId)?.resources : undefined) ?? [],
      })),
    );
    logger.warn(`strays terminated: ${outcome.released.join(', ') || 'none'}`);
  }
}
