import { CoreService, http, startCoreService } from '../../support/core-service';
import { templateBody } from './workload';

/**
 * Bad input to the template and admin endpoints: every refusal is a 4xx problem+json that names
 * the field to blame, and nothing reaches the event store.
 */
describe('bad input to the template and admin endpoints', () => {
  let service: CoreService;
  let head: number;

  beforeAll(async () => {
    service = await startCoreService();
    const put = await http(`${service.url}/v1/templates/known`, { method: 'PUT', json: templateBody() });
    expect(put.status).toBe(200);
    head = await service.store.headPosition();
    expect(head).toBe(1);
  });
  afterAll(() => service?.close());

  const big = JSON.stringify({ ...templateBody(), padding: 'x'.repeat(1024 * 1024) });
  type Case = [
    what: string,
    method: string,
    path: string,
    body: { json?: unknown; raw?: string; contentType?: string },
    status: number,
    field: string,
  ];
  const cases: Case[] = [
    // PUT /v1/templates/{id}
    ['malformed JSON', 'PUT', '/v1/templates/t1', { raw: '{"maxNumber": 3,' }, 400, 'body'],
    ['JSON that is not an object', 'PUT', '/v1/templates/t1', { json: [templateBody()] }, 400, 'body'],
    ['a JSON string', 'PUT', '/v1/templates/t1', { json: 'template' }, 400, 'body'],
    ['no body', 'PUT', '/v1/templates/t1', {}, 400, 'body'],
    [
      'a text body',
      'PUT',
      '/v1/templates/t1',
      { raw: 'maxNumber=3', contentType: 'text/plain' },
      400,
      'body',
    ],
    ['a body over 1 MB', 'PUT', '/v1/templates/t1', { raw: big }, 413, 'body'],
    ['an unknown field', 'PUT', '/v1/templates/t1', { json: templateBody({ maxNumbr: 3 }) }, 400, 'maxNumbr'],
    [
      'a missing field',
      'PUT',
      '/v1/templates/t1',
      { json: templateBody({ maxNumber: undefined }) },
      400,
      'maxNumber',
    ],
    ['an empty object', 'PUT', '/v1/templates/t1', { json: {} }, 400, 'maxNumber'],
    [
      'a missing attribute',
      'PUT',
      '/v1/templates/t1',
      { json: templateBody({ attributes: { type: 'X86_64', ncpus: '1' } }) },
      400,
      'attributes.nram',
    ],
    [
      'a string for a number',
      'PUT',
      '/v1/templates/t1',
      { json: templateBody({ maxNumber: 'ten' }) },
      400,
      'maxNumber',
    ],
    [
      'a number for a string',
      'PUT',
      '/v1/templates/t1',
      { json: templateBody({ imageId: 42 }) },
      400,
      'imageId',
    ],
    [
      'an object for a tag string',
      'PUT',
      '/v1/templates/t1',
      { json: templateBody({ instanceTags: { a: 'b' } }) },
      400,
      'instanceTags',
    ],
    [
      'a list of the wrong type',
      'PUT',
      '/v1/templates/t1',
      { json: templateBody({ securityGroupIds: [1] }) },
      400,
      'securityGroupIds',
    ],
    [
      'a bad nested value',
      'PUT',
      '/v1/templates/t1',
      { json: templateBody({ vmTypes: { 'm5.large': '1' } }) },
      400,
      'vmTypes.m5.large',
    ],
    [
      'null for a required object',
      'PUT',
      '/v1/templates/t1',
      { json: templateBody({ attributes: null }) },
      400,
      'attributes',
    ],
    [
      'a body id that differs from the path',
      'PUT',
      '/v1/templates/t1',
      { json: templateBody({ templateId: 't2' }) },
      400,
      'templateId',
    ],
    ['a bad id in the path', 'PUT', '/v1/templates/no%20spaces', { json: templateBody() }, 400, 'templateId'],
    [
      'a too long id in the path',
      'PUT',
      `/v1/templates/${'x'.repeat(65)}`,
      { json: templateBody() },
      400,
      'templateId',
    ],
    // Other template calls
    ['a bad id to retire', 'DELETE', '/v1/templates/bad%24id', {}, 400, 'templateId'],
    ['a bad id to read', 'GET', '/v1/templates/bad%24id', {}, 400, 'templateId'],
    ['a non-boolean filter', 'GET', '/v1/templates?includeRetired=yes', {}, 400, 'includeRetired'],
    ['a body to import', 'POST', '/v1/templates/import', { json: { file: '/etc/passwd' } }, 400, 'file'],
    ['malformed JSON to import', 'POST', '/v1/templates/import', { raw: '{' }, 400, 'body'],
    // Admin: projections
    ['malformed JSON to replay', 'POST', '/v1/admin/projections/replay', { raw: '{"all": tru' }, 400, 'body'],
    [
      'a field to replay all',
      'POST',
      '/v1/admin/projections/replay',
      { json: { name: 'templates' } },
      400,
      'name',
    ],
    ['a list to replay all', 'POST', '/v1/admin/projections/replay', { json: ['templates'] }, 400, 'body'],
    ['a body over 1 MB to replay', 'POST', '/v1/admin/projections/replay', { raw: big }, 413, 'body'],
    [
      'a field to replay one',
      'POST',
      '/v1/admin/projections/templates/replay',
      { json: { force: true } },
      400,
      'force',
    ],
    ['an unknown projection', 'POST', '/v1/admin/projections/nope/replay', {}, 404, 'name'],
  ];

  it.each(cases)('refuses %s', async (_what, method, path, body, status, field) => {
    const answer = await http<Record<string, unknown>>(`${service.url}${path}`, { method, ...body });
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      status,
      field,
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(answer.status).toBe(status);
    expect(String(answer.body.detail)).not.toMatch(/\n\s+at /);
    expect(await service.store.headPosition()).toBe(head);
  });

  it('left the event store and the read models as they were', async () => {
    expect(await service.store.headPosition()).toBe(head);
    const list = await http<{ templates: { _id: string }[] }>(
      `${service.url}/v1/templates?includeRetired=true`,
    );
    expect(list.body.templates.map((t) => t._id)).toEqual(['known']);
    const projections = await http<{ projections: { state: string; collection: string }[] }>(
      `${service.url}/v1/admin/projections`,
    );
    expect(
      projections.body.projections.every((p) => p.state === 'live' && p.collection.endsWith('_g1')),
    ).toBe(true);
  });

  it('still accepts the same calls when they are well formed', async () => {
    const put = await http(`${service.url}/v1/templates/t1`, { method: 'PUT', json: templateBody() });
    expect(put.status).toBe(200);
    expect(await service.store.headPosition()).toBe(head + 1);
    expect((await http(`${service.url}/v1/templates?includeRetired=false`)).status).toBe(200);
    const replay = await http(`${service.url}/v1/admin/projections/templates/replay`, {
      method: 'POST',
      json: {},
    });
    expect(replay.status).toBe(202);
  });
});
