import { createHash } from 'node:crypto';
import { ALL_PROJECTIONS } from '../../../application/projections/all-projections';
import type { ProjectionStatus } from '../../../application/ports/read-models.port';
import { parseArgs, runCli } from '../../../infrastructure/bootstrap/cli';
import { CoreService, eventually, spawnTs, startCoreService } from '../../support/core-service';

jest.setTimeout(60_000);

const ADMIN = 'admin-token-for-the-cli-test';
const HOSTFACTORY = 'hf-token-for-the-cli-test';
const sha = (token: string) => createHash('sha256').update(token).digest('hex');

/** The CLI as an administrator runs it: its own process, against a running service with tokens. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawnTs('infrastructure/bootstrap/cli.ts', args, { OHF_URL: '', OHF_TOKEN: '', ...env });
  const code = await child.exited;
  return { code, stdout: child.lines.join('\n'), stderr: child.stderr.join('') };
}

describe('admin CLI', () => {
  let service: CoreService;

  beforeAll(async () => {
    service = await startCoreService({
      OHF_TOKENS: JSON.stringify([
        { sha256: sha(ADMIN), role: 'admin' },
        { sha256: sha(HOSTFACTORY), role: 'hostfactory' },
      ]),
    });
  });
  afterAll(() => service?.close());

  it('lists the projections as JSON, with --url and --token', async () => {
    const { code, stdout, stderr } = await cli([
      'projections',
      'list',
      '--url',
      service.url,
      '--token',
      ADMIN,
    ]);
    expect([code, stderr]).toEqual([0, '']);
    const { projections } = JSON.parse(stdout) as { projections: ProjectionStatus[] };
    expect(projections.map((p) => p.name).sort()).toEqual(ALL_PROJECTIONS.map((p) => p.name).sort());
  });

  it('replays one projection, taking the URL and token from OHF_URL and OHF_TOKEN', async () => {
    const { code, stdout } = await cli(['projections', 'replay', 'templates'], {
      OHF_URL: service.url,
      OHF_TOKEN: ADMIN,
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ name: 'templates', state: 'rebuilding' });
    const live = await eventually(async () => {
      const out = await runCli(['projections', 'list', `--url=${service.url}`, `--token=${ADMIN}`]);
      const list = (JSON.parse(out.stdout) as { projections: ProjectionStatus[] }).projections;
      const templates = list.find((p) => p.name === 'templates');
      return templates?.state === 'live' ? templates : undefined;
    });
    expect(live.collection).toBe('rm_templates_g2');
  });

  it('replays every projection with --all', async () => {
    const out = await runCli(['projections', 'replay', '--all', '--url', service.url, '--token', ADMIN]);
    expect(out.code).toBe(0);
    const { projections } = JSON.parse(out.stdout) as { projections: ProjectionStatus[] };
    expect(projections.map((p) => p.name).sort()).toEqual(ALL_PROJECTIONS.map((p) => p.name).sort());
  });

  it('exits 1 with the problem detail when the service refuses', async () => {
    const unknown = await cli(['projections', 'replay', 'nope', '--url', service.url, '--token', ADMIN]);
    expect([unknown.code, unknown.stdout]).toEqual([1, '']);
    expect(unknown.stderr).toBe("404: projection 'nope' does not exist (field name)\n");
    const anonymous = await runCli(['projections', 'list', '--url', service.url], {});
    expect([anonymous.code, anonymous.stderr]).toEqual([
      1,
      '401: a bearer token is required (Authorization: Bearer …)\n',
    ]);
    const wrongRole = await runCli(['projections', 'list', '--url', service.url, '--token', HOSTFACTORY], {});
    expect([wrongRole.code, wrongRole.stderr]).toEqual([1, '403: this call needs the admin role\n']);
    const bad = await runCli(['projections', 'list', '--url', service.url, '--token', 'not-a-token'], {});
    expect([bad.code, bad.stderr]).toEqual([1, '401: the bearer token is not valid\n']);
  });

  it('exits 1 when the service cannot be reached', async () => {
    const out = await runCli(['projections', 'list', '--url', 'http://127.0.0.1:1'], {});
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:1: /);
  });

  it('exits 2 with the usage on a command line it does not understand', async () => {
    const { code, stderr } = await cli(['projections', 'rebuild']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command: projections rebuild\nusage: /);
    for (const args of [
      [],
      ['templates', 'list'],
      ['projections', 'replay'],
      ['projections', 'replay', 'a', '--all'],
      ['projections', 'replay', 'a', 'b'],
      ['projections', 'list', '--url'],
      ['projections', 'list', '--url', 'ftp://x'],
      ['projections', 'list', '--verbose'],
    ])
      expect((await runCli(args, {})).code).toBe(2);
    expect((await runCli(['--help'], {})).stdout).toMatch(/^usage: /);
  });

  it('defaults to http://127.0.0.1:8080 and no token', () => {
    expect(parseArgs(['projections', 'list'], {})).toEqual({
      method: 'GET',
      path: '/v1/admin/projections',
      url: 'http://127.0.0.1:8080',
      token: undefined,
    });
    expect(parseArgs(['projections', 'replay', 'a b'], { OHF_URL: 'http://h:1/', OHF_TOKEN: 't' })).toEqual({
      method: 'POST',
      path: '/v1/admin/projections/a%20b/replay',
      url: 'http://h:1',
      token: 't',
    });
  });
});
