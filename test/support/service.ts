/*
 * The whole service in this process for end-to-end tests: a Nest app on 127.0.0.1, its own
 * database on the run's MongoDB, stoppable and startable again on the same data and port.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../infrastructure/bootstrap/create-app';
import { AppConfig, loadConfig } from '../../infrastructure/config/app-config';
import { JsonLogger } from '../../infrastructure/logging/json-logger';
import { dropDatabase, testMongoUri } from './test-env';

export interface ServiceOptions {
  /** The database to use (a fresh one by default); kept across `restart`. */
  dbName?: string;
  /**
   * Settings as environment variables: given to loadConfig, and set in process.env while the app
   * is built, for what reads the environment itself (the AWS provider's AWS_* settings).
   */
  env?: Record<string, string>;
  /** The port to listen on (a free one by default); kept across `restart`. */
  port?: number;
}

export interface TestService {
  app: INestApplication;
  /** `http://127.0.0.1:<port>`, also the service's public URL (dataschema links point here). */
  url: string;
  port: number;
  dbName: string;
  config: AppConfig;
  get<T>(token: unknown): T;
  /** Stops the app (processors, leases, connections); the database stays. */
  stop(): Promise<void>;
  /** Stops it if it runs, then starts it again on the same database, port and settings. */
  restart(): Promise<TestService>;
  /** Stops it and drops its database. */
  destroy(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function withEnv<T>(env: Record<string, string>, build: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await build();
  } finally {
    for (const [key, value] of Object.entries(before))
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  }
}

export async function startService(options: ServiceOptions = {}): Promise<TestService> {
  const dbName = options.dbName ?? `svc_${randomUUID().slice(0, 8)}`;
  const port = options.port ?? (await freePort());
  const env: Record<string, string> = {
    LOG_LEVEL: 'error',
    // One owner across restarts: leases the previous run still held are taken back at once.
    OHF_INSTANCE_ID: `test-${dbName}`,
    ...options.env,
    MONGODB_URI: testMongoUri(),
    OHF_DB_NAME: dbName,
    HOST: '127.0.0.1',
    PORT: String(port),
  };
  const config = loadConfig(env);
  const app = await withEnv(env, () => createApp(config, new JsonLogger(config.logLevel)));
  await app.listen(port, '127.0.0.1');
  let running = true;
  const service: TestService = {
    app,
    url: `http://127.0.0.1:${port}`,
    port,
    dbName,
    config,
    get: <T>(token: unknown) => app.get(token as string) as T,
    async stop() {
      if (!running) return;
      running = false;
      await app.close();
    },
    async restart() {
      await service.stop();
      return startService({ ...options, dbName, port });
    },
    async destroy() {
      await service.stop();
      await dropDatabase(dbName);
    },
  };
  return service;
}
