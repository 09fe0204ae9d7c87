// First start on an empty store: the owner key is made only once the server listens. A start that fails on a busy
// port shows no key and keeps none, so the next start (on a free port) still makes and shows the owner key. A first
// start killed while the store is being made (the seed half unpacked) is finished by the next start.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI, runCli, startServer } from '../helpers/server';
import { tmpDir } from '../helpers/tmp';

const dir = tmpDir('flero-first-start');
after(() => dir.remove());

test('a first start that fails on a busy port shows no owner key; the next start makes it', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  const data = join(dir.path, 'data');
  try {
    const failed = await runCli(['serve', '--host', '127.0.0.1', '--port', String(port), '--data', data]);
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /already in use/);
    assert.doesNotMatch(failed.stdout, /Owner key/);
    assert.doesNotMatch(failed.stdout + failed.stderr, /flero_sk_/);
  } finally {
    await new Promise<void>((r) => busy.close(() => r()));
  }
  const srv = await startServer({ dataDir: data, printOwnerKey: true });
  try {
    assert.ok(srv.ownerKey, `no owner key printed:\n${srv.output()}`);
    const me = await fetch(`${srv.url}/api/me`, { headers: { authorization: `Bearer ${srv.ownerKey}` } });
    assert.equal(me.status, 200);
  } finally {
    await srv.stop({ keepData: true });
  }
});

test('a first start killed (SIGKILL) while the store is being made leaves a dir the next start finishes', async () => {
  const data = join(dir.path, 'killed');
  const keyFile = join(dir.path, 'killed.key');
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', data, '--owner-key-file', keyFile],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // As soon as the seed starts landing in the data dir (its first directory), before PG_VERSION or the owner key.
  const deadline = Date.now() + 60_000;
  while (!existsSync(join(data, 'pgdata', 'base')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  child.kill('SIGKILL');
  await exited;
  assert.equal(existsSync(keyFile), false, 'killed before the owner key was made');
  const srv = await startServer({ dataDir: data, ownerKeyFile: keyFile });
  try {
    assert.ok(srv.ownerKey, `no owner key written:\n${srv.output()}`);
    const me = await fetch(`${srv.url}/api/me`, { headers: { authorization: `Bearer ${srv.ownerKey}` } });
    assert.equal(me.status, 200);
  } finally {
    await srv.stop({ keepData: true });
  }
});
