// Starts the real built server (`node dist/flero.mjs serve --port 0 …`) as a child process on 127.0.0.1 and waits
// for its "Flero API listening on http://HOST:PORT" line. Used by the benches and the reliability suite.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLERO_CLI, REPO_ROOT, requireBuilt } from './paths';

export const LISTENING_RE = /Flero API listening on (http:\/\/[^\s]+)/;

export interface StartOptions {
  /** Directory that holds the data dir, the owner key file and the master key file (beside the data dir). */
  root: string;
  /** Data dir name inside `root` (default `data`). */
  dataName?: string;
  databaseUrl?: string;
  keyPrefix?: string;
  env?: NodeJS.ProcessEnv;
  extraArgs?: string[];
  /** How long to wait for the listening line (default 60 s; PGlite's first start can be slow on a busy machine). */
  timeoutMs?: number;
}

export interface FleroServer {
  url: string;
  pid: number;
  child: ChildProcess;
  dataDir: string;
  ownerKeyFile: string;
  /** Time from spawn to the listening line. */
  readyMs: number;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  ownerKey(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now (a crash). */
  kill9(): Promise<void>;
}

export async function startServer(opts: StartOptions): Promise<FleroServer> {
  requireBuilt();
  const dataDir = join(opts.root, opts.dataName ?? 'data');
  const ownerKeyFile = join(opts.root, 'owner.key');
  mkdirSync(opts.root, { recursive: true });
  const args = [FLERO_CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--owner-key-file', ownerKeyFile];
  if (opts.databaseUrl) args.push('--database-url', opts.databaseUrl);
  else args.push('--data', dataDir);
  if (opts.keyPrefix) args.push('--key-prefix', opts.keyPrefix);
  args.push(...(opts.extraArgs ?? []));
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not print its listening line within ${opts.timeoutMs ?? 60_000} ms:\n${out}`));
    }, opts.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = LISTENING_RE.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const server: FleroServer = {
    url,
    pid: child.pid!,
    child,
    dataDir,
    ownerKeyFile,
    readyMs,
    output: () => out,
    ownerKey: () => {
      if (!existsSync(ownerKeyFile)) throw new Error(`no owner key file at ${ownerKeyFile}`);
      return readFileSync(ownerKeyFile, 'utf8').trim();
    },
    exited,
    async stop(graceMs = 5000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill9() {
      if (gone) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  return server;
}

/** RSS of a process in bytes (Linux /proc), or undefined when it is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
