import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { EventRegistry } from '../../../domain/events/event-registry';
import { EVENT_STORE, EventStore } from '../../../domain/repositories/event-store.port';
import { subscriptionDecider } from '../../../domain/entities/subscription/subscription.decider';
import {
  parseStartFrom,
  parseSubscriptionSpec,
  startAfterOf,
} from '../../../domain/entities/subscription/subscription-spec';
import { CONSUMER_SETTINGS, ConsumerSettings } from '../../jobs/delivery/consumer-settings';
import { AggregateRepository } from '../../services/aggregate-repository';
import { specRules } from './spec-rules';

/** POST /v1/subscriptions: the id is the service's to choose (Subscriptions API: an `id` sent is ignored). */
export class CreateSubscriptionCommand extends Command<{ subscriptionId: string }> {
  constructor(readonly body: unknown) {
    super();
  }
}

@CommandHandler(CreateSubscriptionCommand)
export class CreateSubscriptionHandler implements ICommandHandler<CreateSubscriptionCommand> {
  constructor(
    private readonly aggregates: AggregateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONSUMER_SETTINGS) private readonly settings: ConsumerSettings,
    private readonly registry: EventRegistry,
  ) {}

  async execute({ body }: CreateSubscriptionCommand): Promise<{ subscriptionId: string }> {
    const spec = parseSubscriptionSpec(body, specRules(this.settings, this.registry));
    const from = parseStartFrom((body as { config?: unknown }).config);
    const head = from === 'now' ? await this.store.headPosition() : 0;
    const subscriptionId = randomUUID();
    await this.aggregates.handle(subscriptionDecider, subscriptionId, {
      kind: 'create',
      subscriptionId,
      spec,
      startAfter: startAfterOf(from, head),
    });
    return { subscriptionId };
  }
}
