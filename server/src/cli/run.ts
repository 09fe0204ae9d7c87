// `flero run <file.flero.json | workflow-id> [--input JSON] [--server URL] [--service-base-url service=URL]`
//   - a workflow id, or a file with --server (or FLERO_SERVER_URL for an id): runs on a Flero server
//     (`POST /api/workflows/{id}/run`, the file is PUT first); the API key comes from FLERO_API_KEY.
//   - a file without --server: runs locally through the engine; credential values come from the file named by
//     FLERO_CREDENTIALS (see README: `[{ id, service, authType, header?, query?, hosts?, value | valueEnv }]`).
// A progress line per node goes to stderr, the execution (masked) as JSON to stdout. Exit 0 succeeded, 1 failed or
// cancelled (or refused by the server), 2 usage errors.
import { existsSync, readFileSync } from 'node:fs';
import { CredentialMetaSchema } from '../core/credentials';
import type { ExecutionView } from '../core/operations';
import { parseServiceBaseUrl } from '../core/services';
import { WORKFLOW_ID_PATTERN, type Workflow } from '../core/workflow';
import type { CredentialForRun, ProgressEvent } from '../engine/types';
import { defineCommand } from './command';
import { codeWorkersFrom } from './config';
import { UsageError } from './parser';
import { connect, note, serverUrlOf } from './remote';

interface Args {
  target: string;
  input: Record<string, unknown>;
  server?: string;
  baseUrls: Record<string, string>;
}

function parseBaseUrl(spec: string, into: Record<string, string>): void {
  const parsed = parseServiceBaseUrl(spec);
  if (!parsed) throw new UsageError(`--service-base-url expects service=http(s)://… (got "${spec}")`);
  into[parsed.service] = parsed.url;
}

function inputOf(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`--input is not valid JSON: ${(e as Error).message}`);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new UsageError('--input must be a JSON object, e.g. --input \'{"city":"Oslo"}\'');
  return input as Record<string, unknown>;
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
/** A problem in the FLERO_CREDENTIALS file: exit 2, and no pointer to the help (the file needs fixing). */
const fileError = (message: string) => new UsageError(message, undefined, false);

function loadLocalCredentials(): Map<string, CredentialForRun> {
  const out = new Map<string, CredentialForRun>();
  const file = process.env.FLERO_CREDENTIALS;
  if (!file) return out;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw fileError(
      `FLERO_CREDENTIALS (${file}) cannot be read as JSON: ${(e as NodeJS.ErrnoException).code ?? 'invalid JSON'}`,
    );
  }
  if (!Array.isArray(raw)) throw fileError(`FLERO_CREDENTIALS (${file}) must be a JSON array of credentials`);
  raw.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const { value, valueEnv, ...meta } = e;
    const parsed = CredentialMetaSchema.safeParse({ name: meta.id, ...meta });
    if (!parsed.success)
      throw fileError(
        `FLERO_CREDENTIALS (${file}) entry ${i}: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(entry)'}: ${x.message}`).join('; ')}`,
      );
    const where = `FLERO_CREDENTIALS (${file}) entry ${i} ("${parsed.data.id}")`;
    let v = value;
    if (valueEnv !== undefined) {
      if (typeof valueEnv !== 'string' || !valueEnv)
        throw fileError(`${where}: "valueEnv" must be the name of an environment variable`);
      v = process.env[valueEnv];
      if (v === undefined) throw fileError(`${where}: valueEnv ${valueEnv} is not set`);
      if (v === '') throw fileError(`${where}: valueEnv ${valueEnv} is set but empty`);
    } else if (value === undefined)
      throw fileError(
        `${where}: needs "value" (the value itself) or "valueEnv" (the name of an environment variable holding it)`,
      );
    if (typeof v !== 'string' || !v) throw fileError(`${where}: "value" must be a non-empty string`);
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

function printExecution(ex: ExecutionView): number {
  process.stderr.write(
    `${ex.status === 'succeeded' ? 'succeeded' : ex.status}: ${ex.id}${ex.durationMs !== undefined ? ` in ${ex.durationMs} ms` : ''}${ex.error ? ` — ${ex.error}` : ''}\n`,
  );
  process.stdout.write(`${JSON.stringify(ex, null, 2)}\n`);
  return ex.status === 'succeeded' ? 0 : 1;
}

async function runLocal(args: Args, doc: unknown): Promise<number> {
  // The engine (QuickJS, the worker pool) is loaded only for a local run.
  const [{ runWorkflow }, { closeSandbox, configureSandbox }] = await Promise.all([
    import('../engine/runner'),
    import('../engine/sandbox'),
  ]);
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

async function runRemote(args: Args, server: string, id: string, doc?: Workflow): Promise<number> {
  const api = connect({ server });
  if (doc !== undefined) {
    await api.call('putWorkflow', { params: { id }, body: doc });
    note(`uploaded ${id} to ${api.baseUrl}`);
  }
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const ex = await api.runAndWait(id, args.input, {
      signal: ac.signal,
      onWaiting: () => note('running on the server (still going after the server’s wait); waiting…'),
    });
    for (const n of ex.nodes ?? [])
      process.stderr.write(
        progressLine({
          nodeId: n.id,
          nodeType: n.type,
          status: n.status as ProgressEvent['status'],
          durationMs: n.durationMs,
          error: n.error,
          logs: n.logs as ProgressEvent['logs'],
        }),
      );
    return printExecution(ex);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function runTarget(args: Args): Promise<number> {
  const isFile = existsSync(args.target) || /\.json$/i.test(args.target);
  if (isFile) {
    if (!existsSync(args.target)) throw new UsageError(`no such file: ${args.target}`);
    const doc = readWorkflowFile(args.target);
    if (args.server) {
      const id = (doc as { id?: unknown })?.id;
      if (typeof id !== 'string' || !WORKFLOW_ID_PATTERN.test(id))
        throw new UsageError(`${args.target} has no valid "id"`);
      return runRemote(args, args.server, id, doc as Workflow);
    }
    return runLocal(args, doc);
  }
  if (!WORKFLOW_ID_PATTERN.test(args.target))
    throw new UsageError(`"${args.target}" is neither a file nor a workflow id`);
  const server = args.server ?? serverUrlOf(undefined);
  if (!server)
    throw new UsageError(`to run workflow "${args.target}" on a server, give --server URL or set FLERO_SERVER_URL`);
  return runRemote(args, server, args.target);
}

export const command = defineCommand(
  {
    name: 'run',
    usage: '<file.flero.json | workflow-id> [options]',
    summary: 'Run a workflow file locally, or a workflow on a Flero server; prints the execution (masked) as JSON.',
    options: {
      input: { type: 'string', value: 'JSON', description: 'The run input ($input), a JSON object (default {})' },
      server: {
        type: 'string',
        value: 'URL',
        description: 'Run on this server: a workflow id, or a file (uploaded first). Default for ids: FLERO_SERVER_URL',
      },
      'service-base-url': {
        type: 'string',
        value: 'S=URL',
        multiple: true,
        description:
          'Local runs: send service S’s connector calls to URL (also FLERO_SERVICE_BASE_URLS="github=http://…,slack=http://…")',
      },
    },
    positionals: { min: 1, max: 1, name: 'a workflow file or a workflow id' },
    sections: [
      {
        title: 'Environment',
        body: [
          '  FLERO_API_KEY      API key for server runs (needs executions:write; workflows:write to upload a file)',
          '  FLERO_SERVER_URL   Default server for workflow ids',
          '  FLERO_CREDENTIALS  Local runs: a JSON file [{ "id", "service", "authType", "header"?, "query"?, "hosts"?,',
          '                     "value" | "valueEnv" }]; "valueEnv" names an environment variable holding the value',
        ].join('\n'),
      },
    ],
  },
  async ({ values, positionals: [target] }) => {
    const baseUrls: Record<string, string> = {};
    for (const spec of (process.env.FLERO_SERVICE_BASE_URLS ?? '').split(',').filter((x) => x.trim()))
      parseBaseUrl(spec, baseUrls);
    for (const spec of values['service-base-url'] ?? []) parseBaseUrl(spec, baseUrls);
    const server = values.server === undefined ? undefined : serverUrlOf(values.server);
    return runTarget({ target: target!, input: inputOf(values.input), ...(server ? { server } : {}), baseUrls });
  },
);

export const run = (argv: string[]) => command.run(argv);
