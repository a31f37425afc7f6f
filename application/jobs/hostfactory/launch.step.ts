import { Injectable } from '@nestjs/common';
import { machineDecider } from '../../../domain/entities/machine/machine.decider';
import { requestDecider } from '../../../domain/entities/request/request.decider';
import { weightOf } from '../../../domain/entities/template/template-spec';
import {
  CloudProviderError,
  InstanceObservation,
  LaunchOutcome,
} from '../../../domain/ports/cloud-provider.port';
import type { RequestView } from '../../projections/requests.projection';
import { inParallel, ReconcileContext } from './reconcile-context';

/**
 * Launches accepted requests. The machines are recorded before the request is marked launched:
 * after a crash anywhere in between, the request is still `accepted`, the launch is sent again
 * with the same client token, the cloud answers with the same instances, and recording them again
 * decides nothing new. No second launch, no machine lost.
 */
@Injectable()
export class LaunchStep {
  private readonly attempts = new Map<string, number>();

  constructor(private readonly ctx: ReconcileContext) {}

  async run(): Promise<number> {
    const accepted = await (
      await this.ctx.requests()
    ).find({ kind: 'acquire', state: 'accepted' }, { sort: { acceptedAt: 1 }, limit: 50 });
    await inParallel(accepted, 4, (request) => this.launch(request));
    return accepted.length;
  }

  private async launch(request: RequestView): Promise<void> {
    const { provider, settings, logger } = this.ctx;
    let outcome: LaunchOutcome;
    try {
      outcome = await provider.launch({
        requestId: request._id,
        template: request.template!,
        units: request.machineCount!,
        clientToken: request.clientToken!,
        tags: request.tags!,
      });
    } catch (error) {
      const attempts = (this.attempts.get(request._id) ?? 0) + 1;
      this.attempts.set(request._id, attempts);
      const retryable = !(error instanceof CloudProviderError) || error.retryable;
      logger.warn(`launch of ${request._id} failed (attempt ${attempts}): ${(error as Error).message}`);
      if (retryable && attempts < settings.maxLaunchAttempts) return;
      const code = error instanceof CloudProviderError ? error.code : 'LaunchFailed';
      outcome = {
        resources: [],
        instances: [],
        failures: [{ units: request.machineCount!, code, message: (error as Error).message }],
      };
    }
    this.attempts.delete(request._id);
    await this.recordMachines(request, outcome.instances);
    await this.ctx.aggregates.handle(requestDecider, request._id, {
      kind: 'record-launch',
      resources: outcome.resources,
      failures: outcome.failures,
      machineIds: outcome.instances.map((i) => i.machineId),
    });
  }

  async recordMachines(request: RequestView, instances: readonly InstanceObservation[]): Promise<void> {
    const template = request.template!;
    await inParallel(instances, 16, (i) =>
      this.ctx.aggregates.handle(machineDecider, i.machineId, {
        kind: 'launch',
        data: {
          machineId: i.machineId,
          requestId: request._id,
          templateId: template.templateId,
          instanceType: i.instanceType,
          priceType: i.priceType,
          weight: weightOf(template, i.instanceType),
          cloudState: i.state,
          name: i.name,
          privateIpAddress: i.privateIpAddress,
          publicIpAddress: i.publicIpAddress,
          launchTime: i.launchTime,
          subnetId: i.subnetId,
        },
      }),
    );
  }
}
