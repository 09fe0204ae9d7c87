// Child processes of the e2e run: each long-lived one is started detached (its own process group) with its output
// in a log file, and stopped by killing the whole group (code-server leaves a helper that outlives SIGTERM).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** @type {Set<Managed>} */
const running = new Set();

/**
 * @typedef {{ name: string, pid: number, logFile: string, exited: Promise<number | null>,
 *   log(): string, tail(n?: number): string, stop(): Promise<void> }} Managed
 */

/**
 * Starts `cmd args` detached, stdout+stderr appended to logFile.
 * @returns {Managed}
 */
export function startDetached(name, cmd, args, { env, cwd, logFile }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  child.on('error', () => {});
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  /** @type {Managed} */
  const m = {
    name,
    pid: /** @type {number} */ (child.pid),
    logFile,
    exited,
    log,
    tail: (n = 30) => log().split('\n').slice(-n).join('\n'),
    async stop() {
      running.delete(m);
      await killGroup(m.pid, exited);
    },
  };
  running.add(m);
  return m;
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the process group, wait up to 5 s for the leader and the group, then SIGKILL the group. */
export async function killGroup(pid, exited) {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 5000;
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  const hard = Date.now() + 3000;
  while (groupAlive(pid) && Date.now() < hard) await new Promise((r) => setTimeout(r, 50));
}

/** Stops everything still running (reverse start order). */
export async function stopAll() {
  for (const m of [...running].reverse()) await m.stop();
}

/** True if any process group we started is still alive. */
export function leftovers() {
  return [...running].filter((m) => groupAlive(m.pid)).map((m) => `${m.name} (pgid ${m.pid})`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` until it returns a truthy value; throws with `what` after timeoutMs.
 * @template T
 * @param {string} what
 * @param {() => Promise<T> | T} check
 * @returns {Promise<T>}
 */
export async function pollUntil(what, check, { timeoutMs = 30_000, intervalMs = 100, failFast } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      if (failFast?.(e)) throw e;
      lastErr = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${lastErr.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Runs a command to completion, returns { code, out }. */
export function runToEnd(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/**
 * Processes whose command line mentions `marker` (the run's unique temp folder): anything the run started, however
 * deep (e.g. the Flero server the extension spawned), that is still alive. Linux /proc only.
 * @returns {{ pid: number, cmd: string }[]}
 */
export function processesMentioning(marker) {
  const found = [];
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return found;
  }
  for (const d of pids) {
    const pid = Number(d);
    if (pid === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (cmd.includes(marker)) found.push({ pid, cmd: cmd.slice(0, 160) });
    } catch {}
  }
  return found;
}
