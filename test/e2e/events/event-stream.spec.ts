/*
 * The live stream (SSE), the log pages and the catalog of event types, as a consumer uses them.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CloudEvent, HTTP } from 'cloudevents';
import { startService, TestService } from '../../support/service';
import { call, defineTemplate, logEvents, retireTemplate, sleep, TEMPLATE_TYPES } from './helpers';
import { SseClient, SseMessage } from './sse-client';

/** Each SSE data is a structured-mode CloudEvent: read it as a consumer's SDK would. */
function parse(message: SseMessage): CloudEvent<unknown> {
  const event = HTTP.toEvent<unknown>({
    headers: { 'content-type': 'application/cloudevents+json' },
    body: message.data,
  }) as CloudEvent<unknown>;
  event.validate();
  expect(message.id).toBe(String(event.sequence));
  return event;
}

describe('events for consumers', () => {
  let service: TestService;
  const streams: SseClient[] = [];
  const open = async (path: string, headers: Record<string, string> = {}): Promise<SseClient> => {
    const stream = await SseClient.open(`${service.url}${path}`, headers);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    service = await startService({ env: { OHF_DELIVERY_POLL_MS: '20', OHF_STREAM_HEARTBEAT_MS: '300' } });
  });

  afterAll(async () => {
    streams.forEach((s) => s.close());
    await service.destroy();
  });

  describe('GET /v1/events/stream', () => {
    it('streams structured CloudEvents and resumes after a disconnect without a gap (Last-Event-ID)', async () => {
      const filter = encodeURIComponent(JSON.stringify({ prefix: { subject: 'sse-' } }));
      const first = await open(`/v1/events/stream?filter=${filter}`);
      expect(first.status).toBe(200);
      expect(first.contentType).toMatch(/^text\/event-stream/);
      for (let i = 1; i <= 3; i++) await defineTemplate(service, `sse-${i}`);
      await first.waitFor(() => first.messages.length >= 3, 'three events');
      const lastSeen = first.lastId!;
      first.close();
      await first.ended;

      // Missed while disconnected: more events, and others the filter leaves out.
      await defineTemplate(service, 'sse-4');
      await defineTemplate(service, 'other-1');
      await retireTemplate(service, 'sse-1');
      // The URL a reconnecting EventSource sends again; Last-Event-ID wins over it.
      const second = await open(`/v1/events/stream?filter=${filter}&after=0`, { 'Last-Event-ID': lastSeen });
      await defineTemplate(service, 'sse-5');
      await second.waitFor(() => second.messages.length >= 3, 'the missed and the new events');
      await sleep(100);

      const received = [...first.messages, ...second.messages].map(parse);
      const expected = await logEvents(service, {
        after: String(Number(received[0].sequence) - 1),
        filter: JSON.stringify({ prefix: { subject: 'sse-' } }),
      });
      expect(received.map((e) => e.id)).toEqual(expected.map((e) => e.id));
      expect(received.map((e) => [e.subject, e.type])).toEqual([
        ['sse-1', TEMPLATE_TYPES.defined],
        ['sse-2', TEMPLATE_TYPES.defined],
        ['sse-3', TEMPLATE_TYPES.defined],
        ['sse-4', TEMPLATE_TYPES.defined],
        ['sse-1', TEMPLATE_TYPES.retired],
        ['sse-5', TEMPLATE_TYPES.defined],
      ]);
      expect(first.retryMs).toBeGreaterThan(0);
    });

    it('replays from ?after= with a type filter, and sends heartbeats when quiet', async () => {
      const from = (await call<{ head: number }>(service, '/v1/events?limit=1')).body.head;
      await defineTemplate(service, 'typ-1');
      await defineTemplate(service, 'typ-1', 2);
      await retireTemplate(service, 'typ-1');
      const stream = await open(`/v1/events/stream?after=${from}&type=${TEMPLATE_TYPES.updated}`);
      await stream.waitFor(() => stream.messages.length >= 1, 'the update');
      await stream.waitFor(() => stream.comments.includes('heartbeat'), 'a heartbeat');
      expect(stream.messages.map(parse).map((e) => [e.subject, e.type])).toEqual([
        ['typ-1', TEMPLATE_TYPES.updated],
      ]);
    });

    it('starts from now without a position', async () => {
      await defineTemplate(service, 'now-1');
      const stream = await open('/v1/events/stream?types=' + TEMPLATE_TYPES.defined);
      await sleep(100);
      await defineTemplate(service, 'now-2');
      await stream.waitFor(() => stream.messages.length >= 1, 'the new event');
      await sleep(100);
      expect(stream.messages.map(parse).map((e) => e.subject)).toEqual(['now-2']);
    });

    it.each([
      ['filter=not-json', 'filter'],
      [`filter=${encodeURIComponent('{"sql":"type = 1"}')}`, 'filter[0]'],
      ['type=io.example.unknown.v1', 'type'],
      ['after=-3', 'after'],
      ['colour=blue', 'colour'],
    ])('refuses %s with problem+json naming %s', async (query, field) => {
      const response = await fetch(`${service.url}/v1/events/stream?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await response.json()) as { field: string }).field).toBe(field);
    });

    it('refuses a Last-Event-ID that is not a position', async () => {
      const response = await fetch(`${service.url}/v1/events/stream`, {
        headers: { 'Last-Event-ID': 'abc' },
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe('Last-Event-ID');
    });
  });

  describe('GET /v1/events', () => {
    it('pages through the log with after and limit, public events only', async () => {
      for (let i = 1; i <= 5; i++) await defineTemplate(service, `page-${i}`);
      await call(service, '/v1/subscriptions', {
        method: 'POST',
        json: { protocol: 'HTTP', sink: 'http://127.0.0.1:9/never' },
      });
      const all = await logEvents(service, { subject: 'page-3' });
      expect(all.map((e) => e.subject)).toEqual(['page-3']);
      const seen: string[] = [];
      let after = '0';
      for (let pages = 0; pages < 100; pages++) {
        const page = await call<{ events: Record<string, unknown>[]; nextAfter: number; head: number }>(
          service,
          `/v1/events?after=${after}&limit=2&filter=${encodeURIComponent(JSON.stringify({ prefix: { subject: 'page-' } }))}`,
        );
        expect(page.status).toBe(200);
        expect(page.body.events.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.events.map((e) => String(e.subject)));
        if (page.body.nextAfter >= page.body.head) break;
        after = String(page.body.nextAfter);
      }
      expect(seen).toEqual(['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
      const everything = await logEvents(service, {});
      expect(everything.some((e) => String(e.type).includes('.subscription.'))).toBe(false);
      const positions = everything.map((e) => Number(e.sequence));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=5000', 'limit'],
      ['after=x', 'after'],
      ['subject=', 'subject'],
    ])('refuses %s naming %s', async (query, field) => {
      const answer = await call<{ field: string }>(service, `/v1/events?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.field).toBe(field);
    });
  });

  describe('GET /v1/events/types', () => {
    it('lists every public type with its schema and an example that the schema accepts', async () => {
      const { status, body } = await call<{
        types: { type: string; description: string; dataschema: string; schema: object; example: unknown }[];
      }>(service, '/v1/events/types');
      expect(status).toBe(200);
      const names = body.types.map((t) => t.type);
      expect(names).toEqual(expect.arrayContaining(Object.values(TEMPLATE_TYPES)));
      expect(names.some((t) => t.includes('.subscription.'))).toBe(false);
      const ajv = addFormats(new Ajv({ strict: false }));
      for (const entry of body.types) {
        expect(entry.description.length).toBeGreaterThan(0);
        expect(entry.dataschema).toBe(`${service.url}/v1/events/types/${entry.type}/schema`);
        const served = await fetch(entry.dataschema);
        expect(served.status).toBe(200);
        expect(served.headers.get('content-type')).toMatch(/^application\/schema\+json/);
        const schema = (await served.json()) as Record<string, unknown>;
        expect(schema.$id).toBe(entry.dataschema);
        const validate = ajv.compile(schema);
        expect({ type: entry.type, valid: validate(entry.example), errors: validate.errors }).toMatchObject({
          valid: true,
        });
      }
    });

    it('serves the schema each stored event names as its dataschema', async () => {
      await defineTemplate(service, 'schema-1');
      const [event] = await logEvents(service, { subject: 'schema-1' });
      const served = await fetch(String(event.dataschema));
      expect(served.status).toBe(200);
      expect(((await served.json()) as { title: string }).title).toBe(TEMPLATE_TYPES.defined);
    });

    it('answers 404 problem+json for a type it does not know', async () => {
      const response = await fetch(`${service.url}/v1/events/types/io.example.nothing.v1/schema`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });

  it('ends open streams when the service stops, so it stops at once', async () => {
    const stream = await open('/v1/events/stream');
    const started = Date.now();
    await service.stop();
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
