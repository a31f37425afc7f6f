import { Inject, Optional } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/shared/domain-error';
import { HostFactoryReconciler } from '../../jobs/hostfactory/host-factory.reconciler';
import { SIMULATED_CLOUD_CONTROL, SimulatedCloudControl } from '../../ports/simulated-cloud.port';

/** Makes the simulated cloud reclaim (spot notice) or terminate instances, as AWS might. */
export class SimulatedCloudActionCommand extends Command<{ machineIds: string[] }> {
  constructor(
    readonly action: 'reclaim' | 'terminate',
    readonly machineIds: string[],
  ) {
    super();
  }
}

@CommandHandler(SimulatedCloudActionCommand)
export class SimulatedCloudActionHandler implements ICommandHandler<SimulatedCloudActionCommand> {
  constructor(
    private readonly reconciler: HostFactoryReconciler,
    @Optional() @Inject(SIMULATED_CLOUD_CONTROL) private readonly cloud?: SimulatedCloudControl,
  ) {}

  async execute({ action, machineIds }: SimulatedCloudActionCommand): Promise<{ machineIds: string[] }> {
    if (!this.cloud)
      throw new DomainError(
        'conflict',
        'the simulated cloud is not in use (OHF_PROVIDER is not "simulated")',
      );
    const done =
      action === 'reclaim' ? await this.cloud.reclaim(machineIds) : await this.cloud.terminate(machineIds);
    this.reconciler.wake();
    return { machineIds: done };
  }
}
