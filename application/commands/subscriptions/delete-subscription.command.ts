import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { subscriptionDecider } from '../../../domain/entities/subscription/subscription.decider';
import { AggregateRepository } from '../../services/aggregate-repository';

/** DELETE /v1/subscriptions/{id}: delivery stops; the dispatcher's checkpoint is dropped with it. */
export class DeleteSubscriptionCommand extends Command<{ subscriptionId: string }> {
  constructor(readonly subscriptionId: string) {
    super();
  }
}

@CommandHandler(DeleteSubscriptionCommand)
export class DeleteSubscriptionHandler implements ICommandHandler<DeleteSubscriptionCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ subscriptionId }: DeleteSubscriptionCommand): Promise<{ subscriptionId: string }> {
    await this.aggregates.handle(subscriptionDecider, subscriptionId, { kind: 'delete', subscriptionId });
    return { subscriptionId };
  }
}
