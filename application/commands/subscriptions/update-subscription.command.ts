import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventRegistry } from '../../../domain/events/event-registry';
import { subscriptionDecider } from '../../../domain/entities/subscription/subscription.decider';
import { parseSubscriptionSpec } from '../../../domain/entities/subscription/subscription-spec';
import { invalid } from '../../../domain/shared/domain-error';
import { CONSUMER_SETTINGS, ConsumerSettings } from '../../jobs/delivery/consumer-settings';
import { AggregateRepository } from '../../services/aggregate-repository';
import { MASKED_HEADER_VALUE } from '../../queries/subscriptions/subscription-resource';
import { specRules } from './spec-rules';

export interface UpdateSubscriptionResult {
  subscriptionId: string;
  changed: string[];
}

/**
 * PUT /v1/subscriptions/{id}: a whole new subscription object; delivery goes on from the
 * checkpoint. Where it started is fixed at creation: to start elsewhere, delete and create.
 */
export class UpdateSubscriptionCommand extends Command<UpdateSubscriptionResult> {
  constructor(
    readonly subscriptionId: string,
    readonly body: unknown,
  ) {
    super();
  }
}

@CommandHandler(UpdateSubscriptionCommand)
export class UpdateSubscriptionHandler implements ICommandHandler<UpdateSubscriptionCommand> {
  constructor(
    private readonly aggregates: AggregateRepository,
    @Inject(CONSUMER_SETTINGS) private readonly settings: ConsumerSettings,
    private readonly registry: EventRegistry,
  ) {}

  async execute({ subscriptionId, body }: UpdateSubscriptionCommand): Promise<UpdateSubscriptionResult> {
    const { id, config } = (body ?? {}) as { id?: unknown; config?: unknown };
    if (id !== undefined && id !== subscriptionId)
      throw invalid('id', `id in the body must match the path (${subscriptionId})`);
    if (config !== undefined)
      throw invalid(
        'config',
        'config.from is fixed when a subscription is created; delete and create to start elsewhere',
      );
    const spec = parseSubscriptionSpec(
      await this.unmasked(subscriptionId, body),
      specRules(this.settings, this.registry),
    );
    const result = await this.aggregates.handle(subscriptionDecider, subscriptionId, {
      kind: 'update',
      subscriptionId,
      spec,
    });
    const changed = (result.events[0]?.data as { changed?: string[] } | undefined)?.changed ?? [];
    return { subscriptionId, changed };
  }

  /** A header sent back with the masked value GET shows keeps the value stored for it. */
  private async unmasked(subscriptionId: string, body: unknown): Promise<unknown> {
    const settings = (body as { protocolsettings?: { headers?: unknown } } | null)?.protocolsettings;
    const headers = settings?.headers;
    if (!headers || typeof headers !== 'object' || !Object.values(headers).includes(MASKED_HEADER_VALUE))
      return body;
    const { state } = await this.aggregates.load(subscriptionDecider, subscriptionId);
    const stored = 'spec' in state ? state.spec.protocolsettings.headers : {};
    const restored = Object.fromEntries(
      Object.entries(headers as Record<string, unknown>).map(([name, value]) => [
        name,
        value === MASKED_HEADER_VALUE && name in stored ? stored[name] : value,
      ]),
    );
    return { ...(body as object), protocolsettings: { ...settings, headers: restored } };
  }
}
