/*
 * The Subscriptions API: create, read, update, delete; bad input refused by field with nothing
 * recorded; the sink allow-list; where delivery starts; and the Prometheus metrics it feeds.
 */
import { EVENT_STORE, EventStore } from '../../../domain/repositories/event-store.port';
import { TestSink } from '../../support/http-sink';
import { startService, TestService } from '../../support/service';
import { call, defineTemplate, logEvents, subscribe, Subscription, TEMPLATE_TYPES, until } from './helpers';

describe('the Subscriptions API', () => {
  let service: TestService;
  let consumer: TestSink;
  let otherPort: number;

  beforeAll(async () => {
    consumer = await TestSink.start();
    const other = await TestSink.start();
    otherPort = other.port;
    await other.stop();
    service = await startService({
      env: {
        OHF_DELIVERY_POLL_MS: '20',
        OHF_DELIVERY_DISCOVER_MS: '50',
        OHF_SINK_ALLOWED_HOSTS: `127.0.0.1:${consumer.port},*.example.com`,
      },
    });
  });

  afterAll(async () => {
    await consumer.stop();
    await service.destroy();
  });

  const head = (): Promise<number> => service.get<EventStore>(EVENT_STORE).headPosition();

  it('creates, lists, reads, updates and deletes a subscription', async () => {
    const created = await call<Subscription>(service, '/v1/subscriptions', {
      method: 'POST',
      json: { id: 'ignored', protocol: 'HTTP', sink: consumer.url(), types: [TEMPLATE_TYPES.defined] },
    });
    expect(created.status).toBe(201);
    const { id } = created.body;
    expect(id).not.toBe('ignored');
    expect(created.headers.get('location')).toBe(`/v1/subscriptions/${id}`);
    expect(created.body).toMatchObject({
      sink: consumer.url(),
      protocol: 'HTTP',
      types: [TEMPLATE_TYPES.defined],
      protocolsettings: { headers: {}, method: 'POST', contentmode: 'binary' },
      status: 'active',
      delivery: { attempts: 0, delivered: 0 },
    });
    expect(created.body.config.from).toBe(created.body.delivery.checkpoint + 1);

    const listed = await call<{ subscriptions: Subscription[] }>(service, '/v1/subscriptions');
    expect(listed.body.subscriptions.map((s) => s.id)).toContain(id);

    const updated = await call<Subscription>(service, `/v1/subscriptions/${id}`, {
      method: 'PUT',
      json: {
        id,
        protocol: 'HTTP',
        sink: 'https://hooks.example.com/ohf',
        filters: [{ prefix: { subject: 'api-' } }],
        protocolsettings: { contentmode: 'structured' },
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id,
      sink: 'https://hooks.example.com/ohf',
      filters: [{ prefix: { subject: 'api-' } }],
      protocolsettings: { contentmode: 'structured' },
      version: 2,
    });
    expect(updated.body.types).toBeUndefined();

    const deleted = await call<Subscription>(service, `/v1/subscriptions/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(deleted.body.id).toBe(id);
    for (const [method, path] of [
      ['GET', `/v1/subscriptions/${id}`],
      ['DELETE', `/v1/subscriptions/${id}`],
      ['POST', `/v1/subscriptions/${id}/resume`],
      ['PUT', `/v1/subscriptions/${id}`],
    ]) {
      const answer = await call(service, path, {
        method,
        json: method === 'PUT' ? { protocol: 'HTTP', sink: consumer.url() } : undefined,
      });
      expect({ method, status: answer.status }).toEqual({ method, status: 404 });
    }
  });

  it.each([
    ['no sink', { protocol: 'HTTP' }, 'sink'],
    ['a sink that is not a URL', { protocol: 'HTTP', sink: 'not a url' }, 'sink'],
    ['an ftp sink', { protocol: 'HTTP', sink: 'ftp://127.0.0.1/x' }, 'sink'],
    ['a sink with credentials', { protocol: 'HTTP', sink: 'https://u:p@hooks.example.com/' }, 'sink'],
    ['a host outside the allow-list', { protocol: 'HTTP', sink: 'http://127.0.0.1:1/x' }, 'sink'],
    ['another protocol', { protocol: 'MQTT5', sink: 'https://hooks.example.com/' }, 'protocol'],
    ['an unknown field', { protocol: 'HTTP', sink: 'https://hooks.example.com/', colour: 'red' }, 'colour'],
    [
      'an unknown type',
      { protocol: 'HTTP', sink: 'https://hooks.example.com/', types: ['io.example.x.v1'] },
      'types[0]',
    ],
    ['empty types', { protocol: 'HTTP', sink: 'https://hooks.example.com/', types: [] }, 'types'],
    [
      'the sql dialect',
      { protocol: 'HTTP', sink: 'https://hooks.example.com/', filters: [{ sql: 'a' }] },
      'filters[0]',
    ],
    [
      'an empty exact value',
      { protocol: 'HTTP', sink: 'https://hooks.example.com/', filters: [{ exact: { type: '' } }] },
      'filters[0].exact.type',
    ],
    [
      'an empty all',
      { protocol: 'HTTP', sink: 'https://hooks.example.com/', filters: [{ not: { all: [] } }] },
      'filters[0].not.all',
    ],
    [
      'two dialects in one expression',
      {
        protocol: 'HTTP',
        sink: 'https://hooks.example.com/',
        filters: [{ exact: { a: 'b' }, prefix: { a: 'b' } }],
      },
      'filters[0]',
    ],
    [
      'a header the binding sets',
      {
        protocol: 'HTTP',
        sink: 'https://hooks.example.com/',
        protocolsettings: { headers: { 'ce-id': 'x' } },
      },
      'protocolsettings.headers.ce-id',
    ],
    [
      'a header value that is not a string',
      { protocol: 'HTTP', sink: 'https://hooks.example.com/', protocolsettings: { headers: { 'x-a': 1 } } },
      'protocolsettings.headers.x-a',
    ],
    [
      'an unknown content mode',
      { protocol: 'HTTP', sink: 'https://hooks.example.com/', protocolsettings: { contentmode: 'batch' } },
      'protocolsettings.contentmode',
    ],
    [
      'an unknown protocol setting',
      { protocol: 'HTTP', sink: 'https://hooks.example.com/', protocolsettings: { qos: 1 } },
      'protocolsettings.qos',
    ],
    [
      'a bad start',
      { protocol: 'HTTP', sink: 'https://hooks.example.com/', config: { from: 0 } },
      'config.from',
    ],
  ])('refuses %s with 400 naming the field, and records nothing', async (_what, body, field) => {
    const before = await head();
    const answer = await call<{ field: string; status: number }>(service, '/v1/subscriptions', {
      method: 'POST',
      json: body,
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body.field).toBe(field);
    expect(await head()).toBe(before);
  });

  it('refuses on PUT an id that is not the path and a new start', async () => {
    const sub = await subscribe(service, { sink: consumer.url() });
    const body = { protocol: 'HTTP', sink: consumer.url() };
    const wrongId = await call<{ field: string }>(service, `/v1/subscriptions/${sub.id}`, {
      method: 'PUT',
      json: { ...body, id: 'other' },
    });
    expect([wrongId.status, wrongId.body.field]).toEqual([400, 'id']);
    const restart = await call<{ field: string }>(service, `/v1/subscriptions/${sub.id}`, {
      method: 'PUT',
      json: { ...body, config: { from: 'beginning' } },
    });
    expect([restart.status, restart.body.field]).toEqual([400, 'config']);
    const unchanged = await call<Subscription>(service, `/v1/subscriptions/${sub.id}`, {
      method: 'PUT',
      json: body,
    });
    expect(unchanged.body.version).toBe(1);
    await call(service, `/v1/subscriptions/${sub.id}`, { method: 'DELETE' });
  });

  it('starts from the beginning, or from a given position', async () => {
    await defineTemplate(service, 'start-1');
    await defineTemplate(service, 'start-2');
    const [first, second] = await logEvents(service, {
      filter: JSON.stringify({ prefix: { subject: 'start-' } }),
    });
    const filters = [{ prefix: { subject: 'start-' } }];
    // Both deliver to the one allowed sink, told apart by path.
    const a = await subscribe(service, { sink: consumer.url('/a'), filters, config: { from: 'beginning' } });
    const b = await subscribe(service, {
      sink: consumer.url('/b'),
      filters,
      config: { from: Number(second.sequence) },
    });
    expect(a.config.from).toBe(1);
    expect(b.config.from).toBe(Number(second.sequence));
    const byPath = (path: string) => consumer.requests.filter((r) => r.path === path).map((r) => r.event.id);
    await consumer.waitFor(() => byPath('/a').length >= 2 && byPath('/b').length >= 1, 'three deliveries');
    expect(byPath('/a')).toEqual([first.id, second.id]);
    expect(byPath('/b')).toEqual([second.id]);
  });

  it('refuses a sink on a port the allow-list does not name', async () => {
    const answer = await call<{ field: string }>(service, '/v1/subscriptions', {
      method: 'POST',
      json: { protocol: 'HTTP', sink: `http://127.0.0.1:${otherPort}/` },
    });
    expect([answer.status, answer.body.field]).toEqual([400, 'sink']);
  });

  it('exposes Prometheus metrics: events by type, projection lag, deliveries per subscription', async () => {
    const sub = await subscribe(service, {
      sink: consumer.url('/metrics-sink'),
      filters: [{ exact: { subject: 'metric-1' } }],
    });
    await defineTemplate(service, 'metric-1');
    await consumer.waitFor(
      () => consumer.requests.some((r) => r.event.subject === 'metric-1'),
      'the delivery',
    );
    await until(
      () => call<Subscription>(service, `/v1/subscriptions/${sub.id}`).then((a) => a.body),
      (s) => s.delivery.delivered === 1,
    );
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const line of text.trim().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{(\w+="(?:[^"\\]|\\.)*",?)*\})? -?[\d.e+-]+)$/);
    const value = (series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? NaN : Number(line.slice(series.length + 1));
    };
    expect(value(`ohf_events_appended_total{type="${TEMPLATE_TYPES.defined}"}`)).toBeGreaterThanOrEqual(3);
    expect(
      value('ohf_events_appended_total{type="io.openhostfactory.subscription.created.v1"}'),
    ).toBeGreaterThanOrEqual(4);
    expect(value('ohf_projection_lag_events{projection="subscriptions"}')).toBeGreaterThanOrEqual(0);
    expect(value(`ohf_delivery_attempts_total{outcome="delivered",subscription="${sub.id}"}`)).toBe(1);
    expect(value(`ohf_delivery_lag_events{subscription="${sub.id}"}`)).toBe(0);
    expect(value(`ohf_delivery_latency_seconds_count{subscription="${sub.id}"}`)).toBe(1);
    expect(text).toContain('# TYPE ohf_hostfactory_calls_total counter');
    expect(text).toContain('# TYPE ohf_provider_call_duration_seconds histogram');
    // Counting is incremental: a second scrape does not count the log again.
    const again = await (await fetch(`${service.url}/metrics`)).text();
    const line = `ohf_events_appended_total{type="${TEMPLATE_TYPES.defined}"}`;
    expect(again.split('\n').find((l) => l.startsWith(line))).toBe(
      text.split('\n').find((l) => l.startsWith(line)),
    );
  });
});
