import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '../../../domain/repositories/event-store.port';
import { notFound } from '../../../domain/shared/domain-error';
import { DELIVERY_STATES, DeliveryStateStore } from '../../jobs/delivery/delivery-state.port';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { SubscriptionView, subscriptionsProjection } from '../../projections/subscriptions.projection';
import { SubscriptionResource, toResource } from './subscription-resource';

export class GetSubscriptionQuery extends Query<SubscriptionResource> {
  constructor(readonly subscriptionId: string) {
    super();
  }
}

@QueryHandler(GetSubscriptionQuery)
export class GetSubscriptionHandler implements IQueryHandler<GetSubscriptionQuery, SubscriptionResource> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(DELIVERY_STATES) private readonly states: DeliveryStateStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ subscriptionId }: GetSubscriptionQuery): Promise<SubscriptionResource> {
    const view = await this.readModels.view<SubscriptionView>(subscriptionsProjection.name);
    const found = await view.findOne({ _id: subscriptionId });
    if (!found) throw notFound('subscription', subscriptionId);
    const [state, head] = await Promise.all([this.states.get(subscriptionId), this.store.headPosition()]);
    return toResource(found, state, head);
  }
}
