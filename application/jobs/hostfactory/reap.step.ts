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

  /** Every so often: instances with this deployment's tag that no machine stream knows. */
  async strays(everyMs: number): Promise<void> {
    if (Date.now() - this.lastStrayScan < everyMs) return;
    this.lastStrayScan = Date.now();
    const { provider, settings, logger } = this.ctx;
    const instances = await provider.listDeploymentInstances();
    if (instances.length === 0) return;
    const known = new Set(
      (await (await this.ctx.machines()).find({ _id: { $in: instances.map((i) => i.machineId) } })).map(
        (m) => m._id,
      ),
    );
    const open = new Set(
      (await (await this.ctx.requests()).find({ kind: 'acquire', state: 'accepted' })).map((r) => r._id),
    );
    const cutoff = Date.now() / 1000 - settings.strayTimeoutSec;
    // An instance of a request still being launched is not a stray: its record is on the way.
    const strays = instances.filter(
      (i) =>
        !known.has(i.machineId) && !(i.requestId && open.has(i.requestId)) && (i.launchTime ?? 0) < cutoff,
    );
    if (strays.length === 0) return;
    logger.warn(
      `stray instances of this deployment unknown to the event store: ${strays.map((s) => s.machineId).join(', ')}`,
    );
    if (!settings.terminateStrays) return;
    const outcome = await provider.release(
      strays.map((s) => ({ machineId: s.machineId, requestId: s.requestId ?? '', resources: [] })),
    );
    logger.warn(`strays terminated: ${outcome.released.join(', ') || 'none'}`);
  }
}
