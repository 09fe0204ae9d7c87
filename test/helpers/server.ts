// Starts the real, built Flero API server (`node dist/flero.mjs serve …`) as a child process on 127.0.0.1 and a free
// port, and waits for its "Flero API listening on http://HOST:PORT" line. Build first: `node esbuild.mjs`.
//
//   const srv = await startServer();            // fresh embedded store in a temp dir, owner key captured
//   await client(srv, srv.ownerKey).call('whoami');   // the typed API client; api(…) for raw requests
//   await srv.stop();                            // SIGTERM, waits for exit, removes the temp dirs it created
//
// Options let a test reuse a data dir (restart persistence), point at PostgreSQL, or pass extra flags/env.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleroClient } from '../../server/src/apiClient/client';
import { tmpDir } from './tmp';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(REPO_ROOT, 'dist', 'flero.mjs');

export interface StartServerOptions {
  /** Data dir for the embedded store (default: a fresh temp dir, removed on stop). Ignored with `databaseUrl`. */
  dataDir?: string;
  /** Run on PostgreSQL instead of the embedded store. */
  databaseUrl?: string;
  /** Where the owner key is written on first start (default: a file in a fresh temp dir outside the data dir). */
  ownerKeyFile?: string;
  keyPrefix?: string;
  /** Omit --owner-key-file: the server prints the owner key once on stdout (ownerKey is read from there). */
  printOwnerKey?: boolean;
  /** Extra `serve` arguments. */
  args?: string[];
  /** Extra environment. By default the failed-auth limit is raised so suites do not trip 429 by accident. */
  env?: Record<string, string>;
  /** Milliseconds to wait for the listening line (default 60 s: PGlite's first start on a busy machine). */
  timeoutMs?: number;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The owner key (all scopes, all workflows) read from the owner key file, if the file exists. */
  ownerKey: string | undefined;
  ownerKeyFile: string;
  /** The data dir (embedded store) or undefined (PostgreSQL). */
  dataDir: string | undefined;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Graceful stop (SIGTERM), waits for exit; removes temp dirs this helper created. Returns the exit code. */
  stop(opts?: { keepData?: boolean }): Promise<number | null>;
}

const LISTENING = /Flero API listening on (http:\/\/[^\s]+)/;

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node esbuild.mjs\` before the tests`);
}

/** Runs `node dist/flero.mjs <args>` to completion (for CLI tests), in the repository root unless `cwd` is given. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`flero ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that never reads stdin may exit before the write lands (faster since the CLI loads only what a
    // command needs): EPIPE then says nothing about the command.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  assertBuilt();
  const owned: { remove(): void }[] = [];
  let dataDir: string | undefined;
  if (!options.databaseUrl) {
    if (options.dataDir) dataDir = options.dataDir;
    else {
      const d = tmpDir('flero-data');
      owned.push(d);
      dataDir = join(d.path, 'store');
    }
  }
  let ownerKeyFile = options.ownerKeyFile;
  if (!ownerKeyFile) {
    const d = tmpDir('flero-owner');
    owned.push(d);
    ownerKeyFile = join(d.path, 'owner-key');
  }
  const args = [CLI, 'serve', '--host', '127.0.0.1', '--port', '0'];
  if (!options.printOwnerKey) args.push('--owner-key-file', ownerKeyFile);
  if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
  else args.push('--data', dataDir!);
  if (options.keyPrefix) args.push('--key-prefix', options.keyPrefix);
  args.push(...(options.args ?? []));

  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, FLERO_AUTH_FAILURE_LIMIT: '100000', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const cleanup = () => {
    for (const d of owned) d.remove();
  };

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${options.timeoutMs ?? 60_000} ms:\n${out}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = LISTENING.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${out}`));
    });
  }).catch((err: unknown) => {
    cleanup();
    throw err;
  });

  const printed = /shown only this once[^\n]*\n\s*(\S+)/.exec(out)?.[1];
  const ownerKey = options.printOwnerKey
    ? printed
    : existsSync(ownerKeyFile)
      ? readFileSync(ownerKeyFile, 'utf8').trim() || undefined
      : undefined;
  let stopped: Promise<number | null> | undefined;
  return {
    url,
    ownerKey,
    ownerKeyFile,
    dataDir,
    child,
    output: () => out,
    stop(opts = {}) {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        const code = await exited;
        clearTimeout(timer);
        if (!opts.keepData) cleanup();
        return code;
      })();
      return stopped;
    },
  };
}

/** One typed API client per base URL, without a key of its own (each call passes its key). */
const clients = new Map<string, FleroClient>();
function clientFor(base: string): FleroClient {
  let c = clients.get(base);
  if (!c) {
    c = new FleroClient({ baseUrl: base, timeoutMs: 10 * 60_000 });
    clients.set(base, c);
  }
  return c;
}

/**
 * The typed API client's raw layer (FleroClient.send): any method and path, the bearer key and JSON body filled in,
 * every status resolves; returns status, headers, the parsed body and the text. For hostile or odd requests; ordinary
 * calls read better typed: `client(srv, key).call('whoami')`. Accepts any media type unless told otherwise
 * (as fetch does) and parses a JSON text whatever its content type; redirects are not followed.
 */
export async function api(
  base: string,
  method: string,
  path: string,
  opts: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON response fields
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { accept: '*/*' };
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
  const res = await clientFor(base).send(method, path, { key: opts.key ?? null, body: opts.body, headers });
  let body: unknown = res.body;
  if (body === undefined && res.text) {
    try {
      body = JSON.parse(res.text);
    } catch {
      body = undefined;
    }
  }
  return { status: res.status, headers: res.headers, body, text: res.text };
}

/** A typed API client for a test server, signed in with `key` (e.g. `srv.ownerKey`). */
export function client(srv: { url: string }, key: string | undefined): FleroClient {
  return new FleroClient({ baseUrl: srv.url, key, timeoutMs: 10 * 60_000 });
}

/**
 * A raw HTTP/1.1 request through node:http: repeated headers (pass `headers` as a flat [name, value, …] array),
 * a chosen source address (`localAddress`, e.g. 127.0.0.2), odd paths sent verbatim, and bodies of any size.
 */
export function rawRequest(
  base: string,
  opts: {
    method?: string;
    path: string;
    headers?: Record<string, string> | string[];
    body?: string | Buffer;
    localAddress?: string;
  },
  // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON response fields
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; body: any }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    let headers = opts.headers ?? {};
    if (Array.isArray(headers) && !headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host'))
      headers = ['Host', u.host, ...headers];
    const req = request({
      host: u.hostname,
      port: u.port,
      method: opts.method ?? 'GET',
      path: opts.path,
      headers: headers as Record<string, string>,
      localAddress: opts.localAddress,
      agent: false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
