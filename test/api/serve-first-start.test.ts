// First start on an empty store: the owner key is made only once the server listens. A start that fails on a busy
// port shows no key and keeps none, so the next start (on a free port) still makes and shows the owner key.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli, startServer } from '../helpers/server';
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
