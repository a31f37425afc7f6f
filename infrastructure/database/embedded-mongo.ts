import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MongoMemoryServer } from 'mongodb-memory-server-core';

/**
 * The development database: MongoDB's own engine through mongodb-memory-server, its files kept
 * in OHF_DATA_DIR across restarts. On a machine that cannot download MongoDB, point
 * MONGOMS_SYSTEM_BINARY at a local mongod (the workplace ships ../shared/tools/mongod).
 */
export async function startEmbeddedMongo(dataDir: string): Promise<MongoMemoryServer> {
  const shared = resolve(__dirname, '../../../../shared/tools/mongod');
  const sharedFromSource = resolve(__dirname, '../../../shared/tools/mongod');
  if (!process.env.MONGOMS_SYSTEM_BINARY) {
    const found = [shared, sharedFromSource].find((p) => existsSync(p));
    if (found) {
      process.env.MONGOMS_SYSTEM_BINARY = found;
      process.env.MONGOMS_SYSTEM_BINARY_VERSION_CHECK ??= 'false';
    }
  }
  const dbPath = join(dataDir, 'mongo');
  mkdirSync(dbPath, { recursive: true });
  return MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger' } });
}
