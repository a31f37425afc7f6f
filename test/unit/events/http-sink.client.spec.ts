import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudEvent, HTTP } from 'cloudevents';
import type { RecordedEvent } from '../../../domain/events/domain-event';
import { HttpSinkClient } from '../../../integration/cloudevents/http-sink.client';

const event: RecordedEvent = {
  id: 'e-1',
  type: 'io.openhostfactory.template.defined.v1',
  source: '/open-host-factory/test',
  subject: 'modèle 1',
  streamId: 'template-modèle 1',
  time: '2026-01-01T00:00:00.000Z',
  data: { n: 1 },
  position: 9,
  streamVersion: 2,
};
const settings = { headers: { 'x-key': 'k' }, method: 'POST' as const, contentmode: 'binary' as const };

describe('the HTTP sink client', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  const client = new HttpSinkClient();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => answer(req, res, body));
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
  });

  const deliver = (over: Partial<Parameters<HttpSinkClient['deliver']>[0]> = {}) =>
    client.deliver({ sink: url, settings, event, timeoutMs: 500, ...over });

  it('sends a binary CloudEvent the SDK reads back, with ce- values percent-encoded', async () => {
    let received: CloudEvent<unknown> | undefined;
    let raw: IncomingMessage | undefined;
    answer = (req, res, body) => {
      raw = req;
      received = HTTP.toEvent({ headers: req.headers, body }) as CloudEvent<unknown>;
      res.writeHead(202).end();
    };
    expect(await deliver()).toEqual({ ok: true, status: 202 });
    expect(raw?.headers['ce-subject']).toBe('mod%C3%A8le%201');
    expect(raw?.headers['x-key']).toBe('k');
    expect(received?.id).toBe('e-1');
    expect(received?.sequence).toBe('9');
    expect(received?.data).toEqual({ n: 1 });
  });

  it('sends a structured CloudEvent when asked', async () => {
    let contentType: string | undefined;
    answer = (req, res) => {
      contentType = req.headers['content-type'];
      res.writeHead(200).end();
    };
    expect((await deliver({ settings: { ...settings, contentmode: 'structured' } })).ok).toBe(true);
    expect(contentType).toMatch(/^application\/cloudevents\+json/);
  });

  it('does not follow a redirect', async () => {
    answer = (_req, res) => res.writeHead(307, { location: 'http://10.0.0.1/' }).end();
    expect(await deliver()).toMatchObject({ ok: false, status: 307, reason: 'http_307' });
  });

  it('keeps only the start of an error answer', async () => {
    answer = (_req, res) => res.writeHead(500).end('x'.repeat(100_000));
    const outcome = await deliver();
    expect(outcome).toMatchObject({ ok: false, status: 500 });
    expect(outcome.ok ? '' : outcome.error.length).toBeLessThan(260);
  });

  it('reads Retry-After on 429 and 503 only', async () => {
    answer = (_req, res) => res.writeHead(503, { 'retry-after': '7' }).end();
    expect(await deliver()).toMatchObject({ ok: false, status: 503, retryAfterMs: 7000 });
    answer = (_req, res) => res.writeHead(500, { 'retry-after': '7' }).end();
    expect(await deliver()).toMatchObject({ ok: false, status: 500, retryAfterMs: undefined });
  });

  it('tells a timeout from a refused connection', async () => {
    answer = () => undefined;
    expect(await deliver({ timeoutMs: 100 })).toMatchObject({ ok: false, reason: 'timeout' });
    expect(await deliver({ sink: 'http://127.0.0.1:9/' })).toMatchObject({ ok: false, reason: 'network' });
  });

  it('gives up at once when delivery is stopped', async () => {
    answer = () => undefined;
    const stop = new AbortController();
    const started = Date.now();
    setTimeout(() => stop.abort(), 50);
    expect(await deliver({ timeoutMs: 5000, signal: stop.signal })).toMatchObject({
      ok: false,
      reason: 'network',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
