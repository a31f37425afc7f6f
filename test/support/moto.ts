import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The workplace's moto launcher, beside the repository (installs moto on first use). */
export const MOTO_SERVER = resolve(__dirname, '../../../shared/tools/moto-server');

/** A first start may install moto from Debian's packages: allow for a slow mirror. */
const START_TIMEOUT_MS = 240000;

export interface MotoServer {
  endpoint: string;
  /** Empties every service (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts moto on a free loopback port and resolves once it accepts requests. */
export function startMoto(): Promise<MotoServer> {
  const child = spawn(MOTO_SERVER, ['-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));

  return new Promise<MotoServer>((resolvePromise, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => fail(new Error(`moto did not start in ${START_TIMEOUT_MS} ms: ${stderr}`)),
      START_TIMEOUT_MS,
    );
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      process.removeListener('exit', killOnExit);
      reject(error);
    };
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`moto exited with ${code} before listening: ${stderr}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /moto listening on (http:\/\/\S+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const endpoint = match[1];
      resolvePromise({
        endpoint,
        async reset() {
          const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
          if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
        },
        async stop() {
          process.removeListener('exit', killOnExit);
          await stop(child);
        },
      });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}

/**
 * One moto per test file: started before the first test, emptied before each, stopped after the
 * last. Read `endpoint` inside tests or hooks (it is known only once moto listens).
 */
export function useMoto(): { readonly endpoint: string; readonly server: MotoServer } {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto();
  }, START_TIMEOUT_MS + 10000);
  beforeEach(async () => {
    await server?.reset();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get endpoint(): string {
      if (!server) throw new Error('moto is not running (use endpoint inside tests or hooks)');
      return server.endpoint;
    },
    get server(): MotoServer {
      if (!server) throw new Error('moto is not running');
      return server;
    },
  };
}
