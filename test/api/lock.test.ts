// Issue #10 item 5: a crashed server's data-dir lock never blocks a restart of the real server — a lock naming a live
// process that is not ours (pid reuse; PID 1 in a container after a restart) or an empty lock file — while a second
// live server on the same data dir is still refused and changes nothing.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LOCK_FILE } from '../../server/src/api/store/lock';
import { snapshot } from '../helpers/files';
import { api, type RunningServer, startServer } from '../helpers/server';
import { tmpDir } from '../helpers/tmp';

const root = tmpDir('flero-lock-api');
const dataDir = join(root.path, 'data');
const ownerKeyFile = join(root.path, 'owner-key');
const running: RunningServer[] = [];
let sleeper: ChildProcess | undefined;

after(async () => {
  sleeper?.kill('SIGKILL');
  for (const s of running) await s.stop({ keepData: true });
  root.remove();
});

async function start(): Promise<RunningServer> {
  const s = await startServer({ dataDir, ownerKeyFile });
  running.push(s);
  return s;
}

async function killed(s: RunningServer): Promise<void> {
  s.child.kill('SIGKILL');
  await s.stop({ keepData: true });
}

test('a stale data-dir lock never blocks a restart; a live server still does', async (t) => {
  const first = await start();
  const owner = first.ownerKey!;
  const wf = { id: 'wf_lock', name: 'Lock', nodes: [{ id: 'start', type: 'trigger' }] };
  assert.equal((await api(first.url, 'POST', '/api/workflows', { key: owner, body: wf })).status, 201);
  await killed(first);

  await t.test('a lock naming a live process that is not ours (pid reused) → the server starts', async () => {
    sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      sleeper!.once('spawn', () => resolve());
      sleeper!.once('error', reject);
    });
    const lockPath = join(dataDir, LOCK_FILE);
    const left = JSON.parse(readFileSync(lockPath, 'utf8')) as Record<string, unknown>;
    assert.equal(left.pid, first.child.pid, 'the killed server left its lock');
    // What a crashed server's lock looks like once its pid belongs to someone else: same host, a live pid, but not
    // the process that wrote it (its start time differs).
    writeFileSync(lockPath, JSON.stringify({ ...left, pid: sleeper.pid, start: '12345' }));
    const s = await start();
    assert.equal((await api(s.url, 'GET', '/api/workflows/wf_lock', { key: owner })).status, 200);
    assert.equal((JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number }).pid, s.child.pid);
    assert.equal(sleeper.exitCode, null, 'the process the stale lock named was left alone');
    await killed(s);
  });

  await t.test('an empty lock file (older than a writer could be) → the server starts', async () => {
    const lockPath = join(dataDir, LOCK_FILE);
    writeFileSync(lockPath, '');
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lockPath, old, old);
    const s = await start();
    assert.equal((await api(s.url, 'GET', '/api/workflows/wf_lock', { key: owner })).status, 200);
    // Left running for the next check.
  });

  await t.test('a second live server on the same data dir is refused and touches nothing', async () => {
    const holder = running.at(-1)!;
    assert.equal((await api(holder.url, 'GET', '/api/api-keys', { key: owner })).status, 200);
    const before = snapshot(dataDir);
    await assert.rejects(startServer({ dataDir, ownerKeyFile: join(root.path, 'other') }), (err: Error) => {
      assert.match(err.message, /exited with code 1/);
      assert.match(err.message, new RegExp(`in use by another Flero process \\(pid ${holder.child.pid}\\)`));
      return true;
    });
    assert.deepEqual(snapshot(dataDir), before);
    assert.equal((await api(holder.url, 'GET', '/api/workflows/wf_lock', { key: owner })).status, 200);
  });
});
