import type { ReadModels } from '../../ports/read-models.port';
import { SubscriptionView, subscriptionsProjection } from '../../projections/subscriptions.projection';
import type { BackgroundProcessor, ProcessorSource } from '../background-processor';
import type { DeliveryStateStore } from './delivery-state.port';
import type { ProcessorRunner } from './processor-runner.port';
import { DispatcherDeps, SubscriptionDispatcher } from './subscription-dispatcher';

/**
 * Keeps one dispatcher running per subscription. The manager itself runs in one instance (it is a
 * leased background processor); each dispatcher it starts runs under a lease of its own
 * (`dispatch:<id>`), so during a hand-over between instances a subscription is delivered by the
 * old dispatcher until it has finished its call and let go, and only then by the new one. Every
 * dispatcher is its own loop: a slow or dead sink holds up its subscription and nothing else.
 */
export class DeliveryManager implements BackgroundProcessor, ProcessorSource {
  readonly name = 'delivery:manager';
  readonly idleMs: number;
  private readonly dispatchers = new Map<string, SubscriptionDispatcher>();
  private swept = false;

  constructor(
    private readonly readModels: ReadModels,
    private readonly runner: ProcessorRunner,
    private readonly states: DeliveryStateStore,
    private readonly deps: DispatcherDeps,
  ) {
    this.idleMs = deps.settings.discoverMs;
  }

  processors(): BackgroundProcessor[] {
    return [this];
  }

  async runOnce(): Promise<boolean> {
    const view = await this.readModels.view<SubscriptionView>(subscriptionsProjection.name);
    const ids = new Set((await view.find({})).map((s) => s._id));
    for (const id of ids) {
      if (this.dispatchers.has(id)) continue;
      const dispatcher = new SubscriptionDispatcher(id, this.deps);
      this.dispatchers.set(id, dispatcher);
      this.runner.start(dispatcher);
    }
    for (const [id, dispatcher] of this.dispatchers) {
      if (ids.has(id)) continue;
      await this.retire(id, dispatcher);
      this.swept = false;
    }
    // Checkpoints of subscriptions deleted while another instance managed them go too.
    if (!this.swept) {
      await this.states.removeExcept([...ids]);
      this.swept = true;
    }
    return false;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.dispatchers].map(([id, dispatcher]) => this.retire(id, dispatcher)));
    this.swept = false;
  }

  private async retire(id: string, dispatcher: SubscriptionDispatcher): Promise<void> {
    await this.runner.stop(dispatcher.name);
    dispatcher.dispose();
    this.dispatchers.delete(id);
  }
}
