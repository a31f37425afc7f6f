import { Injectable } from '@nestjs/common';
import { machineDecider } from '../../../domain/entities/machine/machine.decider';
import type { ReleaseCause } from '../../../domain/events/hostfactory/machine.events';
import type { ReleaseItem } from '../../../domain/ports/cloud-provider.port';
import type { MachineView } from '../../projections/machines.projection';
import { inParallel, ReconcileContext } from './reconcile-context';

/**
 * Terminates what must go, in one batched call: machines Host Factory returned, machines that
 * failed (pending too long) and machines the reaper picked. A failed call is tried again next cycle.
 */
@Injectable()
export class ReleaseStep {
  constructor(private readonly ctx: ReconcileContext) {}

  async run(extra: { machine: MachineView; cause: ReleaseCause; message?: string }[] = []): Promise<number> {
    const machinesView = await this.ctx.machines();
    const due = await machinesView.find({
      releaseDue: true,
    });
    const work = [
      ...due.map((machine) => ({
        machine,
        cause: (machine.status === 'returning' ? 'returned' : 'failed') as ReleaseCause,
        message: machine.message,
      })),
      ...extra.filter((e) => !due.some((d) => d._id === e.machine._id)),
    ];
    if (work.length === 0) return 0;
    // A returned host the cloud is already reclaiming is left to the cloud unless configured otherwise.
    const leaveToCloud = work.filter(
      (w) =>
        w.cause === 'returned' &&
        w.machine.reclaimDeadline !== undefined &&
        !this.ctx.settings.terminateOnReclaim,
    );
    const toRelease = work.filter((w) => !leaveToCloud.includes(w));
    const requests = await (
      await this.ctx.requests()
    ).find({ _id: { $in: [...new Set(toRelease.map((w) => w.machine.requestId))] } });
    const resources = new Map(requests.map((r) => [r._id, r.resources ?? []]));
    const items: ReleaseItem[] = toRelease.map((w) => ({
      machineId: w.machine._id,
      requestId: w.machine.requestId,
      resources: resources.get(w.machine.requestId) ?? [],
    }));
    const outcome = items.length ? await this.ctx.provider.release(items) : { released: [], failures: [] };
    for (const f of outcome.failures)
      this.ctx.logger.warn(`release of ${f.machineId} failed: ${f.code}: ${f.message}`);
    const released = new Set([...outcome.released, ...leaveToCloud.map((w) => w.machine._id)]);
    const started = work.filter((w) => released.has(w.machine._id));
    await inParallel(started, 16, (w) =>
      this.ctx.aggregates.handle(machineDecider, w.machine._id, {
        kind: 'release-started',
        cause: w.cause,
        message: w.message,
      }),
    );
    return started.length;
  }
}
