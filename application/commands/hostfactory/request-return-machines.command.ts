import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { machineDecider } from '../../../domain/entities/machine/machine.decider';
import { returnRequestDecider } from '../../../domain/entities/request/return-request.decider';
import type { ReturnedMachine } from '../../../domain/events/hostfactory/return-request.events';
import type { HfMachineRef } from '../../dtos/host-factory.dto';
import { HostFactoryReconciler } from '../../jobs/hostfactory/host-factory.reconciler';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { MachineView, machinesProjection } from '../../projections/machines.projection';
import { AggregateRepository } from '../../services/aggregate-repository';

export interface ReturnMachinesResult {
  requestId: string;
  message: string;
}

/** requestReturnMachines: marks the machines for return; the reconciler terminates them. */
export class RequestReturnMachinesCommand extends Command<ReturnMachinesResult> {
  constructor(readonly machines: HfMachineRef[]) {
    super();
  }
}

@CommandHandler(RequestReturnMachinesCommand)
export class RequestReturnMachinesHandler implements ICommandHandler<
  RequestReturnMachinesCommand,
  ReturnMachinesResult
> {
  constructor(
    private readonly aggregates: AggregateRepository,
    private readonly reconciler: HostFactoryReconciler,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  async execute({ machines }: RequestReturnMachinesCommand): Promise<ReturnMachinesResult> {
    const view = await this.readModels.view<MachineView>(machinesProjection.name);
    const ids = machines.map((m) => m.machineId).filter((id): id is string => !!id);
    const names = machines.filter((m) => !m.machineId && m.name).map((m) => m.name!);
    const found = await view.find({ $or: [{ _id: { $in: ids } }, { name: { $in: names } }] });
    const byId = new Map(found.map((m) => [m._id, m]));
    const byName = new Map(found.filter((m) => m.name).map((m) => [m.name!, m]));
    const returnRequestId = `ret-${randomUUID()}`;
    const returned: ReturnedMachine[] = [];
    let active = 0;
    // Machines are marked first: if the service dies before the return request is recorded,
    // Host Factory asks again and the machines are on their way out already.
    for (const ref of machines) {
      const machine =
        (ref.machineId && byId.get(ref.machineId)) || (ref.name ? byName.get(ref.name) : undefined);
      if (!machine) {
        returned.push({ machineId: ref.machineId ?? '', name: ref.name ?? '', known: false });
        continue;
      }
      const result = await this.aggregates.handle(machineDecider, machine._id, {
        kind: 'return',
        returnRequestId,
      });
      if (result.events.length) active++;
      returned.push({ machineId: machine._id, name: ref.name ?? machine.name ?? '', known: true });
    }
    await this.aggregates.handle(returnRequestDecider, returnRequestId, {
      kind: 'request',
      returnRequestId,
      machines: returned,
    });
    if (active) this.reconciler.wake();
    return { requestId: returnRequestId, message: active ? 'Delete VM success.' : 'No Active VM.' };
  }
}
