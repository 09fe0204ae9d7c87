// `flero run <file.flero.json | workflow-id> [--input JSON] [--server URL] [--service-base-url service=URL]`
//   - a workflow id, or a file with --server (or FLERO_SERVER_URL for an id): runs on a Flero server
//     (`POST /api/workflows/{id}/run`, the file is PUT first); the API key comes from FLERO_API_KEY.
//   - a file without --server: runs locally through the engine; credential values come from the file named by
//     FLERO_CREDENTIALS (see README: `[{ id, service, authType, header?, query?, hosts?, value | valueEnv }]`).
// A progress line per node goes to stderr, the execution (masked) as JSON to stdout. Exit 0 succeeded, 1 failed or
// cancelled (or refused by the server), 2 usage errors.
import { existsSync, readFileSync } from 'node:fs';
import { CredentialMetaSchema } from '../core/credentials';
import { parseServiceBaseUrl } from '../core/services';
import { WORKFLOW_ID_PATTERN, type Workflow } from '../core/workflow';
import { runWorkflow } from '../engine/runner';
import { closeSandbox, configureSandbox } from '../engine/sandbox';
import type { CredentialForRun, Execution, ProgressEvent } from '../engine/types';
import { UsageError } from './args';
import { codeWorkersFrom } from './config';

const HELP = `Usage: flero run <file.flero.json | workflow-id> [options]

Runs a workflow file locally, or a workflow on a Flero server; prints the execution as JSON.

Options:
  --input JSON                 The run input ($input), a JSON object (default {})
  --server URL                 Run on this server (default: FLERO_SERVER_URL for a workflow id)
  --service-base-url S=URL     Local runs: send service S's connector calls to URL (repeatable;
                               also FLERO_SERVICE_BASE_URLS="github=http://…,slack=http://…")
  -h, --help                   This help

Environment:
  FLERO_API_KEY      API key for server runs (needs executions:write; workflows:write to upload a file)
  FLERO_SERVER_URL   Default server for workflow ids
  FLERO_CREDENTIALS  Local runs: a JSON file [{ "id", "service", "authType", "header"?, "query"?, "hosts"?,
                     "value" | "valueEnv" }]; "valueEnv" names an environment variable holding the value

Exit codes: 0 succeeded, 1 failed/cancelled/refused, 2 usage error.`;

interface Args {
  target: string;
  input: unknown;
  server?: string;
  baseUrls: Record<string, string>;
}

function parseBaseUrl(spec: string, into: Record<string, string>): void {
  const parsed = parseServiceBaseUrl(spec);
  if (!parsed) throw new UsageError(`--service-base-url expects service=http(s)://… (got "${spec}")`);
  into[parsed.service] = parsed.url;
}

function parseArgs(argv: string[]): Args | 'help' {
  let target: string | undefined;
  let input: unknown = {};
  let server: string | undefined;
  const baseUrls: Record<string, string> = {};
  for (const spec of (process.env.FLERO_SERVICE_BASE_URLS ?? '').split(',').filter((s) => s.trim()))
    parseBaseUrl(spec, baseUrls);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '-h' || flag === '--help') return 'help';
    else if (flag === '--input') {
      const raw = value();
      try {
        input = JSON.parse(raw);
      } catch (e) {
        throw new UsageError(`--input is not valid JSON: ${(e as Error).message}`);
      }
      if (input === null || typeof input !== 'object' || Array.isArray(input))
        throw new UsageError('--input must be a JSON object, e.g. --input \'{"city":"Oslo"}\'');
    } else if (flag === '--server') server = value();
    else if (flag === '--service-base-url') parseBaseUrl(value(), baseUrls);
    else if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
    else if (target === undefined) target = a;
    else throw new UsageError(`unexpected argument "${a}" (one workflow per run)`);
  }
  if (!target) throw new UsageError('give a workflow file or a workflow id');
  if (server !== undefined && !/^https?:\/\/./.test(server))
    throw new UsageError(`--server must be an http(s) URL (got "${server}")`);
  return { target, input, ...(server ? { server } : {}), baseUrls };
}

function readWorkflowFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    if (!pos) throw new UsageError(`${path} is not valid JSON: ${msg}`);
    const before = text.slice(0, Number(pos[1]));
    const line = before.split('\n').length;
    const col = Number(pos[1]) - before.lastIndexOf('\n');
    throw new UsageError(`${path}:${line}:${col}: not valid JSON (${msg.replace(/ in JSON at position \d+.*$/, '')})`);
  }
}

/** FLERO_CREDENTIALS: the local credential file. Errors never quote a value. */
function loadLocalCredentials(): Map<string, CredentialForRun> {
  const out = new Map<string, CredentialForRun>();
  const file = process.env.FLERO_CREDENTIALS;
  if (!file) return out;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `FLERO_CREDENTIALS (${file}) cannot be read as JSON: ${(e as NodeJS.ErrnoException).code ?? 'invalid JSON'}`,
    );
  }
  if (!Array.isArray(raw)) throw new UsageError(`FLERO_CREDENTIALS (${file}) must be a JSON array of credentials`);
  raw.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const { value, valueEnv, ...meta } = e;
    const parsed = CredentialMetaSchema.safeParse({ name: meta.id, ...meta });
    if (!parsed.success)
      throw new UsageError(
        `FLERO_CREDENTIALS (${file}) entry ${i}: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(entry)'}: ${x.message}`).join('; ')}`,
      );
    const where = `FLERO_CREDENTIALS (${file}) entry ${i} ("${parsed.data.id}")`;
    let v = value;
    if (valueEnv !== undefined) {
      if (typeof valueEnv !== 'string' || !valueEnv)
        throw new UsageError(`${where}: "valueEnv" must be the name of an environment variable`);
      v = process.env[valueEnv];
      if (v === undefined) throw new UsageError(`${where}: valueEnv ${valueEnv} is not set`);
      if (v === '') throw new UsageError(`${where}: valueEnv ${valueEnv} is set but empty`);
    } else if (value === undefined)
      throw new UsageError(
        `${where}: needs "value" (the value itself) or "valueEnv" (the name of an environment variable holding it)`,
      );
    if (typeof v !== 'string' || !v) throw new UsageError(`${where}: "value" must be a non-empty string`);
    out.set(parsed.data.id, { ...parsed.data, value: v });
  });
  return out;
}

/** A local run's error for a credential FLERO_CREDENTIALS does not define: where it looked, and what it found. */
function missingLocalCredential(id: string, creds: Map<string, CredentialForRun>): string {
  const file = process.env.FLERO_CREDENTIALS;
  if (!file)
    return `credential "${id}" does not exist: a local run reads credentials from the JSON file named by FLERO_CREDENTIALS, which is not set (or run it on a server with --server)`;
  const defined = creds.size ? `it defines: ${[...creds.keys()].join(', ')}` : 'it defines none';
  return `credential "${id}" does not exist in FLERO_CREDENTIALS (${file}), the file a local run reads credentials from; ${defined}`;
}

const MARK: Record<string, string> = { succeeded: '✓', failed: '✗', cancelled: '■', skipped: '-' };

function progressLine(
  e: Pick<ProgressEvent, 'nodeId' | 'nodeType' | 'status' | 'durationMs' | 'error' | 'logs'>,
): string {
  if (e.status === 'running' || e.status === 'pending') return '';
  const time =
    e.durationMs !== undefined ? ` ${e.durationMs < 10 ? e.durationMs.toFixed(1) : Math.round(e.durationMs)} ms` : '';
  const lines = [
    `${MARK[e.status] ?? '?'} ${e.nodeId} (${e.nodeType}) ${e.status}${time}${e.error ? `: ${e.error}` : ''}`,
  ];
  for (const l of e.logs ?? []) lines.push(`    [${l.level}] ${l.message}`);
  return `${lines.join('\n')}\n`;
}

function printExecution(ex: Execution): number {
  process.stderr.write(
    `${ex.status === 'succeeded' ? 'succeeded' : ex.status}: ${ex.id}${ex.durationMs !== undefined ? ` in ${ex.durationMs} ms` : ''}${ex.error ? ` — ${ex.error}` : ''}\n`,
  );
  process.stdout.write(`${JSON.stringify(ex, null, 2)}\n`);
  return ex.status === 'succeeded' ? 0 : 1;
}

async function runLocal(args: Args, doc: unknown): Promise<number> {
  const creds = loadLocalCredentials();
  const workers = codeWorkersFrom(process.env);
  if (workers !== undefined) configureSandbox({ workers });
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const ex = await runWorkflow(doc as Workflow, {
      input: args.input,
      credentials: async (id) => creds.get(id),
      missingCredential: (id) => missingLocalCredential(id, creds),
      serviceBaseUrls: args.baseUrls,
      signal: ac.signal,
      onProgress: (e) => process.stderr.write(progressLine(e)),
    });
    for (const n of ex.nodes)
      if (n.status === 'skipped' || (n.status === 'cancelled' && !n.startedAt))
        process.stderr.write(progressLine({ nodeId: n.id, nodeType: n.type, status: n.status }));
    return printExecution(ex);
  } finally {
    process.off('SIGINT', onSigint);
    await closeSandbox();
  }
}

interface Problem {
  title?: string;
  detail?: string;
  code?: string;
}

async function call(
  server: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; location?: string }> {
  const key = process.env.FLERO_API_KEY;
  if (!key)
    throw new UsageError('FLERO_API_KEY is not set (an API key with executions:write is needed to run on a server)');
  const url = new URL(path, server.endsWith('/') ? server : `${server}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      redirect: 'manual',
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new Error(`cannot reach ${url.origin}${cause ? ` (${cause})` : ''}`);
  }
  const text = await res.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  const location = res.headers.get('location') ?? undefined;
  return { status: res.status, json, ...(location ? { location } : {}) };
}

function refused(what: string, r: { status: number; json: unknown }): number {
  const p = (r.json ?? {}) as Problem;
  const detail = p.detail ?? p.title ?? (typeof r.json === 'string' ? r.json.slice(0, 200) : '');
  process.stderr.write(
    `flero run: ${what} refused: HTTP ${r.status}${p.code ? ` ${p.code}` : ''}${detail ? ` — ${detail}` : ''}\n`,
  );
  return 1;
}

async function runRemote(args: Args, server: string, id: string, doc?: unknown): Promise<number> {
  if (doc !== undefined) {
    const put = await call(server, 'PUT', `api/workflows/${encodeURIComponent(id)}`, doc);
    if (put.status !== 200 && put.status !== 201) return refused(`uploading workflow "${id}"`, put);
    process.stderr.write(`uploaded ${id} to ${new URL(server).origin}\n`);
  }
  let r = await call(server, 'POST', `api/workflows/${encodeURIComponent(id)}/run`, { input: args.input });
  const location = r.location;
  if (r.status === 202 && location) {
    process.stderr.write('running on the server (still going after 30 s); waiting…\n');
    const deadline = Date.now() + 30 * 60_000;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      r = await call(server, 'GET', location.replace(/^\//, ''));
      if (r.status !== 200) return refused('reading the execution', r);
      if ((r.json as Execution).status !== 'running') break;
    }
  } else if (r.status !== 200) return refused(`running workflow "${id}"`, r);
  const ex = r.json as Execution;
  for (const n of ex.nodes ?? [])
    process.stderr.write(
      progressLine({
        nodeId: n.id,
        nodeType: n.type,
        status: n.status,
        durationMs: n.durationMs,
        error: n.error,
        logs: n.logs,
      }),
    );
  return printExecution(ex);
}

export async function run(argv: string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
    if (args === 'help') {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const isFile = existsSync(args.target) || /\.json$/i.test(args.target);
    if (isFile) {
      if (!existsSync(args.target)) throw new UsageError(`no such file: ${args.target}`);
      const doc = readWorkflowFile(args.target);
      if (args.server) {
        const id = (doc as { id?: unknown })?.id;
        if (typeof id !== 'string' || !WORKFLOW_ID_PATTERN.test(id))
          throw new UsageError(`${args.target} has no valid "id"`);
        return await runRemote(args, args.server, id, doc);
      }
      return await runLocal(args, doc);
    }
    if (!WORKFLOW_ID_PATTERN.test(args.target))
      throw new UsageError(`"${args.target}" is neither a file nor a workflow id`);
    const server = args.server ?? process.env.FLERO_SERVER_URL;
    if (!server)
      throw new UsageError(`to run workflow "${args.target}" on a server, give --server URL or set FLERO_SERVER_URL`);
    if (!/^https?:\/\/./.test(server)) throw new UsageError(`FLERO_SERVER_URL must be an http(s) URL`);
    return await runRemote(args, server, args.target);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`flero run: ${e.message}\nRun \`flero run --help\` for usage.\n`);
      return 2;
    }
    process.stderr.write(`flero run: ${(e as Error).message}\n`);
    return 1;
  }
}
