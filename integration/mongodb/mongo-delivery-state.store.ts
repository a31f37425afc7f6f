import type { Collection, Db } from 'mongodb';
import type { DeliveryState, DeliveryStateStore } from '../../application/jobs/delivery/delivery-state.port';

type StateDocument = Omit<DeliveryState, 'subscriptionId'> & { _id: string };

export const DELIVERY_STATES_COLLECTION = 'subscription_delivery';

/** Fields a state may lose (a retry that went through clears the failure). */
const CLEARABLE = [
  'nextAttemptAt',
  'lastError',
  'lastErrorAt',
  'failedEvent',
  'lastDeliveredAt',
  'stopped',
] as const;

const toState = ({ _id, ...rest }: StateDocument): DeliveryState => ({ subscriptionId: _id, ...rest });

/** Each subscription's checkpoint and retry state, one document per subscription. */
export class MongoDeliveryStateStore implements DeliveryStateStore {
  private readonly collection: Collection<StateDocument>;

  constructor(db: Db) {
    this.collection = db.collection<StateDocument>(DELIVERY_STATES_COLLECTION);
  }

  async open(subscriptionId: string, checkpoint: number): Promise<DeliveryState> {
    await this.collection.updateOne(
      { _id: subscriptionId },
      { $setOnInsert: { checkpoint, attempts: 0, delivered: 0, updatedAt: new Date() } },
      { upsert: true },
    );
    return (await this.get(subscriptionId))!;
  }

  async get(subscriptionId: string): Promise<DeliveryState | undefined> {
    const doc = await this.collection.findOne({ _id: subscriptionId });
    return doc ? toState(doc) : undefined;
  }

  async save(state: DeliveryState): Promise<void> {
    const { subscriptionId, checkpoint, ...rest } = state;
    const set = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const unset = Object.fromEntries(
      CLEARABLE.filter((k) => rest[k] === undefined).map((k) => [k, '' as const]),
    );
    // No upsert: a subscription deleted meanwhile must not get its state back from a late writer.
    await this.collection.updateOne(
      { _id: subscriptionId },
      { $max: { checkpoint }, $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
    );
  }

  async all(): Promise<DeliveryState[]> {
    return (await this.collection.find({}).sort({ _id: 1 }).toArray()).map(toState);
  }

  async removeExcept(subscriptionIds: readonly string[]): Promise<number> {
    const result = await this.collection.deleteMany({ _id: { $nin: [...subscriptionIds] } });
    return result.deletedCount;
  }
}
