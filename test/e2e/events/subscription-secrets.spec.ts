/*
 * Subscription headers often carry a sink's credentials: answers show that a header is set, never
 * its value, and a PUT that sends the masked value back keeps the real one (the sink still gets it).
 */
import { subscriptionDecider } from '../../../domain/entities/subscription/subscription.decider';
import { EVENT_STORE, EventStore } from '../../../domain/repositories/event-store.port';
import { fold, streamIdOf } from '../../../domain/shared/decider';
import { TestSink } from '../../support/http-sink';
import { startService, TestService } from '../../support/service';
import { call, defineTemplate, subscribe, Subscription, TEMPLATE_TYPES } from './helpers';

const SECRET = 'Bearer s3cret-token';
let service: TestService;
let sink: TestSink;

beforeAll(async () => {
  sink = await TestSink.start();
  service = await startService({ env: { OHF_DELIVERY_POLL_MS: '20', OHF_DELIVERY_DISCOVER_MS: '50' } });
});
afterAll(async () => {
  await service?.destroy();
  await sink?.stop();
});

it('never shows a header value, and a masked value sent back keeps the stored one', async () => {
  const created = await subscribe(service, {
    sink: sink.url(),
    types: [TEMPLATE_TYPES.defined],
    protocolsettings: { headers: { authorization: SECRET } },
  });
  const shown = (await call<Subscription>(service, `/v1/subscriptions/${created.id}`)).body;
  const listed = (await call<{ subscriptions: Subscription[] }>(service, '/v1/subscriptions')).body;
  for (const answer of [created, shown, ...listed.subscriptions])
    expect(JSON.stringify(answer)).not.toContain('s3cret');
  expect((shown.protocolsettings as { headers: Record<string, string> }).headers).toEqual({
    authorization: '********',
  });

  // GET, change the filter, PUT back what GET showed.
  const {
    id: _id,
    config: _config,
    delivery: _delivery,
    status: _status,
    ...editable
  } = shown as Subscription & Record<string, unknown>;
  const put = await call(service, `/v1/subscriptions/${created.id}`, {
    method: 'PUT',
    json: { ...pick(editable), types: [TEMPLATE_TYPES.defined, TEMPLATE_TYPES.retired] },
  });
  expect(put.status).toBe(200);
  // What is stored: the real value, not the mask.
  const stream = await service
    .get<EventStore>(EVENT_STORE)
    .readStream(streamIdOf(subscriptionDecider.category, created.id));
  const state = fold(subscriptionDecider, stream as never);
  expect('spec' in state && state.spec.protocolsettings.headers).toEqual({ authorization: SECRET });
  expect(stream).toHaveLength(2);

  // A dispatcher rereads its subscription within a second: after that, the sink still gets the secret.
  await new Promise((r) => setTimeout(r, 1200));
  await defineTemplate(service, 'Secret-T');
  await sink.waitFor(() => sink.requests.length > 0, 'a delivery');
  expect(sink.requests[0].headers.authorization).toBe(SECRET);
});

/** The fields a subscription is created with, out of what GET shows. */
function pick(shown: Record<string, unknown>): Record<string, unknown> {
  const { sink: to, protocol, protocolsettings, types, filters, source } = shown;
  return Object.fromEntries(
    Object.entries({ sink: to, protocol, protocolsettings, types, filters, source }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}
