// Commands against a running Flero server: which server (`--server` or FLERO_SERVER_URL), which key
// (FLERO_API_KEY, never a flag: flags show in `ps` and shell history), and the output both ways (tables for people,
// `--json` = exactly the API's JSON for scripts).
import { FleroClient } from '../apiClient/client';
import { UsageError } from './parser';

export const SERVER_OPTION = {
  server: {
    type: 'string',
    value: 'URL',
    description: 'The Flero server, e.g. http://127.0.0.1:7400 (default: FLERO_SERVER_URL)',
  },
} as const;

export const JSON_OPTION = {
  json: { type: 'boolean', description: 'Print exactly the API’s JSON (for scripts)' },
} as const;

export const REMOTE_OPTIONS = { ...SERVER_OPTION, ...JSON_OPTION } as const;

export const REMOTE_ENV = {
  title: 'Environment',
  body: [
    '  FLERO_SERVER_URL  The server when --server is not given',
    '  FLERO_API_KEY     The API key (never a flag); its scopes decide what the command may do',
  ].join('\n'),
};

/** The server URL from `--server` or FLERO_SERVER_URL, checked; undefined when neither is set. */
export function serverUrlOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = flag ?? (env.FLERO_SERVER_URL || undefined);
  if (raw === undefined) return undefined;
  const from = flag !== undefined ? '--server' : 'FLERO_SERVER_URL';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${from} is not a URL (expected http(s)://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${from} must be an http(s) URL (got ${url.protocol}//…)`);
  if (url.username || url.password)
    throw new UsageError(`${from} must not hold a user or password; the key goes in FLERO_API_KEY`);
  return url.href.replace(/\/+$/, '');
}

/** A client for the selected server with the key from FLERO_API_KEY; usage errors name what is missing. */
export function connect(values: { server?: string }, env: NodeJS.ProcessEnv = process.env): FleroClient {
  const url = serverUrlOf(values.server, env);
  if (!url) throw new UsageError('no server: give --server URL or set FLERO_SERVER_URL');
  const key = env.FLERO_API_KEY?.trim();
  if (!key) throw new UsageError('FLERO_API_KEY is not set (the API key this command uses; never passed as a flag)');
  return new FleroClient({ baseUrl: url, key });
}

export const out = (s: string) => process.stdout.write(s);
export const note = (s: string) => process.stderr.write(`${s}\n`);

export function printJson(value: unknown): void {
  out(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain text table (no colours, stable for grep): a header row, then one row per item. */
export function printTable(columns: string[], rows: string[][], empty: string): void {
  if (!rows.length) {
    note(empty);
    return;
  }
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  out(`${[line(columns), ...rows.map(line)].join('\n')}\n`);
}

/** `2026-12-02T10:00:00.000Z` → `2026-12-02 10:00Z`; null/undefined → `-`. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z');
}

/** Reads all of standard input (a secret value: one trailing newline dropped, nothing else changed). */
export async function readStdinValue(what: string): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError(
      `${what}: pipe the value on standard input (e.g. printf %s "$SECRET" | …) or give --value-env VAR`,
    );
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  if (!value) throw new UsageError(`${what}: standard input was empty (pipe the value, or give --value-env VAR)`);
  return value;
}

/** The secret from `--value-env VAR` or standard input; never from an argument. */
export async function secretValue(valueEnv: string | undefined, what: string, env = process.env): Promise<string> {
  if (valueEnv !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(valueEnv))
      throw new UsageError(`--value-env takes the NAME of an environment variable (got something else)`);
    const v = env[valueEnv];
    if (!v) throw new UsageError(`--value-env ${valueEnv}: that environment variable is not set or empty`);
    return v;
  }
  return readStdinValue(what);
}
