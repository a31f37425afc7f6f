import type { Collection, Db } from 'mongodb';
import type { MachineSightings } from '../../application/ports/machine-sightings.port';

interface Sighting {
  _id: string;
  at: Date;
}

const CENSUS = '__census__';

/** When Host Factory last listed each machine; one bulk upsert per getReturnRequests call. */
export class MongoMachineSightings implements MachineSightings {
  private readonly sightings: Collection<Sighting>;

  constructor(db: Db) {
    this.sightings = db.collection<Sighting>('hf_machine_sightings');
  }

  async record(machineIds: readonly string[], at: Date): Promise<void> {
    const ops = [CENSUS, ...machineIds].map((id) => ({
      updateOne: { filter: { _id: id }, update: { $max: { at } }, upsert: true },
    }));
    await this.sightings.bulkWrite(ops, { ordered: false });
  }

  async lastSeen(machineIds: readonly string[]): Promise<{ census?: Date; seen: Map<string, Date> }> {
    const docs = await this.sightings.find({ _id: { $in: [CENSUS, ...machineIds] } }).toArray();
    const census = docs.find((d) => d._id === CENSUS)?.at;
    return { census, seen: new Map(docs.filter((d) => d._id !== CENSUS).map((d) => [d._id, d.at])) };
  }
}
