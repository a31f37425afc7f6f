import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { subscriptionDecider } from '../../../domain/entities/subscription/subscription.decider';
import { AggregateRepository } from '../../services/aggregate-repository';

/**
 * POST /v1/subscriptions/{id}/resume: a paused or disabled subscription delivers again, starting
 * with the event it stopped on (same id); resuming an active one changes nothing.
 */
export class ResumeSubscriptionCommand extends Command<{ subscriptionId: string; resumed: boolean }> {
  constructor(readonly subscriptionId: string) {
    super();
  }
}

@CommandHandler(ResumeSubscriptionCommand)
export class ResumeSubscriptionHandler implements ICommandHandler<ResumeSubscriptionCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({
    subscriptionId,
  }: ResumeSubscriptionCommand): Promise<{ subscriptionId: string; resumed: boolean }> {
    const result = await this.aggregates.handle(subscriptionDecider, subscriptionId, {
      kind: 'resume',
      subscriptionId,
    });
    return { subscriptionId, resumed: result.events.length > 0 };
  }
}
