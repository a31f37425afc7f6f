/*
 * A CloudEvents consumer for tests: a node:http server on 127.0.0.1 that parses every request with
 * the cloudevents SDK (HTTP.toEvent), validates it, records it, and answers as the test says.
 */
import { once } from 'node:events';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudEvent, CloudEventV1, HTTP } from 'cloudevents';

export interface SinkRequest {
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  mode: 'binary' | 'structured';
  event: CloudEventV1<unknown>;
  /** What the sink answered. */
  status: number;
}

/** How the sink answers the n-th request (from 1): a status, headers, a delay, or never. */
export interface SinkAnswer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Keep the request open until the client gives up. */
  hang?: boolean;
}

export type SinkBehaviour = (n: number, event: CloudEventV1<unknown>) => SinkAnswer | number;

export class TestSink {
  readonly requests: SinkRequest[] = [];
  /** Requests that were not valid CloudEvents, with the SDK's complaint. */
  readonly invalid: string[] = [];
  behaviour: SinkBehaviour = () => 200;
  private readonly waiters = new Set<() => void>();

  private constructor(private server: Server) {}

  static async start(port = 0): Promise<TestSink> {
    const sink = new TestSink(createServer());
    await sink.listen(port);
    return sink;
  }

  /** Kept after `stop`, so `restart` comes back on the same address. */
  port = 0;

  url(path = '/events'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Events the sink acknowledged (2xx), in the order they arrived. */
  get accepted(): CloudEventV1<unknown>[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.event);
  }

  /** Resolves when `check` holds, re-checked on every request and every 50 ms. */
  async waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`sink: ${what} not seen within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const poll = setInterval(() => listener(), 50);
      const listener = (): void => {
        if (check()) finish();
      };
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(listener);
        if (error) reject(error);
        else resolve();
      };
      this.waiters.add(listener);
    });
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port after `stop` (a consumer coming back). */
  async restart(): Promise<void> {
    this.server = createServer();
    await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    this.server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let event: CloudEventV1<unknown>;
        try {
          const parsed = HTTP.toEvent<unknown>({ headers: req.headers, body }) as
            CloudEvent<unknown> | CloudEvent<unknown>[];
          if (Array.isArray(parsed)) throw new Error('a batch where one event was expected');
          parsed.validate();
          event = parsed;
        } catch (error) {
          this.invalid.push(`${(error as Error).message}: ${JSON.stringify(req.headers)} ${body}`);
          res.writeHead(400).end();
          return;
        }
        const n = this.requests.length + 1;
        const given = this.behaviour(n, event);
        const answer = typeof given === 'number' ? { status: given } : given;
        const mode = String(req.headers['content-type']).startsWith('application/cloudevents')
          ? 'structured'
          : 'binary';
        const respond = (): void => {
          this.requests.push({
            at: Date.now(),
            method: req.method ?? '',
            path: req.url ?? '',
            headers: req.headers,
            mode,
            event,
            status: answer.status,
          });
          res.writeHead(answer.status, answer.headers).end();
          this.waiters.forEach((w) => w());
        };
        if (answer.hang) {
          this.requests.push({
            at: Date.now(),
            method: req.method ?? '',
            path: req.url ?? '',
            headers: req.headers,
            mode,
            event,
            status: 0,
          });
          return;
        }
        if (answer.delayMs) setTimeout(respond, answer.delayMs);
        else respond();
      });
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }
}
