/*
 * Bad input to every Host Factory endpoint and script: a 4xx problem+json naming the field, the
 * script exits 1 with {"message"}, and nothing is recorded (event_commits unchanged).
 */
import { MongoClient } from 'mongodb';
import { HfOperation, HostFactoryHarness } from '../../fixtures/hostfactory/hf-harness';
import { assertConforms } from '../../fixtures/hostfactory/hostfactory.schemas';
import { ONDEMAND, SMALL } from '../../fixtures/hostfactory/templates';
import { testMongoUri } from '../../support/service-process';

interface Problem {
  status: number;
  detail: string;
  field: string;
}

interface Case {
  op: HfOperation;
  body: unknown;
  field: string;
  detail: RegExp;
  status?: number;
}

const OPERATIONS: HfOperation[] = [
  'getAvailableTemplates',
  'requestMachines',
  'requestReturnMachines',
  'getRequestStatus',
  'getReturnRequests',
];
const tpl = (template: Record<string, unknown>) => ({ template });
const ok = { templateId: ONDEMAND, machineCount: 1 };
/** A body over 1 MB that is otherwise valid JSON. */
const OVERSIZED = JSON.stringify({ requests: [{ requestId: `req-${'x'.repeat(1_100_000)}` }] });

const CASES: Case[] = [
  ...OPERATIONS.flatMap((op): Case[] => [
    { op, body: '{"template": {"templateId": ', field: 'body', detail: /not valid JSON/ },
    { op, body: 'xyz', field: 'body', detail: /"xyz" is not valid JSON/ },
    { op, body: '[]', field: 'body', detail: /must be a JSON object/ },
    { op, body: '42', field: 'body', detail: /must be a JSON object/ },
    { op, body: 'null', field: 'body', detail: /must be a JSON object/ },
    { op, body: OVERSIZED, field: 'body', detail: /larger than 1048576 bytes/, status: 413 },
  ]),
  { op: 'getAvailableTemplates', body: { all: true }, field: 'all', detail: /not allowed/ },
  { op: 'requestMachines', body: {}, field: 'template', detail: /template is required/ },
  { op: 'requestMachines', body: { template: 'x' }, field: 'template', detail: /must be an object/ },
  { op: 'requestMachines', body: tpl({ machineCount: 1 }), field: 'template.templateId', detail: /required/ },
  {
    op: 'requestMachines',
    body: tpl({ templateId: 7, machineCount: 1 }),
    field: 'template.templateId',
    detail: /string/,
  },
  {
    op: 'requestMachines',
    body: tpl({ templateId: 'a b', machineCount: 1 }),
    field: 'template.templateId',
    detail: /\[0-9A-Za-z_-\]/,
  },
  {
    op: 'requestMachines',
    body: tpl({ templateId: ONDEMAND }),
    field: 'template.machineCount',
    detail: /is required/,
  },
  {
    op: 'requestMachines',
    body: tpl({ ...ok, machineCount: '3' }),
    field: 'template.machineCount',
    detail: /whole number/,
  },
  {
    op: 'requestMachines',
    body: tpl({ ...ok, machineCount: 2.5 }),
    field: 'template.machineCount',
    detail: /whole number/,
  },
  {
    op: 'requestMachines',
    body: tpl({ ...ok, machineCount: 0 }),
    field: 'template.machineCount',
    detail: /at least 1/,
  },
  {
    op: 'requestMachines',
    body: tpl({ ...ok, machineCount: -3 }),
    field: 'template.machineCount',
    detail: /at least 1/,
  },
  {
    op: 'requestMachines',
    body: tpl({ ...ok, machineCount: 10001 }),
    field: 'template.machineCount',
    detail: /at most 10000/,
  },
  {
    op: 'requestMachines',
    body: tpl({ ...ok, machineCount: 41 }),
    field: 'template.machineCount',
    detail: /has 40 available; 41 were requested/,
  },
  {
    op: 'requestMachines',
    body: tpl({ templateId: SMALL, machineCount: 5 }),
    field: 'template.machineCount',
    detail: /has 4 available/,
  },
  {
    op: 'requestMachines',
    body: tpl({ templateId: 'No-Such-Template', machineCount: 1 }),
    field: 'template.templateId',
    detail: /No-Such-Template' does not exist/,
  },
  {
    op: 'requestMachines',
    body: tpl({ ...ok, colour: 'red' }),
    field: 'template.colour',
    detail: /not allowed/,
  },
  { op: 'requestMachines', body: { ...tpl(ok), priority: 1 }, field: 'priority', detail: /not allowed/ },
  {
    op: 'requestMachines',
    body: tpl({ ...ok, rc_account: 5 }),
    field: 'template.rc_account',
    detail: /string/,
  },
  { op: 'getRequestStatus', body: {}, field: 'requests', detail: /requests is required/ },
  { op: 'getRequestStatus', body: { requests: 'req-1' }, field: 'requests', detail: /must be a list/ },
  { op: 'getRequestStatus', body: { requests: [] }, field: 'requests', detail: /at least one/ },
  { op: 'getRequestStatus', body: { requests: [{}] }, field: 'requests.0.requestId', detail: /required/ },
  {
    op: 'getRequestStatus',
    body: { requests: [{ requestId: 5 }] },
    field: 'requests.0.requestId',
    detail: /must be a string/,
  },
  {
    op: 'getRequestStatus',
    body: { requests: [{ requestId: '' }] },
    field: 'requests.0.requestId',
    detail: /must not be empty/,
  },
  {
    op: 'getRequestStatus',
    body: { requests: [{ requestId: 'req-1', x: 1 }] },
    field: 'requests.0.x',
    detail: /not allowed/,
  },
  { op: 'requestReturnMachines', body: {}, field: 'machines', detail: /machines is required/ },
  { op: 'requestReturnMachines', body: { machines: {} }, field: 'machines', detail: /must be a list/ },
  {
    op: 'requestReturnMachines',
    body: { machines: [{}] },
    field: 'machines.0.name',
    detail: /required when machineId is absent/,
  },
  {
    op: 'requestReturnMachines',
    body: { machines: [{ machineId: 7 }] },
    field: 'machines.0.machineId',
    detail: /must be a string/,
  },
  {
    op: 'requestReturnMachines',
    body: { machines: [{ name: 'h', colour: 'red' }] },
    field: 'machines.0.colour',
    detail: /not allowed/,
  },
  { op: 'getReturnRequests', body: { machines: 'all' }, field: 'machines', detail: /must be a list/ },
  {
    op: 'getReturnRequests',
    body: { machines: [{ name: '' }] },
    field: 'machines.0.name',
    detail: /must not be empty/,
  },
  { op: 'getReturnRequests', body: { census: [] }, field: 'census', detail: /not allowed/ },
];

let hf: HostFactoryHarness;
let client: MongoClient;
const commits = (): Promise<number> =>
  client.db(hf.service.dbName).collection('event_commits').countDocuments();
const label = (c: Case): string => {
  const body = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
  return `${c.op} ${body.length > 60 ? `${body.slice(0, 40)}… (${body.length} bytes)` : body}`;
};

beforeAll(async () => {
  hf = await HostFactoryHarness.start({}, 'hf_bad');
  client = await MongoClient.connect(testMongoUri());
});
afterAll(async () => {
  await client?.close();
  await hf?.dispose();
});

async function httpProblem(c: Case): Promise<{ response: Response; problem: Problem }> {
  const response = await fetch(`${hf.service.url}/hostfactory/${c.op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${hf.hfToken}` },
    body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body),
  });
  return { response, problem: assertConforms<Problem>('problem', await response.json()) };
}

describe('bad input over HTTP', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    const before = await commits();
    const { response, problem } = await httpProblem(c);
    expect(response.status).toBe(c.status ?? 400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem.status).toBe(response.status);
    expect(problem.field).toBe(c.field);
    expect(problem.detail).toMatch(c.detail);
    expect(await commits()).toBe(before);
  });

  it('says how many are available when a request is over availableNumber', async () => {
    const response = await fetch(`${hf.service.url}/hostfactory/requestMachines`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hf.hfToken}` },
      body: JSON.stringify(tpl({ templateId: SMALL, machineCount: 9 })),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      field: 'template.machineCount',
      details: { availableNumber: 4 },
    });
  });

  it('refuses calls without the right token or role, recording nothing', async () => {
    const before = await commits();
    const call = (path: string, token?: string, body: unknown = tpl(ok)) =>
      fetch(`${hf.service.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    expect((await call('/hostfactory/requestMachines')).status).toBe(401);
    expect((await call('/hostfactory/requestMachines', 'guess')).status).toBe(401);
    const forbidden = await call('/v1/admin/simulated-cloud/terminate', hf.hfToken, {
      machineIds: ['i-0123456789abcdef0'],
    });
    expect(forbidden.status).toBe(403);
    assertConforms('problem', await forbidden.json());
    expect(await commits()).toBe(before);
  });

  it('refuses bad input to the admin endpoints the tests use, naming the field', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/v1/admin/simulated-cloud/reclaim', { machineIds: 'i-0123456789abcdef0' }, 'machineIds'],
      ['POST', '/v1/admin/simulated-cloud/terminate', { machineIds: ['not-an-id'] }, 'machineIds'],
      ['POST', '/v1/admin/simulated-cloud/reclaim', { machineIds: [], now: true }, 'now'],
      ['GET', '/v1/machines?state=sleeping', undefined, 'state'],
    ];
    for (const [method, path, body, field] of cases) {
      const { status, body: problem } = await hf.admin(method, path, body);
      expect(`${path} ${status}`).toBe(`${path} 400`);
      expect(assertConforms<{ field: string }>('problem', problem).field).toBe(field);
    }
    expect((await hf.admin('GET', '/v1/requests/req-unknown')).status).toBe(404);
  });
});

describe('bad input through the scripts', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    const before = await commits();
    const message = await hf.refused(c.op, typeof c.body === 'string' ? c.body : JSON.stringify(c.body));
    expect(message).toMatch(c.detail);
    // The service's own words, character for character (quotes and backslashes included).
    expect(message).toBe((await httpProblem(c)).problem.detail);
    expect(await commits()).toBe(before);
  });
});

describe('requests racing for the last units', () => {
  it('accepts no more than availableNumber, however many arrive at once', async () => {
    const runs = await Promise.all(
      [1, 2, 3].map(() => hf.run('requestMachines', tpl({ templateId: SMALL, machineCount: 2 }))),
    );
    const accepted = runs
      .filter((r) => r.code === 0)
      .map((r) => assertConforms<{ requestId: string }>('requestMachines', JSON.parse(r.stdout)));
    const refused = runs
      .filter((r) => r.code === 1)
      .map((r) => assertConforms<{ message: string }>('scriptError', JSON.parse(r.stdout)));
    expect(accepted).toHaveLength(2);
    expect(refused).toEqual([{ message: expect.stringMatching(/has 0 available; 2 were requested/) }]);
    const templates = await hf.call<{ templates: { templateId: string; availableNumber: number }[] }>(
      'getAvailableTemplates',
      {},
    );
    expect(templates.templates.find((t) => t.templateId === SMALL)?.availableNumber).toBe(0);
  });
});
