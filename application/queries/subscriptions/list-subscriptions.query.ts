import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '../../../domain/repositories/event-store.port';
import { DELIVERY_STATES, DeliveryStateStore } from '../../jobs/delivery/delivery-state.port';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { SubscriptionView, subscriptionsProjection } from '../../projections/subscriptions.projection';
import { SubscriptionResource, toResource } from './subscription-resource';

export class ListSubscriptionsQuery extends Query<SubscriptionResource[]> {}

@QueryHandler(ListSubscriptionsQuery)
export class ListSubscriptionsHandler implements IQueryHandler<
  ListSubscriptionsQuery,
  SubscriptionResource[]
> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(DELIVERY_STATES) private readonly states: DeliveryStateStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(): Promise<SubscriptionResource[]> {
    const view = await this.readModels.view<SubscriptionView>(subscriptionsProjection.name);
    const [subscriptions, states, head] = await Promise.all([
      view.find({}, { sort: { createdAt: 1, _id: 1 } }),
      this.states.all(),
      this.store.headPosition(),
    ]);
    const byId = new Map(states.map((s) => [s.subscriptionId, s]));
    return subscriptions.map((s) => toResource(s, byId.get(s._id), head));
  }
}
