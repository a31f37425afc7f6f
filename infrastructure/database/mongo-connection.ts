import { Db, MongoClient } from 'mongodb';
import type { MongoMemoryServer } from 'mongodb-memory-server-core';
import type { AppConfig } from '../config/app-config';
import { startEmbeddedMongo } from './embedded-mongo';

/** The service's database: MONGODB_URI when set, else the embedded one kept in OHF_DATA_DIR. */
export class MongoConnection {
  private constructor(
    readonly client: MongoClient,
    readonly db: Db,
    readonly uri: string,
    private readonly embedded?: MongoMemoryServer,
  ) {}

  static async open(config: AppConfig): Promise<MongoConnection> {
    const embedded = config.mongodbUri ? undefined : await startEmbeddedMongo(config.dataDir);
    const uri = config.mongodbUri ?? embedded!.getUri();
    const client = await MongoClient.connect(uri, { maxPoolSize: 50, serverSelectionTimeoutMS: 10_000 });
    return new MongoConnection(client, client.db(config.dbName), uri, embedded);
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  async close(): Promise<void> {
    await this.client.close();
    // Keep the embedded data: it lives in OHF_DATA_DIR across restarts.
    await this.embedded?.stop({ doCleanup: false });
  }
}

export const MONGO_DB = Symbol('MongoDb');
