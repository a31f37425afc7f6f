import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { MongoMemoryServer } from 'mongodb-memory-server-core';

/** One MongoDB for the whole run; each test file works in a database of its own. */
export default async function globalSetup(): Promise<void> {
  useSharedMongodWhereThere();
  const server = await MongoMemoryServer.create();
  (globalThis as { __MONGOD__?: MongoMemoryServer }).__MONGOD__ = server;
  process.env.OHF_TEST_MONGODB_URI = server.getUri();
}

/** On machines that cannot download MongoDB, the workplace ships a mongod beside the repository. */
export function useSharedMongodWhereThere(): void {
  const shared = resolve(__dirname, '../../../shared/tools/mongod');
  if (!process.env.MONGOMS_SYSTEM_BINARY && existsSync(shared)) {
    process.env.MONGOMS_SYSTEM_BINARY = shared;
    process.env.MONGOMS_SYSTEM_BINARY_VERSION_CHECK = 'false';
  }
}
