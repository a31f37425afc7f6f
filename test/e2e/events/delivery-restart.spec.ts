/*
 * A consumer that is down while the service restarts: checkpoints live in MongoDB, so the service
 * that comes back delivers everything the consumer missed, in order, and nothing it already had.
 */
import { TestSink } from '../../support/http-sink';
import { startService, TestService } from '../../support/service';
import {
  defineTemplate,
  expectDeliveredInOrder,
  logEvents,
  sleep,
  subscribe,
  subscription,
  until,
} from './helpers';

const FAST = {
  OHF_DELIVERY_POLL_MS: '20',
  OHF_DELIVERY_DISCOVER_MS: '50',
  OHF_DELIVERY_BACKOFF_BASE_MS: '20',
  OHF_DELIVERY_BACKOFF_MAX_MS: '150',
  OHF_DELIVERY_TIMEOUT_MS: '400',
  OHF_DELIVERY_MAX_ATTEMPTS: '100000',
};

describe('a consumer down across a service restart', () => {
  let service: TestService;
  let consumer: TestSink;

  beforeAll(async () => {
    service = await startService({ env: FAST });
    consumer = await TestSink.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await service.destroy();
  });

  it('receives everything it missed, in order, once the service and the consumer are back', async () => {
    const filters = [{ prefix: { subject: 'rst-' } }];
    const sub = await subscribe(service, { sink: consumer.url(), filters });
    await defineTemplate(service, 'rst-1');
    await consumer.waitFor(() => consumer.accepted.length === 1, 'the first event');
    await until(
      () => subscription(service, sub.id),
      (s) => s.delivery.delivered === 1,
    );

    await consumer.stop();
    await defineTemplate(service, 'rst-2');
    await defineTemplate(service, 'rst-3');
    const failing = await until(
      () => subscription(service, sub.id),
      (s) => s.delivery.attempts >= 2,
    );
    expect(failing.delivery.lastError).toMatch(/cannot reach the sink/);
    expect(failing.status).toBe('active');

    service = await service.restart();
    await defineTemplate(service, 'rst-4');
    await defineTemplate(service, 'rst-2', 5);
    await sleep(200);
    const stillFailing = await subscription(service, sub.id);
    expect(stillFailing.delivery.failedEvent?.id).toBe(failing.delivery.failedEvent?.id);
    expect(stillFailing.delivery.delivered).toBe(1);

    await consumer.restart();
    await consumer.waitFor(() => consumer.accepted.length >= 5, 'all five events');
    const expected = await logEvents(service, {
      after: String(sub.config.from - 1),
      filter: JSON.stringify(filters),
    });
    expect(expected.map((e) => e.subject)).toEqual(['rst-1', 'rst-2', 'rst-3', 'rst-4', 'rst-2']);
    expectDeliveredInOrder(
      consumer.accepted,
      expected.map((e) => String(e.id)),
    );
    // The checkpoint survived the restart: what was delivered before it is not sent again.
    expect(consumer.accepted.filter((e) => e.id === expected[0].id)).toHaveLength(1);
    const caughtUp = await until(
      () => subscription(service, sub.id),
      (s) => s.delivery.delivered === 5 && s.delivery.lag === 0,
    );
    expect(caughtUp.delivery).toMatchObject({ delivered: 5, attempts: 0, lag: 0 });
  });
});
