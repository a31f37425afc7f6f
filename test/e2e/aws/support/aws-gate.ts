/*
 * A reverse proxy in front of moto that the service is pointed at (AWS_ENDPOINT_URL). It counts
 * every AWS call by action (each retry is a call) and can hold answers: a held call reaches moto,
 * moto does the work, and the answer never comes back. That is the crash between "AWS said yes"
 * and "we recorded it", made exact: the test SIGKILLs the service while the answer is held.
 */
import { Agent, createServer, IncomingMessage, request, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsGate {
  url: string;
  /** Calls seen so far, per action (`RunInstances`, `DescribeInstances`, `GetParameter`…). */
  counts(): Record<string, number>;
  total(): number;
  resetCounts(): void;
  /** From now on, answers to these actions are kept from the caller (moto still does the work). */
  hold(actions: readonly string[]): void;
  /** Actions whose answer is being held, in the order moto answered them. */
  held(): string[];
  /** Stops holding: held connections are dropped, later calls pass. */
  open(): void;
  /** From now on, calls of these actions wait here before reaching moto, until `resume`. */
  pause(actions: readonly string[]): void;
  /** Calls waiting before moto. */
  paused(): number;
  /** Lets the waiting calls through to moto and stops pausing. */
  resume(): void;
  close(): Promise<void>;
}

/** The AWS action of a call: query protocol (EC2, Auto Scaling) or JSON protocol (SSM). */
function actionOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const fromBody = /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body.toString('utf8'));
  if (fromBody) return fromBody[1];
  const fromUrl = /[?&]Action=([A-Za-z0-9]+)/.exec(req.url ?? '');
  return fromUrl ? fromUrl[1] : `${req.method} ${req.url}`;
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

export async function startAwsGate(motoEndpoint: string): Promise<AwsGate> {
  const upstream = new URL(motoEndpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = new Map<string, number>();
  let holding = new Set<string>();
  const held: { action: string; res: ServerResponse }[] = [];
  let pausing = new Set<string>();
  const waiting: (() => void)[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const action = actionOf(req, body);
      counts.set(action, (counts.get(action) ?? 0) + 1);
      if (pausing.has(action)) await new Promise<void>((resolve) => waiting.push(resolve));
      const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>(
        (resolve, reject) => {
          const out = request(
            {
              host: upstream.hostname,
              port: upstream.port,
              method: req.method,
              path: req.url,
              headers: req.headers,
              agent,
            },
            (reply) =>
              void readAll(reply).then(
                (data) => resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: data }),
                reject,
              ),
          );
          out.on('error', reject);
          out.end(body);
        },
      );
      if (holding.has(action)) {
        held.push({ action, res });
        return;
      }
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(answer.body.length);
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    })().catch((error: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`aws gate: ${error.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b))),
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    resetCounts: () => counts.clear(),
    hold: (actions) => void (holding = new Set(actions)),
    held: () => held.map((h) => h.action),
    open() {
      holding = new Set();
      for (const h of held.splice(0)) h.res.socket?.destroy();
    },
    pause: (actions) => void (pausing = new Set(actions)),
    paused: () => waiting.length,
    resume() {
      pausing = new Set();
      for (const go of waiting.splice(0)) go();
    },
    close() {
      for (const go of waiting.splice(0)) go();
      for (const h of held.splice(0)) h.res.socket?.destroy();
      agent.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
