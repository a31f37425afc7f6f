import { Injectable } from '@nestjs/common';
import { isFinalMachine } from '../../../domain/entities/machine/machine.decider';
import { acquireResult, acquireStatus } from '../../../domain/entities/request/host-factory-status';
import { requestDecider } from '../../../domain/entities/request/request.decider';
import type { MachineView } from '../../projections/machines.projection';
import { ReconcileContext } from './reconcile-context';

/**
 * Records the end of acquire requests, and deletes what the service created for a request
 * (fleets, groups, launch templates) once nothing of it is left.
 */
@Injectable()
export class CompleteStep {
  constructor(private readonly ctx: ReconcileContext) {}

  async run(): Promise<void> {
    const requestsView = await this.ctx.requests();
    const machinesView = await this.ctx.machines();
    const provisioning = await requestsView.find({ kind: 'acquire', state: 'provisioning' });
    const holding = await requestsView.find({
      kind: 'acquire',
      state: { $in: ['complete', 'complete_with_error'] },
      resourcesReleased: false,
      'resources.owned': true,
    });
    const ids = [...provisioning, ...holding].map((r) => r._id);
    if (ids.length === 0) return;
    const machines = await machinesView.find({ requestId: { $in: ids } });
    const byRequest = new Map<string, MachineView[]>();
    for (const m of machines) byRequest.set(m.requestId, [...(byRequest.get(m.requestId) ?? []), m]);
    for (const r of provisioning) {
      const mine = byRequest.get(r._id) ?? [];
      const status = acquireStatus(
        { machineCount: r.machineCount ?? 0, failedUnits: r.failedUnits ?? 0 },
        mine,
      );
      if (status === 'running') continue;
      const succeeded = mine.filter((m) => acquireResult(m) === 'succeed').length;
      await this.ctx.aggregates.handle(requestDecider, r._id, {
        kind: 'complete',
        status,
        succeeded,
        failed: mine.length - succeeded,
      });
    }
    for (const r of holding) {
      if (!(byRequest.get(r._id) ?? []).every((m) => isFinalMachine(m.status))) continue;
      try {
        await this.ctx.provider.cleanup(r._id, r.resources ?? []);
        await this.ctx.aggregates.handle(requestDecider, r._id, { kind: 'release-resources' });
      } catch (error) {
        this.ctx.logger.warn(
          `cleanup of ${r._id} failed, tried again next cycle: ${(error as Error).message}`,
        );
      }
    }
  }
}
