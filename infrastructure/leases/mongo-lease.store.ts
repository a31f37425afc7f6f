import type { Collection, Db } from 'mongodb';

export interface LeaseDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
  acquiredAt: Date;
  renewedAt: Date;
}

/**
 * Leases in MongoDB: one owner per name until it stops renewing, then anyone may take over.
 * Taking and renewing are single conditional updates, so two instances can never both succeed.
 */
export class MongoLeaseStore {
  readonly collection: Collection<LeaseDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LeaseDocument>('leases');
  }

  /** Takes the lease if free, expired or already ours; false when someone else holds it. */
  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    try {
      const result = await this.collection.findOneAndUpdate(
        { _id: name, $or: [{ owner }, { expiresAt: { $lt: now } }] },
        {
          $set: { owner, expiresAt: new Date(now.getTime() + ttlMs), renewedAt: now },
          $setOnInsert: { acquiredAt: now },
        },
        { upsert: true, returnDocument: 'after' },
      );
      return result?.owner === owner;
    } catch (error) {
      // The upsert raced with a live holder's document: the lease is taken.
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async renew(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    const result = await this.collection.updateOne(
      { _id: name, owner, expiresAt: { $gte: now } },
      { $set: { expiresAt: new Date(now.getTime() + ttlMs), renewedAt: now } },
    );
    return result.matchedCount === 1;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.collection.deleteOne({ _id: name, owner });
  }

  all(): Promise<LeaseDocument[]> {
    return this.collection.find({}).sort({ _id: 1 }).toArray();
  }
}
