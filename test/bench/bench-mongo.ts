import { MongoMemoryServer } from 'mongodb-memory-server-core';
import { useSharedMongodWhereThere } from '../support/global-setup';

export interface BenchRow {
  name: string;
  value: string;
}

/** The MongoDB a benchmark works on: the run's one (OHF_TEST_MONGODB_URI) or a fresh one it stops after. */
export async function ensureMongo(): Promise<() => Promise<void>> {
  if (process.env.OHF_TEST_MONGODB_URI) return async () => undefined;
  useSharedMongodWhereThere();
  const server = await MongoMemoryServer.create();
  process.env.OHF_TEST_MONGODB_URI = server.getUri();
  return async () => {
    delete process.env.OHF_TEST_MONGODB_URI;
    await server.stop();
  };
}
