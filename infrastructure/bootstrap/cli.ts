/*
 * Admin command line over the service's HTTP API:
 *
 *   node dist/infrastructure/bootstrap/cli.js projections list
 *   node dist/infrastructure/bootstrap/cli.js projections replay <name> | --all
 *
 * Options: --url (default $OHF_URL or http://127.0.0.1:8080), --token (default $OHF_TOKEN).
 * Prints the answer as JSON on stdout. A refusal prints the problem's detail on stderr and exits 1;
 * a command line it does not understand exits 2.
 */

const USAGE = `usage: ohf projections list [--url URL] [--token TOKEN]
       ohf projections replay <name> | --all [--url URL] [--token TOKEN]

  --url    the service (default $OHF_URL or http://127.0.0.1:8080)
  --token  an admin bearer token (default $OHF_TOKEN)
`;

export class UsageError extends Error {}

export interface CliRequest {
  method: 'GET' | 'POST';
  path: string;
  url: string;
  token?: string;
}

/** Reads the command line into the HTTP call it stands for. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliRequest {
  const words: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const [key, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (key === 'all' || key === 'help') options[key] = true;
    else if (key === 'url' || key === 'token') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${key} needs a value`);
      options[key] = value;
    } else throw new UsageError(`unknown option --${key}`);
  }
  if (options.help) throw new UsageError('');
  const url = String(options.url ?? (env.OHF_URL || 'http://127.0.0.1:8080')).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`--url must be an http(s) URL, got ${url}`);
  const token = options.token === undefined ? env.OHF_TOKEN || undefined : String(options.token);
  const base = { url, token };
  const [group, command, name, ...rest] = words;
  if (group !== 'projections') throw new UsageError(group ? `unknown command ${group}` : 'no command given');
  if (command === 'list' && !name && !options.all)
    return { ...base, method: 'GET', path: '/v1/admin/projections' };
  if (command === 'replay' && rest.length === 0) {
    if (options.all && !name) return { ...base, method: 'POST', path: '/v1/admin/projections/replay' };
    if (name && !options.all)
      return { ...base, method: 'POST', path: `/v1/admin/projections/${encodeURIComponent(name)}/replay` };
    throw new UsageError('projections replay takes one projection name or --all');
  }
  throw new UsageError(`unknown command: projections ${[command, name, ...rest].filter(Boolean).join(' ')}`);
}

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command; never throws, so the caller only has to print and exit. */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliOutcome> {
  let request: CliRequest;
  try {
    request = parseArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return {
      code: error.message ? 2 : 0,
      stdout: error.message ? '' : USAGE,
      stderr: error.message ? `${error.message}\n${USAGE}` : '',
    };
  }
  let response: Response;
  try {
    response = await fetch(`${request.url}${request.path}`, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
      },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return {
      code: 1,
      stdout: '',
      stderr: `cannot reach ${request.url}: ${cause ?? (error as Error).message}\n`,
    };
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: shown as it came
  }
  if (!response.ok) {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as {
      detail?: unknown;
      field?: unknown;
    };
    const detail = typeof problem.detail === 'string' ? problem.detail : String(text || response.statusText);
    const field = typeof problem.field === 'string' ? ` (field ${problem.field})` : '';
    return { code: 1, stdout: '', stderr: `${response.status}: ${detail}${field}\n` };
  }
  return { code: 0, stdout: `${JSON.stringify(body, null, 2)}\n`, stderr: '' };
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then(
    ({ code, stdout, stderr }) => {
      process.stdout.write(stdout);
      process.stderr.write(stderr);
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
