/*
 * Delivery to one fast consumer on loopback (a node:http server parsing every event with the
 * cloudevents SDK): throughput draining a backlog, and the latency a live event adds from the
 * moment its append starts to the moment the consumer has it.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore } from '../../domain/repositories/event-store.port';
import { TemplateDefined } from '../../domain/events/template/template.events';
import { TestSink } from '../support/http-sink';
import { startService, TestService } from '../support/service';
import { ensureMongo } from './bench-mongo';

const BACKLOG = 5000;
const LIVE = 300;

interface Row {
  name: string;
  value: string;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function append(store: EventStore, count: number, prefix: string, id?: () => string): Promise<void> {
  const writers = 32;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = w; i < count; i += writers)
        await store.append({
          streamId: `template-${prefix}-${i}`,
          events: [{ ...TemplateDefined.create(TemplateDefined.example), id: id?.() }],
          expectedVersion: 'any',
        });
    }),
  );
}

async function subscribe(
  service: TestService,
  sink: string,
  contentmode: string,
  from: number,
): Promise<string> {
  const response = await fetch(`${service.url}/v1/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ protocol: 'HTTP', sink, protocolsettings: { contentmode }, config: { from } }),
  });
  if (response.status !== 201) throw new Error(`subscribe: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** A finished measurement's subscription goes, so its dead sink adds no retries to the next one. */
async function unsubscribe(service: TestService, id: string): Promise<void> {
  await fetch(`${service.url}/v1/subscriptions/${id}`, { method: 'DELETE' });
}

async function drain(
  service: TestService,
  store: EventStore,
  contentmode: string,
  count = BACKLOG,
): Promise<Row> {
  const sink = await TestSink.start();
  try {
    const from = (await store.headPosition()) + 1;
    await append(store, count, `${contentmode}-${randomUUID().slice(0, 6)}`);
    const started = Date.now();
    const id = await subscribe(service, sink.url(), contentmode, from);
    await sink.waitFor(() => sink.accepted.length >= count, 'the backlog', 300_000);
    const seconds = (Date.now() - started) / 1000;
    await unsubscribe(service, id);
    return {
      name: `delivery throughput, ${count}-event backlog to one local sink (${contentmode})`,
      value: `${Math.round(count / seconds)} events/s`,
    };
  } finally {
    await sink.stop();
  }
}

async function latency(service: TestService, store: EventStore): Promise<Row[]> {
  const sink = await TestSink.start();
  try {
    const subscription = await subscribe(service, sink.url(), 'binary', (await store.headPosition()) + 1);
    await new Promise((r) => setTimeout(r, 300));
    const startedAt = new Map<string, number>();
    for (let i = 0; i < LIVE; i++) {
      const id = randomUUID();
      startedAt.set(id, Date.now());
      await append(store, 1, `live-${i}`, () => id);
      await new Promise((r) => setTimeout(r, 5));
    }
    await sink.waitFor(() => sink.accepted.length >= LIVE, 'the live events', 60_000);
    await unsubscribe(service, subscription);
    const added = sink.requests.map((r) => r.at - startedAt.get(r.event.id)!).sort((a, b) => a - b);
    return [
      {
        name: `append → delivery latency p50 (${LIVE} live events, 5 ms apart)`,
        value: `${added[Math.floor(added.length / 2)].toFixed(1)} ms`,
      },
      { name: `append → delivery latency p99`, value: `${percentile(added, 99).toFixed(1)} ms` },
    ];
  } finally {
    await sink.stop();
  }
}

export async function benchDelivery(): Promise<Row[]> {
  const stopMongo = await ensureMongo();
  const service = await startService({ env: { OHF_DELIVERY_DISCOVER_MS: '50' } });
  try {
    const store = service.get<EventStore>(EVENT_STORE);
    // Warm-up (compiled code, connections, projections), not reported.
    await drain(service, store, 'binary', 500);
    return [
      await drain(service, store, 'binary'),
      await drain(service, store, 'structured'),
      ...(await latency(service, store)),
    ];
  } finally {
    await service.destroy();
    await stopMongo();
  }
}
