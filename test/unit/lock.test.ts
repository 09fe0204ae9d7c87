// The data-dir lock (server/src/api/store/lock.ts) in this process, against real files and real processes: what is
// held is refused, what a crashed holder left behind (dead pid, reused pid, our own pid after a container restart,
// an empty file, a reboot) is taken over; another host's lock is never judged.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  DataDirLockedError,
  LOCK_FILE,
  type LockInfo,
  lockDataDir,
  processStartTime,
} from '../../server/src/api/store/lock';
import { tmpDir } from '../helpers/tmp';

const root = tmpDir('flero-lock');
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  root.remove();
});

let n = 0;
function freshDir(): string {
  return join(root.path, `d${n++}`);
}

function writeLock(dir: string, info: Partial<LockInfo> | string, ageMs = 0): void {
  const path = join(dir, LOCK_FILE);
  writeFileSync(path, typeof info === 'string' ? info : JSON.stringify(info), { flag: 'w' });
  if (ageMs) {
    const t = (Date.now() - ageMs) / 1000;
    utimesSync(path, t, t);
  }
}

function lockOf(dir: string): LockInfo {
  return JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockInfo;
}

/** A live process that is not this one (and not a Flero server). */
async function sleeper(): Promise<ChildProcess> {
  const c = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('spawn', () => resolve());
    c.once('error', reject);
  });
  return c;
}

test('a lock is exclusive, also within one process, and released cleanly', () => {
  const dir = freshDir();
  const a = lockDataDir(dir);
  const info = lockOf(dir);
  assert.equal(info.pid, process.pid);
  assert.equal(info.host, hostname());
  assert.match(info.nonce ?? '', /^[0-9a-f]{24}$/);
  if (process.platform === 'linux') assert.equal(info.start, processStartTime(process.pid));
  assert.throws(() => lockDataDir(dir), DataDirLockedError);
  a.release();
  assert.ok(!existsSync(join(dir, LOCK_FILE)));
  const b = lockDataDir(dir);
  a.release(); // a second release of the old lock must not remove the new one
  assert.ok(existsSync(join(dir, LOCK_FILE)));
  b.release();
  assert.deepEqual(readdirSync(dir), [], 'no temporary or stale files left behind');
});

test('a lock naming a live process with its real start time is held', {
  skip: process.platform !== 'linux',
}, async () => {
  const c = await sleeper();
  const dir = freshDir();
  lockDataDir(dir).release();
  const start = processStartTime(c.pid!);
  assert.ok(start, 'the start time of a live process is known on Linux');
  writeLock(dir, { pid: c.pid!, start, host: hostname(), nonce: 'x', since: new Date().toISOString() });
  assert.throws(
    () => lockDataDir(dir),
    (e: unknown) =>
      e instanceof DataDirLockedError && e.pid === c.pid && /in use by another Flero process/.test(e.message),
  );
  assert.equal(lockOf(dir).pid, c.pid, 'the held lock is untouched');
});

test('a lock naming a live process that started at another time (pid reuse) is taken over', async () => {
  const c = await sleeper();
  const dir = freshDir();
  lockDataDir(dir).release();
  writeLock(dir, { pid: c.pid!, start: '1', host: hostname(), nonce: 'old', since: '2020-01-01T00:00:00.000Z' });
  const lock = lockDataDir(dir);
  assert.equal(lockOf(dir).pid, process.pid);
  lock.release();
});

test('a lock naming this process that this process does not hold (PID 1 after a container restart) is taken over', () => {
  const dir = freshDir();
  lockDataDir(dir).release();
  // The same pid and even the same start time: what a restarted container's PID 1 finds (old format: no nonce).
  writeLock(dir, { pid: process.pid, host: hostname(), since: '2020-01-01T00:00:00.000Z' });
  const lock = lockDataDir(dir);
  assert.equal(lockOf(dir).pid, process.pid);
  lock.release();
});

test('a lock whose process is gone is taken over', async () => {
  const c = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = await new Promise<number>((resolve) => c.once('exit', () => resolve(c.pid!)));
  const dir = freshDir();
  lockDataDir(dir).release();
  writeLock(dir, { pid, host: hostname(), since: new Date().toISOString() });
  lockDataDir(dir).release();
});

test('a lock from before a reboot is taken over', {
  skip: !existsSync('/proc/sys/kernel/random/boot_id'),
}, async () => {
  const c = await sleeper();
  const dir = freshDir();
  lockDataDir(dir).release();
  writeLock(dir, {
    pid: c.pid!,
    start: processStartTime(c.pid!),
    host: hostname(),
    boot: '00000000-0000-0000-0000-000000000000',
    since: new Date().toISOString(),
  });
  lockDataDir(dir).release();
});

test('an empty or unparseable lock file is taken over once it is older than a writer could be', () => {
  for (const text of ['', '{"pid":', 'null', '{"pid":"12"}']) {
    const dir = freshDir();
    lockDataDir(dir).release();
    writeLock(dir, text, 60_000);
    const lock = lockDataDir(dir);
    assert.equal(lockOf(dir).pid, process.pid, `lock file ${JSON.stringify(text)}`);
    lock.release();
  }
  // A fresh empty file (a writer mid-write, or debris of a crash just now): waited for, then judged.
  const dir = freshDir();
  lockDataDir(dir).release();
  writeLock(dir, '');
  const t0 = Date.now();
  const lock = lockDataDir(dir);
  assert.ok(Date.now() - t0 >= 1_500, 'a young unreadable lock is given time to be written');
  lock.release();
});

test('a lock written on another host is reported as held, naming the host', () => {
  const dir = freshDir();
  lockDataDir(dir).release();
  writeLock(dir, { pid: 4242, host: `not-${hostname()}`, since: new Date().toISOString() });
  assert.throws(
    () => lockDataDir(dir),
    (e: unknown) => e instanceof DataDirLockedError && e.message.includes(`not-${hostname()}`),
  );
});
