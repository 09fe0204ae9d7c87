// An exclusive lock on an embedded data dir. PGlite has no inter-process lock and two processes opening one data dir
// corrupt it, so every program that opens a data dir (the server, `flero keys`) takes this lock first. The lock is a
// file created with O_EXCL holding the owner's pid; a lock whose pid is dead (a killed server) is recovered.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'flero.lock';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the data dir ${dataDir} is in use by another Flero process (pid ${pid}); stop it first, or use another --data`,
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readInfo(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock (creating the data dir if needed) or throws DataDirLockedError. */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        continue;
      }
      if (code !== 'EEXIST') throw err;
      const info = readInfo(path);
      // Unreadable (being written right now) or held by a live process on this host: in use.
      if (!info) throw new DataDirLockedError(dataDir, 0);
      if (info.host !== hostname() || alive(info.pid)) throw new DataDirLockedError(dataDir, info.pid);
      // Stale: move it aside (only one contender wins the rename), then check it was the stale one we read.
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = readInfo(aside);
      if (moved && moved.pid !== info.pid) {
        // We moved a fresh lock someone just took: put it back and report it as held.
        renameSync(aside, path);
        throw new DataDirLockedError(dataDir, moved.pid);
      }
      unlinkSync(aside);
      continue;
    }
    const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        const current = readInfo(path);
        if (current?.pid === process.pid) unlinkSync(path);
      },
    };
  }
  throw new Error(`could not take the lock ${path}`);
}
