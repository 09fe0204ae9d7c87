// Spawning the bundled Flero server (`<execPath> dist/flero.mjs serve …`) and reading its owner key file. No vscode:
// LocalServer wraps this, and the unit tests drive it against the real built server.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findKeyCandidates } from '../../server/src/core/keys';
import { classifyStartFailure, OutputLines, parseListeningLine, serveArgs } from './model/listening';

export class LocalServerError extends Error {
  constructor(
    message: string,
    /** URL of a server that already holds the data folder's lock, when known. */
    readonly runningUrl?: string,
    readonly lockHeld = false,
  ) {
    super(message);
  }
}

/** Replaces anything that looks like a Flero key with a marker (defence in depth for logged output). */
export function redactKeys(text: string): string {
  let out = text;
  for (const c of findKeyCandidates(text).reverse()) out = `${out.slice(0, c.start)}[redacted key]${out.slice(c.end)}`;
  return out;
}

export interface SpawnOptions {
  /** dist/flero.mjs */
  script: string;
  /** VS Code's Node (process.execPath); run with ELECTRON_RUN_AS_NODE=1. */
  execPath: string;
  /** Folder holding `server/` (the data) and the transient owner-key file. */
  storageDir: string;
  /** Every output line, already passed through redactKeys. */
  onLine: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** A URL another process announced earlier (offered when the data folder is locked). */
  lastKnownUrl?: string;
}

export interface SpawnedServer {
  url: string;
  /** Present on the first start of an empty store; read from the key file, which is deleted. Never log it. */
  ownerKey?: string;
  child: ChildProcess;
}

export function dataDirOf(storageDir: string): string {
  return join(storageDir, 'server');
}

export async function spawnFleroServer(o: SpawnOptions): Promise<SpawnedServer> {
  if (!existsSync(o.script))
    throw new LocalServerError(`The bundled server is missing (${o.script}). Reinstall the extension.`);
  const dataDir = dataDirOf(o.storageDir);
  mkdirSync(dataDir, { recursive: true });
  const keyFile = join(o.storageDir, `owner-key-${randomBytes(6).toString('hex')}.txt`);
  const child = spawn(o.execPath, serveArgs(o.script, dataDir, keyFile), {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  try {
    const url = await waitForListening(child, o);
    return { url, ownerKey: readAndDeleteKeyFile(keyFile), child };
  } catch (e) {
    readAndDeleteKeyFile(keyFile);
    if (child.exitCode === null) child.kill('SIGKILL');
    throw e;
  }
}

/**
 * Resolves with the URL the server announces; rejects on timeout, abort, a spawn error or an exit before that.
 * Every complete output line goes to `o.onLine`, redacted.
 */
function waitForListening(child: ChildProcess, o: SpawnOptions): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const ms = o.timeoutMs ?? 90_000;
    const timer = setTimeout(
      () => reject(new LocalServerError(`The local Flero server did not start within ${Math.round(ms / 1000)} s.`)),
      ms,
    );
    const onAbort = () => reject(new LocalServerError('Cancelled.'));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
    };
    const out = new OutputLines((line) => o.onLine(redactKeys(line)));
    const onData = (chunk: Buffer) => {
      const found = parseListeningLine(out.add(chunk.toString('utf8')));
      if (found) {
        done();
        resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (e) => {
      done();
      reject(new LocalServerError(`Could not start the local Flero server: ${e.message}`));
    });
    child.once('exit', (code) => {
      done();
      out.flush();
      reject(startFailureError(out.tail, code, o.lastKnownUrl));
    });
  });
}

/** Why the server exited before listening: the data folder's lock is held elsewhere, or another failure. */
function startFailureError(output: string, code: number | null, lastKnownUrl: string | undefined): LocalServerError {
  const f = classifyStartFailure(output, code);
  if (f.kind === 'lock-held')
    return new LocalServerError(
      'Another Flero server (perhaps in another VS Code window) is already using the local data folder.',
      f.url ?? lastKnownUrl,
      true,
    );
  return new LocalServerError(
    `The local Flero server stopped (exit code ${f.code ?? 'none'}): ${redactKeys(f.detail)}`,
  );
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Deletes the server's data folder and what the server keeps beside it (`server.master-key`). */
export function resetServerData(storageDir: string): void {
  rmSync(dataDirOf(storageDir), { recursive: true, force: true });
  if (existsSync(storageDir))
    for (const f of readdirSync(storageDir)) if (f.startsWith('server.')) rmSync(join(storageDir, f), { force: true });
}

function readAndDeleteKeyFile(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } finally {
    rmSync(file, { force: true });
  }
}
