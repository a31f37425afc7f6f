/*
 * The service as a separate OS process (`main.ts` through swc), so a test can SIGKILL it, stop it
 * with SIGTERM and start it again on the same database. It answers once it logs `listening`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { eventually, sleep } from './eventually';
import { REPO_ROOT, testMongoUri, uniqueDbName } from './test-env';

export { REPO_ROOT, testMongoUri, uniqueDbName };

export { eventually, sleep };

/** The node flags `make run` starts the service with (see the Makefile), so tests and benches run it alike. */
const SERVICE_NODE_FLAGS = ['--max-semi-space-size=32'];

/** Settings that keep the service quick under test; each test overrides what it needs. */
export const FAST_ENV: Record<string, string> = {
  OHF_RECONCILE_INTERVAL_MS: '100',
  OHF_SIMULATED_LAUNCH_DELAY_MS: '300',
  OHF_LEASE_TTL_MS: '1000',
};

const KEPT_LINES = 400;

export class ServiceProcess {
  private child?: ChildProcess;
  private exit?: Promise<number | string>;
  private urlOf?: string;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  readonly output: string[] = [];
  starts = 0;

  private constructor(
    readonly dbName: string,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts the service on a database of its own (or `OHF_DB_NAME` from env). */
  static async start(env: Record<string, string> = {}, prefix = 'hf'): Promise<ServiceProcess> {
    const service = new ServiceProcess(env.OHF_DB_NAME ?? uniqueDbName(prefix), env);
    await service.launch();
    return service;
  }

  get url(): string {
    if (!this.urlOf) throw new Error('the service is not running');
    return this.urlOf;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private launch(): Promise<void> {
    this.starts++;
    const child = spawn(
      process.execPath,
      [...SERVICE_NODE_FLAGS, '-r', '@swc-node/register', 'infrastructure/bootstrap/main.ts'],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          MONGODB_URI: testMongoUri(),
          PORT: '0',
          ...FAST_ENV,
          ...this.env,
          // The "listening" line that gives the port is an info entry.
          LOG_LEVEL: 'info',
          OHF_DB_NAME: this.dbName,
          OHF_INSTANCE_ID: `${this.dbName}-${this.starts}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.urlOf = undefined;
    this.exit = new Promise((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
    return new Promise<void>((resolveStart, reject) => {
      const timer = setTimeout(
        () => fail(new Error('the service did not log "listening" within 60 s')),
        60_000,
      );
      const fail = (error: Error): void => {
        clearTimeout(timer);
        // A service that did not come up is not left behind.
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(new Error(`${error.message}\n${this.output.slice(-30).join('\n')}`));
      };
      const keep = (line: string): void => {
        this.output.push(line);
        if (this.output.length > KEPT_LINES) this.output.splice(0, this.output.length - KEPT_LINES);
      };
      let partial = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          keep(line);
          if (this.urlOf || !line.includes('"listening"')) continue;
          const url = listeningUrl(line);
          if (url) {
            this.urlOf = url;
            clearTimeout(timer);
            resolveStart();
          }
        }
      });
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').forEach(keep));
      void this.exit!.then((code) => {
        if (!this.urlOf) fail(new Error(`the service exited (${code}) before listening`));
      });
    });
  }

  /** SIGKILL: no shutdown hook runs, leases stay taken until they expire. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exit;
  }

  /** SIGTERM and wait for the exit code (0 when it shut down cleanly). */
  async stop(): Promise<number | string> {
    if (!this.running) return (await this.exit) ?? -1;
    this.child!.kill('SIGTERM');
    const timeout = new Promise<string>((done) => setTimeout(() => done('timeout'), 20_000).unref());
    const code = await Promise.race([this.exit!, timeout]);
    if (code === 'timeout') await this.kill9();
    return code;
  }

  /** Starts the service again on the same database (a new instance id, a new port). */
  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.launch();
  }

  /** Stops the process and drops its database. */
  async dispose(): Promise<void> {
    await this.stop();
    await withDb(this.dbName, (db) => db.dropDatabase().then(() => undefined)).catch(() => undefined);
  }

  /** Documents in one collection of the service's database. */
  count(collection: string, filter: Record<string, unknown> = {}): Promise<number> {
    return withDb(this.dbName, (db) => db.collection(collection).countDocuments(filter));
  }

  tail(lines = 30): string {
    return this.output.slice(-lines).join('\n');
  }
}

function listeningUrl(line: string): string | undefined {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return entry.msg === 'listening' && typeof entry.url === 'string' ? entry.url : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `work` against a database of the run's MongoDB with a short-lived client. */
export async function withDb<T>(name: string, work: (db: import('mongodb').Db) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(testMongoUri());
  try {
    return await work(client.db(name));
  } finally {
    await client.close();
  }
}
