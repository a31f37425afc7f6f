/* Small helpers shared by the event e2e tests: JSON calls, template events, order checks. */
import type { CloudEventV1 } from 'cloudevents';
import { Answer, call } from '../../support/http-json';
import type { TestService } from '../../support/service';

export { call };
export type { Answer };

export interface Subscription {
  id: string;
  status: string;
  statusReason?: string;
  failedEvent?: { id: string; type: string; position: number };
  config: { from: number };
  delivery: {
    checkpoint: number;
    head: number;
    lag: number;
    attempts: number;
    delivered: number;
    lastError?: string;
    failedEvent?: { id: string; type: string; position: number };
  };
  [field: string]: unknown;
}

export async function subscribe(service: TestService, body: Record<string, unknown>): Promise<Subscription> {
  const answer = await call<Subscription>(service, '/v1/subscriptions', {
    method: 'POST',
    json: { protocol: 'HTTP', ...body },
  });
  if (answer.status !== 201) throw new Error(`subscribe: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export const subscription = async (service: TestService, id: string): Promise<Subscription> =>
  (await call<Subscription>(service, `/v1/subscriptions/${id}`)).body;

export const TEMPLATE_TYPES = {
  defined: 'io.openhostfactory.template.defined.v1',
  updated: 'io.openhostfactory.template.updated.v1',
  retired: 'io.openhostfactory.template.retired.v1',
};

/** PUT /v1/templates/{id}: a template.defined event the first time, template.updated after. */
export async function defineTemplate(service: TestService, templateId: string, maxNumber = 1): Promise<void> {
  const answer = await call(service, `/v1/templates/${templateId}`, {
    method: 'PUT',
    json: {
      maxNumber,
      attributes: { type: ['String', 'X86_64'], ncpus: ['Numeric', '1'], nram: ['Numeric', '1024'] },
      imageId: 'ami-0123456789abcdef0',
      vmType: 'm5.large',
    },
  });
  if (answer.status !== 200)
    throw new Error(`define template: ${answer.status} ${JSON.stringify(answer.body)}`);
}

export async function retireTemplate(service: TestService, templateId: string): Promise<void> {
  const answer = await call(service, `/v1/templates/${templateId}`, { method: 'DELETE' });
  if (answer.status !== 200) throw new Error(`retire template: ${answer.status}`);
}

/** The public events of the log after `after` that a filter selects, as GET /v1/events gives them. */
export async function logEvents(
  service: TestService,
  query: Record<string, string>,
): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  let after = query.after ?? '0';
  for (;;) {
    const params = new URLSearchParams({ ...query, after, limit: '1000' });
    const page = await call<{ events: Record<string, unknown>[]; nextAfter: number; head: number }>(
      service,
      `/v1/events?${params.toString()}`,
    );
    if (page.status !== 200) throw new Error(`GET /v1/events: ${page.status} ${JSON.stringify(page.body)}`);
    events.push(...page.body.events);
    if (page.body.nextAfter >= page.body.head || String(page.body.nextAfter) === after) return events;
    after = String(page.body.nextAfter);
  }
}

/**
 * At-least-once, in order, no gap: leaving out repeats, the events received are exactly the
 * expected ones in log order, and a repeat only ever comes right where delivery had stopped.
 */
export function expectDeliveredInOrder(received: CloudEventV1<unknown>[], expectedIds: string[]): void {
  const sequences = received.map((e) => Number(e.sequence));
  for (let i = 1; i < sequences.length; i++) expect(sequences[i]).toBeGreaterThanOrEqual(sequences[i - 1]);
  const firstTimes = received
    .filter((e, i) => received.findIndex((o) => o.id === e.id) === i)
    .map((e) => e.id);
  expect(firstTimes).toEqual(expectedIds);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads until the answer satisfies `done` (the dispatcher saves its progress just after the sink answers). */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(20);
  }
}
