/* Where the tests run: the repository, the run's MongoDB, a database per test. */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { MongoClient } from 'mongodb';

export const REPO_ROOT = resolve(__dirname, '../..');

export function testMongoUri(): string {
  const uri = process.env.OHF_TEST_MONGODB_URI;
  if (!uri) throw new Error('OHF_TEST_MONGODB_URI is not set: run through jest (globalSetup starts MongoDB)');
  return uri;
}

export const uniqueDbName = (prefix = 'core'): string => `${prefix}_${randomUUID().slice(0, 8)}`;

export async function dropDatabase(name: string): Promise<void> {
  const client = await MongoClient.connect(testMongoUri());
  await client
    .db(name)
    .dropDatabase()
    .catch(() => undefined);
  await client.close();
}
