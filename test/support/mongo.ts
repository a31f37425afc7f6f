import { randomUUID } from 'node:crypto';
import { Db, MongoClient } from 'mongodb';

/** A database of its own on the run's shared MongoDB, dropped when the test file ends. */
export async function testDatabase(): Promise<{
  client: MongoClient;
  db: Db;
  uri: string;
  name: string;
  close(): Promise<void>;
}> {
  const uri = process.env.OHF_TEST_MONGODB_URI;
  if (!uri)
    throw new Error(
      'OHF_TEST_MONGODB_URI is not set: run the tests through jest (globalSetup starts MongoDB)',
    );
  const name = `t_${randomUUID().slice(0, 8)}`;
  const client = await MongoClient.connect(uri);
  const db = client.db(name);
  return {
    client,
    db,
    uri,
    name,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}
