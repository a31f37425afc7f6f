/*
 * Starting the service for the core tests: in this process (Nest app on a loopback port, its own
 * database on the run's MongoDB), or as a separate OS process (`main.ts` through swc), plus a
 * small line-oriented child-process helper for fixtures.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Db } from 'mongodb';
import { EVENT_STORE, EventStore } from '../../domain/repositories/event-store.port';
import { MongoConnection } from '../../infrastructure/database/mongo-connection';
import { eventually as waitFor } from './eventually';
import { startService } from './service';
import { dropDatabase, REPO_ROOT, testMongoUri, uniqueDbName } from './test-env';

export { dropDatabase, REPO_ROOT, testMongoUri, uniqueDbName };

export interface CoreService {
  app: INestApplication;
  url: string;
  db: Db;
  dbName: string;
  store: EventStore;
  /** Stops the app (processors, leases) and drops its database unless `keepDatabase`. */
  close(keepDatabase?: boolean): Promise<void>;
}

/** The whole service in this process (test/support/service.ts), with the handles the core tests use. */
export async function startCoreService(env: Record<string, string> = {}): Promise<CoreService> {
  const service = await startService({
    dbName: env.OHF_DB_NAME ?? uniqueDbName(),
    env: { OHF_INSTANCE_ID: `test-${randomUUID().slice(0, 6)}`, ...env },
  });
  return {
    app: service.app,
    url: service.url,
    db: service.get<MongoConnection>(MongoConnection).db,
    dbName: service.dbName,
    store: service.get<EventStore>(EVENT_STORE),
    close: (keepDatabase = false) => (keepDatabase ? service.stop() : service.destroy()),
  };
}

export interface LineProcess {
  proc: ChildProcess;
  lines: string[];
  stderr: string[];
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** The first line (already seen or still to come) that the predicate accepts. */
  waitForLine(accept: (line: string) => boolean, timeoutMs?: number): Promise<string>;
}

/** A node child process whose stdout is collected line by line. */
export function spawnNode(args: string[], env: Record<string, string> = {}): LineProcess {
  const proc = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    listeners.forEach((l) => l());
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | string>((done) =>
    proc.on('exit', (code, signal) => {
      listeners.forEach((l) => l());
      done(code ?? signal ?? -1);
    }),
  );
  const waitForLine = (accept: (line: string) => boolean, timeoutMs = 30_000): Promise<string> =>
    new Promise((resolveLine, reject) => {
      const check = (): void => {
        const found = lines.find(accept);
        if (found !== undefined) return finish(() => resolveLine(found));
        if (proc.exitCode !== null || proc.signalCode !== null)
          finish(() => reject(new Error(`process ended first: ${stderr.join('').slice(-2000)}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no such line within ${timeoutMs} ms: ${stderr.join('')}`))),
        timeoutMs,
      );
      const finish = (then: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        then();
      };
      listeners.add(check);
      check();
    });
  return { proc, lines, stderr, exited, waitForLine };
}

/** Runs a TypeScript file of the repository in a child process (no build needed). */
export const spawnTs = (file: string, args: string[] = [], env: Record<string, string> = {}): LineProcess =>
  spawnNode(['-r', '@swc-node/register', file, ...args], env);

export interface ServiceProcess extends LineProcess {
  url: string;
  instanceId: string;
  /** JSON log lines of the process. */
  logs(): Record<string, unknown>[];
}

/** The service as its own OS process (`main.ts`), answering once it logs `listening`. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const instanceId = env.OHF_INSTANCE_ID ?? `proc-${randomUUID().slice(0, 6)}`;
  const child = spawnTs('infrastructure/bootstrap/main.ts', [], {
    MONGODB_URI: testMongoUri(),
    PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
    OHF_INSTANCE_ID: instanceId,
  });
  const parse = (line: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const listening = await child.waitForLine((line) => parse(line)?.msg === 'listening', 60_000);
  return {
    ...child,
    url: String(parse(listening)!.url),
    instanceId,
    logs: () => child.lines.map(parse).filter((l): l is Record<string, unknown> => l !== undefined),
  };
}

/** `eventually` without a description, as the core tests call it. */
export const eventually = <T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 25,
): Promise<T> => waitFor('condition', check, timeoutMs, everyMs);

export interface HttpAnswer<T = unknown> {
  status: number;
  contentType: string;
  body: T;
}

/** fetch with a JSON body (or a raw string), answering status, content type and parsed body. */
export async function http<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; json?: unknown; raw?: string | Buffer; contentType?: string; token?: string } = {},
): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = {};
  if (init.json !== undefined || init.raw !== undefined)
    headers['content-type'] = init.contentType ?? 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.raw ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: body as T,
  };
}
