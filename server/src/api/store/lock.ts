// An exclusive lock on an embedded data dir. PGlite has no inter-process lock and two processes opening one data dir
// corrupt it, so every program that opens a data dir (the server, `flero keys`) takes this lock first.
//
// The lock is a file naming its holder: pid, the process's start time (Linux: field 22 of /proc/<pid>/stat, ticks
// since boot; elsewhere `ps -o lstart=`), host, boot id and a random nonce. It is created whole (written to a temporary
// file, then hard-linked into place, which fails if a lock exists), so no reader ever sees it half-written.
// Node has no portable OS-level lock without a native addon (flock/fcntl are not exposed), hence the file.
//
// A lock is stale — and taken over — when its holder cannot be alive: its pid is dead; or alive but started at
// another time (the pid was reused, e.g. PID 1 in a container after a restart); or it names this process's pid
// without being held by this process; or the machine rebooted since (other boot id); or the file is empty or
// unparseable and older than a couple of seconds (a crash between create and write by an older version, or a
// file system that lost the data). Takeover is atomic: the stale file is renamed aside (one contender wins), checked
// to be the one judged stale, and only then removed. A lock written on another host is never judged (its processes
// cannot be seen from here): it is reported as held.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'flero.lock';
/** An unparseable lock younger than this may be mid-write (an older version wrote after creating the file). */
const UNREADABLE_GRACE_MS = 2_000;

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly host?: string,
  ) {
    super(
      host
        ? `the data dir ${dataDir} is in use by a Flero process on another host (${host}, pid ${pid}); stop it ` +
            `first (if that server is gone for good, delete ${join(dataDir, LOCK_FILE)}), or use another --data`
        : `the data dir ${dataDir} is in use by another Flero process (pid ${pid}); stop it first, or use another --data`,
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export interface LockInfo {
  pid: number;
  /** The holder's process start time as this platform reports it; absent when unknown (and in v0.1 locks). */
  start?: string;
  host: string;
  /** Linux boot id: a lock from before a reboot is stale whatever its pid. */
  boot?: string;
  nonce?: string;
  since: string;
}

/** Nonces of the locks this process holds (a second lock of one dir from the same process is refused). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The start time of a live process, or undefined when this platform cannot tell. */
export function processStartTime(pid: number): string | undefined {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so count fields after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19]; // field 22 (starttime); fields[0] is field 3
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'win32') return undefined;
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 2_000 });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function parse(text: string): LockInfo | undefined {
  try {
    const info = JSON.parse(text) as LockInfo;
    return info && typeof info === 'object' && Number.isSafeInteger(info.pid) && info.pid > 0 ? info : undefined;
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Why a lock naming `info` cannot have a live holder, or undefined when it may (it is held). */
export function staleReason(info: LockInfo): string | undefined {
  if (info.host !== hostname()) return undefined; // another machine: cannot be judged from here
  const boot = bootId();
  if (info.boot && boot && info.boot !== boot) return 'the machine rebooted since';
  if (info.pid === process.pid) return info.nonce && held.has(info.nonce) ? undefined : 'it names this process';
  if (!alive(info.pid)) return 'its process is gone';
  const start = info.start === undefined ? undefined : processStartTime(info.pid);
  if (start !== undefined && start !== info.start) return 'its pid now belongs to another process';
  return undefined;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Creates `path` holding `text` only if it does not exist (EEXIST otherwise); never visible half-written. */
function createExclusive(path: string, text: string): void {
  const tmp = `${path}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOENT') throw err;
    // No hard links on this file system: exclusive create, then write (a reader may briefly see it empty).
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  } finally {
    unlinkSync(tmp);
  }
}

/** Takes the lock (creating the data dir if needed) or throws DataDirLockedError. */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const nonce = randomBytes(12).toString('hex');
  const mine: LockInfo = {
    pid: process.pid,
    start: processStartTime(process.pid),
    host: hostname(),
    boot: bootId(),
    nonce,
    since: new Date().toISOString(),
  };
  const text = JSON.stringify(mine);
  const deadline = Date.now() + UNREADABLE_GRACE_MS + 3_000;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      createExclusive(path, text);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        continue;
      }
      if (code !== 'EEXIST') throw err;
      const found = readText(path);
      if (found === undefined) continue; // removed meanwhile: try again
      const info = parse(found);
      if (!info) {
        // Empty or unparseable: a writer mid-write is younger than the grace period; anything older is debris.
        let age = 0;
        try {
          age = Date.now() - statSync(path).mtimeMs;
        } catch {
          continue;
        }
        if (age < UNREADABLE_GRACE_MS) {
          if (Date.now() > deadline) throw new DataDirLockedError(dataDir, 0);
          sleepSync(Math.min(UNREADABLE_GRACE_MS - age + 50, 500));
          continue;
        }
      } else if (!staleReason(info)) {
        throw new DataDirLockedError(dataDir, info.pid, info.host === hostname() ? undefined : info.host);
      }
      // Stale: move it aside (only one contender wins the rename), then check it was the stale one we read.
      const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = readText(aside);
      if (moved !== found) {
        // We moved a fresh lock someone just took: put it back (never over a newer one) and report it as held.
        try {
          linkSync(aside, path);
        } catch {
          // A third contender took it meanwhile: theirs stands.
        }
        unlinkSync(aside);
        throw new DataDirLockedError(dataDir, parse(moved ?? '')?.pid ?? 0);
      }
      unlinkSync(aside);
      continue;
    }
    held.add(nonce);
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        held.delete(nonce);
        if (parse(readText(path) ?? '')?.nonce === nonce) unlinkSync(path);
      },
    };
  }
  throw new Error(`could not take the lock ${path}`);
}
