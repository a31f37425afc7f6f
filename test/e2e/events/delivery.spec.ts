/*
 * Delivery to real HTTP consumers on loopback: every request is parsed with the cloudevents SDK
 * (HTTP.toEvent) and validated, and its data checked against the schema its `dataschema` names.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { CloudEventV1 } from 'cloudevents';
import { TestSink } from '../../support/http-sink';
import { startService, TestService } from '../../support/service';
import {
  call,
  defineTemplate,
  expectDeliveredInOrder,
  logEvents,
  retireTemplate,
  sleep,
  subscribe,
  subscription,
  TEMPLATE_TYPES,
  until,
} from './helpers';

const FAST = {
  OHF_DELIVERY_POLL_MS: '20',
  OHF_DELIVERY_DISCOVER_MS: '50',
  OHF_DELIVERY_BACKOFF_BASE_MS: '20',
  OHF_DELIVERY_BACKOFF_MAX_MS: '200',
  OHF_DELIVERY_TIMEOUT_MS: '400',
  OHF_DELIVERY_MAX_ATTEMPTS: '1000',
};

describe('delivery to subscribers', () => {
  let service: TestService;
  const sinks: TestSink[] = [];
  const ajv = addFormats(new Ajv({ strict: false }));

  const sink = async (): Promise<TestSink> => {
    const started = await TestSink.start();
    sinks.push(started);
    return started;
  };

  /** Each test works on its own templates, and its subscriptions select them by subject prefix. */
  const only = (prefix: string) => [{ prefix: { subject: `${prefix}-` } }];

  async function expectValidData(events: CloudEventV1<unknown>[]): Promise<void> {
    for (const event of events) {
      expect(event.dataschema).toBe(`${service.url}/v1/events/types/${event.type}/schema`);
      const schema = (await (await fetch(event.dataschema!)).json()) as Record<string, unknown>;
      const validate = ajv.getSchema(event.dataschema!) ?? ajv.compile(schema);
      expect({ type: event.type, valid: validate(event.data), errors: validate.errors }).toMatchObject({
        valid: true,
      });
    }
  }

  beforeAll(async () => {
    service = await startService({ env: FAST });
  });

  afterEach(() => {
    for (const s of sinks) expect(s.invalid).toEqual([]);
  });

  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.stop()));
    await service.destroy();
  });

  it('delivers in binary mode, in order, with the headers the subscription asks for', async () => {
    const consumer = await sink();
    const sub = await subscribe(service, {
      sink: consumer.url('/hooks/ohf'),
      filters: only('bin'),
      protocolsettings: { headers: { authorization: 'Bearer consumer-secret', 'x-tenant': 'hpc' } },
    });
    await defineTemplate(service, 'bin-a', 1);
    await defineTemplate(service, 'bin-b', 1);
    await defineTemplate(service, 'bin-a', 2);
    await retireTemplate(service, 'bin-b');
    await consumer.waitFor(() => consumer.accepted.length >= 4, 'four events');

    const expected = await logEvents(service, {
      after: String(sub.config.from - 1),
      filter: JSON.stringify(only('bin')),
    });
    expect(expected.map((e) => e.type)).toEqual([
      TEMPLATE_TYPES.defined,
      TEMPLATE_TYPES.defined,
      TEMPLATE_TYPES.updated,
      TEMPLATE_TYPES.retired,
    ]);
    expectDeliveredInOrder(
      consumer.accepted,
      expected.map((e) => String(e.id)),
    );
    for (const request of consumer.requests) {
      expect(request.mode).toBe('binary');
      expect(request.method).toBe('POST');
      expect(request.headers.authorization).toBe('Bearer consumer-secret');
      expect(request.headers['x-tenant']).toBe('hpc');
      expect(request.headers['ce-specversion']).toBe('1.0');
    }
    expect(consumer.accepted.map((e) => e.subject)).toEqual(['bin-a', 'bin-b', 'bin-a', 'bin-b']);
    await expectValidData(consumer.accepted);
    const after = await until(
      () => subscription(service, sub.id),
      (s) => s.delivery.delivered === 4,
    );
    expect(after.delivery).toMatchObject({ delivered: 4, attempts: 0 });
    expect(after.delivery.checkpoint).toBeGreaterThanOrEqual(Number(expected[3].sequence));
  });

  it('delivers in structured mode, with PUT when asked', async () => {
    const consumer = await sink();
    await subscribe(service, {
      sink: consumer.url(),
      filters: only('str'),
      protocolsettings: { contentmode: 'structured', method: 'PUT' },
    });
    await defineTemplate(service, 'str-a', 1);
    await defineTemplate(service, 'str-a', 3);
    await consumer.waitFor(() => consumer.accepted.length >= 2, 'two events');
    expect(consumer.requests.map((r) => [r.mode, r.method])).toEqual([
      ['structured', 'PUT'],
      ['structured', 'PUT'],
    ]);
    expect(String(consumer.requests[0].headers['content-type'])).toMatch(/^application\/cloudevents\+json/);
    expect(consumer.accepted.map((e) => e.type)).toEqual([TEMPLATE_TYPES.defined, TEMPLATE_TYPES.updated]);
    expect((consumer.accepted[1].data as { changed: string[] }).changed).toEqual(['maxNumber']);
    await expectValidData(consumer.accepted);
  });

  it('delivers only what types and filters select (exact, prefix, suffix, all, any, not)', async () => {
    const consumer = await sink();
    const filters = [
      { any: [{ prefix: { subject: 'flt-x' } }, { suffix: { subject: '-keep' } }] },
      { not: { exact: { type: TEMPLATE_TYPES.retired } } },
      {
        all: [
          { prefix: { type: 'io.openhostfactory.' } },
          { exact: { source: '/open-host-factory/default' } },
        ],
      },
    ];
    const sub = await subscribe(service, {
      sink: consumer.url(),
      types: [TEMPLATE_TYPES.defined, TEMPLATE_TYPES.retired],
      filters,
    });
    await defineTemplate(service, 'flt-x1'); // wanted
    await defineTemplate(service, 'flt-y1'); // subject not selected
    await defineTemplate(service, 'flt-y2-keep'); // wanted (suffix)
    await defineTemplate(service, 'flt-x1', 2); // updated: not in types
    await retireTemplate(service, 'flt-x1'); // retired: excluded by not
    await defineTemplate(service, 'flt-x2'); // wanted, and last
    await consumer.waitFor(
      () => consumer.accepted.some((e) => e.subject === 'flt-x2'),
      'the last wanted event',
    );
    await sleep(100);
    expect(consumer.accepted.map((e) => [e.subject, e.type])).toEqual([
      ['flt-x1', TEMPLATE_TYPES.defined],
      ['flt-y2-keep', TEMPLATE_TYPES.defined],
      ['flt-x2', TEMPLATE_TYPES.defined],
    ]);
    const expected = await logEvents(service, {
      after: String(sub.config.from - 1),
      types: `${TEMPLATE_TYPES.defined},${TEMPLATE_TYPES.retired}`,
      filter: JSON.stringify(filters),
    });
    expectDeliveredInOrder(
      consumer.accepted,
      expected.map((e) => String(e.id)),
    );
  });

  it('keeps retrying a sink that answers 500 for a while, and redelivers the same event id', async () => {
    const consumer = await sink();
    consumer.behaviour = (n) => (n <= 4 ? 500 : 204);
    const sub = await subscribe(service, { sink: consumer.url(), filters: only('flaky') });
    await defineTemplate(service, 'flaky-a');
    await defineTemplate(service, 'flaky-b');
    await consumer.waitFor(() => consumer.requests.length >= 3, 'three failed attempts');
    const failing = await subscription(service, sub.id);
    expect(failing.delivery.attempts).toBeGreaterThanOrEqual(1);
    expect(failing.delivery.lastError).toMatch(/500/);
    expect(failing.delivery.failedEvent?.id).toBe(consumer.requests[0].event.id);
    expect(failing.delivery.lag).toBeGreaterThanOrEqual(1);

    await defineTemplate(service, 'flaky-c');
    await consumer.waitFor(() => consumer.accepted.length >= 3, 'all three events');
    const firstId = consumer.requests[0].event.id;
    expect(consumer.requests.slice(0, 5).map((r) => r.event.id)).toEqual(Array(5).fill(firstId));
    const expected = await logEvents(service, {
      after: String(sub.config.from - 1),
      filter: JSON.stringify(only('flaky')),
    });
    expectDeliveredInOrder(
      consumer.accepted,
      expected.map((e) => String(e.id)),
    );
    const healed = await until(
      () => subscription(service, sub.id),
      (s) => s.delivery.delivered === 3,
    );
    expect(healed.delivery).toMatchObject({ attempts: 0, delivered: 3, lag: expect.any(Number) });
    expect(healed.delivery.lastError).toMatch(/500/);
    expect(healed.delivery.failedEvent).toBeUndefined();
  });

  it('waits as long as a 429 answer says in Retry-After', async () => {
    const consumer = await sink();
    consumer.behaviour = (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 200);
    const sub = await subscribe(service, { sink: consumer.url(), filters: only('slow') });
    await defineTemplate(service, 'slow-a');
    await defineTemplate(service, 'slow-b');
    await consumer.waitFor(() => consumer.accepted.length >= 2, 'both events', 10_000);
    const [throttled, retried] = consumer.requests;
    expect(throttled.status).toBe(429);
    expect(retried.event.id).toBe(throttled.event.id);
    // Backoff alone would retry after at most 200 ms; the sink asked for a second.
    expect(retried.at - throttled.at).toBeGreaterThanOrEqual(950);
    const expected = await logEvents(service, {
      after: String(sub.config.from - 1),
      filter: JSON.stringify(only('slow')),
    });
    expectDeliveredInOrder(
      consumer.accepted,
      expected.map((e) => String(e.id)),
    );
  });

  it('times out on a sink that does not answer, retries it, and never holds up another subscription', async () => {
    const stuck = await sink();
    const fast = await sink();
    let holding = true;
    stuck.behaviour = () => (holding ? { status: 200, hang: true } : 200);
    const stuckSub = await subscribe(service, { sink: stuck.url(), filters: only('hang') });
    await subscribe(service, { sink: fast.url(), filters: only('hang') });
    for (let i = 1; i <= 5; i++) await defineTemplate(service, `hang-${i}`);
    await fast.waitFor(() => fast.accepted.length >= 5, 'five events at the fast sink');
    // Every attempt at the stuck sink is cut off after 400 ms and made again, with the same event.
    await stuck.waitFor(() => stuck.requests.length >= 3, 'three attempts at the stuck sink');
    expect(stuck.accepted).toHaveLength(0);
    expect(new Set(stuck.requests.map((r) => r.event.id)).size).toBe(1);
    const timedOut = await subscription(service, stuckSub.id);
    expect(timedOut.delivery.lastError).toMatch(/no answer within 400 ms/);

    holding = false;
    await stuck.waitFor(() => stuck.accepted.length >= 5, 'five events at the stuck sink');
    const expected = await logEvents(service, {
      after: String(stuckSub.config.from - 1),
      filter: JSON.stringify(only('hang')),
    });
    expectDeliveredInOrder(
      stuck.accepted,
      expected.map((e) => String(e.id)),
    );
    expectDeliveredInOrder(
      fast.accepted,
      expected.map((e) => String(e.id)),
    );
  });

  it('disables a subscription whose sink answers 410 Gone and sends it nothing more', async () => {
    const gone = await sink();
    gone.behaviour = () => 410;
    const sub = await subscribe(service, { sink: gone.url(), filters: only('gone') });
    await defineTemplate(service, 'gone-a');
    await gone.waitFor(() => gone.requests.length >= 1, 'the first attempt');
    const disabled = await until(
      () => subscription(service, sub.id),
      (s) => s.status === 'disabled',
    );
    expect(disabled.status).toBe('disabled');
    expect(disabled.statusReason).toMatch(/410/);
    expect(disabled.delivery.failedEvent?.id).toBe(gone.requests[0].event.id);
    await defineTemplate(service, 'gone-b');
    await sleep(300);
    expect(gone.requests).toHaveLength(1);
  });

  it('redelivers nothing when projections are rebuilt while subscriptions are active', async () => {
    const consumers = [await sink(), await sink()];
    await subscribe(service, { sink: consumers[0].url(), filters: only('replay') });
    await subscribe(service, {
      sink: consumers[1].url(),
      filters: only('replay'),
      protocolsettings: { contentmode: 'structured' },
    });
    for (let i = 1; i <= 5; i++) await defineTemplate(service, `replay-${i}`);
    await Promise.all(consumers.map((c) => c.waitFor(() => c.accepted.length >= 5, 'the first five')));

    const replay = await call(service, '/v1/admin/projections/replay', { method: 'POST' });
    expect(replay.status).toBe(202);
    for (let i = 6; i <= 10; i++) await defineTemplate(service, `replay-${i}`);
    await Promise.all(consumers.map((c) => c.waitFor(() => c.accepted.length >= 10, 'all ten')));
    const projections = await until(
      () => call<{ projections: { state: string }[] }>(service, '/v1/admin/projections'),
      (a) => a.body.projections.every((p) => p.state === 'live'),
      20_000,
    );
    const states = projections.body.projections.map((p) => p.state);
    expect(states.every((s) => s === 'live')).toBe(true);
    await sleep(200);
    for (const consumer of consumers) {
      const ids = consumer.requests.map((r) => r.event.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(10);
      expect(consumer.accepted.map((e) => e.subject)).toEqual(
        Array.from({ length: 10 }, (_, i) => `replay-${i + 1}`),
      );
    }
  });
});

describe('a subscription that keeps failing', () => {
  let service: TestService;
  let consumer: TestSink;

  beforeAll(async () => {
    service = await startService({ env: { ...FAST, OHF_DELIVERY_MAX_ATTEMPTS: '3' } });
    consumer = await TestSink.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await service.destroy();
  });

  it('is paused with the reason and the failed event, and resumes with the same event', async () => {
    let healthy = false;
    consumer.behaviour = () => (healthy ? 200 : 503);
    const sub = await subscribe(service, { sink: consumer.url() });
    await defineTemplate(service, 'pause-a');
    await defineTemplate(service, 'pause-b');
    const paused = await until(
      () => subscription(service, sub.id),
      (s) => s.status === 'paused' && s.delivery.attempts === 3,
    );
    expect(paused.status).toBe('paused');
    expect(paused.statusReason).toMatch(/3 delivery attempts failed; the last: sink answered 503/);
    expect(paused.delivery).toMatchObject({ attempts: 3, delivered: 0 });
    const failedId = consumer.requests[0].event.id;
    expect(paused.failedEvent?.id).toBe(failedId);
    expect(paused.delivery.failedEvent?.id).toBe(failedId);
    expect(consumer.requests.map((r) => r.event.id)).toEqual([failedId, failedId, failedId]);
    await sleep(200);
    expect(consumer.requests).toHaveLength(3);

    healthy = true;
    const resumed = await call<{ status: string }>(service, `/v1/subscriptions/${sub.id}/resume`, {
      method: 'POST',
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('active');
    await consumer.waitFor(() => consumer.accepted.length >= 2, 'both events after the resume');
    expect(consumer.accepted[0].id).toBe(failedId);
    expect(consumer.accepted.map((e) => e.subject)).toEqual(['pause-a', 'pause-b']);
    const after = await until(
      () => subscription(service, sub.id),
      (s) => s.delivery.delivered === 2 && s.delivery.lag === 0,
    );
    expect(after.status).toBe('active');
    expect(after.delivery).toMatchObject({ attempts: 0, delivered: 2, lag: 0 });
  });
});
