// The embedded store across processes: restart persistence, the data-dir lock (a second server or `flero keys` fails
// clearly and touches nothing), a stale lock from a killed server is recovered, lastUsedAt flushed on shutdown,
// `flero keys` on a stopped data dir, and no plaintext key anywhere in the data dir or the servers' output.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LOCK_FILE } from '../../server/src/api/store/lock';
import { snapshot } from '../helpers/files';
import { api, runCli, type RunningServer, startServer } from '../helpers/server';
import { tmpDir } from '../helpers/tmp';

const root = tmpDir('flero-store');
const dataDir = join(root.path, 'data');
const ownerKeyFile = join(root.path, 'owner-key');
const secrets: string[] = [];
const outputs: string[] = [];
const running: RunningServer[] = [];

after(async () => {
  for (const s of running) await s.stop({ keepData: true });
  root.remove();
});

async function start(): Promise<RunningServer> {
  const s = await startServer({ dataDir, ownerKeyFile });
  running.push(s);
  return s;
}

function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle);
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(bytes)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

test('the embedded store: lock, restart, stale lock, keys CLI, no plaintext at rest', async (t) => {
  const a = await start();
  const owner = a.ownerKey!;
  secrets.push(owner);
  const wf = { id: 'wf_keep', name: 'Kept', nodes: [{ id: 'start', type: 'trigger' }] };
  assert.equal((await api(a.url, 'POST', '/api/workflows', { key: owner, body: wf })).status, 201);
  const k1 = (
    await api(a.url, 'POST', '/api/api-keys', { key: owner, body: { name: 'k1', scopes: ['workflows:read'] } })
  ).body;
  const k2 = (
    await api(a.url, 'POST', '/api/api-keys', { key: owner, body: { name: 'k2', scopes: ['workflows:read'] } })
  ).body;
  secrets.push(k1.key, k2.key);
  assert.equal((await api(a.url, 'GET', '/api/workflows/wf_keep', { key: k1.key })).status, 200);
  assert.equal((await api(a.url, 'DELETE', `/api/api-keys/${k2.id}`, { key: owner })).status, 204);

  await t.test('a second server on the same data dir fails clearly and touches nothing', async () => {
    // Listing keys flushes A's pending lastUsedAt writes, so A itself is idle while we compare.
    assert.equal((await api(a.url, 'GET', '/api/api-keys', { key: owner })).status, 200);
    const before = snapshot(dataDir);
    await assert.rejects(startServer({ dataDir, ownerKeyFile: join(root.path, 'other-owner') }), (err: Error) => {
      outputs.push(err.message);
      assert.match(err.message, /exited with code 1/);
      assert.match(err.message, new RegExp(`in use by another Flero process \\(pid ${a.child.pid}\\)`));
      return true;
    });
    assert.deepEqual(snapshot(dataDir), before);
    assert.equal((await api(a.url, 'GET', '/api/workflows/wf_keep', { key: owner })).status, 200, 'A still serves');
  });

  await t.test('flero keys refuses while the server holds the lock', async () => {
    const before = snapshot(dataDir);
    const r = await runCli(['keys', 'list', '--data', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /in use by another Flero process/);
    assert.deepEqual(snapshot(dataDir), before);
  });

  // Graceful stop flushes lastUsedAt (the flush interval is longer than this test's gap).
  assert.equal(await a.stop({ keepData: true }), 0);
  outputs.push(a.output());

  let cliKey = '';
  await t.test('flero keys create | list | revoke on the stopped data dir', async () => {
    const made = await runCli([
      'keys',
      'create',
      '--data',
      dataDir,
      '--name',
      'ci pipeline',
      '--scopes',
      'workflows:read,executions:write',
      '--workflows',
      'wf_keep',
      '--expires-in',
      '30d',
    ]);
    assert.equal(made.code, 0, made.stderr);
    cliKey = made.stdout.trim();
    assert.match(cliKey, /^flero_sk_[0-9A-Za-z]{36}$/);
    secrets.push(cliKey);
    assert.ok(!made.stderr.includes(cliKey), 'the key is printed once, on stdout only');
    const list = await runCli(['keys', 'list', '--data', dataDir, '--json']);
    assert.equal(list.code, 0, list.stderr);
    const keys = JSON.parse(list.stdout) as {
      id: string;
      name: string;
      revokedAt: string | null;
      lastUsedAt: string | null;
    }[];
    assert.deepEqual(
      keys.map((k) => k.name),
      ['owner', 'k1', 'k2', 'ci pipeline'],
    );
    assert.ok(keys.find((k) => k.name === 'k1')!.lastUsedAt, 'lastUsedAt was flushed on shutdown');
    for (const s of secrets) assert.ok(!list.stdout.includes(s));
    const human = await runCli(['keys', 'list', '--data', dataDir]);
    assert.match(human.stdout, /ci pipeline/);
    const rev = await runCli(['keys', 'revoke', k1.id, '--data', dataDir]);
    assert.equal(rev.code, 0, rev.stderr);
    assert.match(rev.stderr, new RegExp(`Revoked ${k1.id}`));
    const unknown = await runCli(['keys', 'revoke', 'key_nope', '--data', dataDir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no API key with id "key_nope"/);
    const usage = await runCli(['keys', 'create', '--data', dataDir, '--name', 'x', '--scopes', 'workflows:fly']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--scopes/);
  });

  const b = await start();
  await t.test('after a restart: data, keys and revocations persist; no new owner key', async () => {
    assert.doesNotMatch(b.output(), /Owner key/);
    assert.equal((await api(b.url, 'GET', '/api/workflows/wf_keep', { key: owner })).status, 200);
    assert.equal((await api(b.url, 'GET', '/api/workflows/wf_keep', { key: k1.key })).status, 401, 'revoked by CLI');
    assert.equal((await api(b.url, 'GET', '/api/workflows/wf_keep', { key: k2.key })).status, 401, 'revoked by API');
    const ci = await api(b.url, 'GET', '/api/workflows/wf_keep', { key: cliKey });
    assert.equal(ci.status, 200);
    assert.deepEqual(ci.body, { ...wf, connections: [] });
    assert.equal((await api(b.url, 'POST', '/api/workflows/wf_keep/run', { key: cliKey })).status, 200);
  });

  await t.test('a lock left by a killed server is recovered', async () => {
    b.child.kill('SIGKILL');
    await b.stop({ keepData: true });
    outputs.push(b.output());
    const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { pid: number };
    assert.equal(lock.pid, b.child.pid, 'the killed server left its lock');
    const c = await start();
    assert.equal((await api(c.url, 'GET', '/api/workflows/wf_keep', { key: owner })).status, 200);
    const execs = await api(c.url, 'GET', '/api/executions', { key: owner });
    assert.equal(execs.body.length, 1);
    await c.stop({ keepData: true });
    outputs.push(c.output());
  });

  await t.test('no plaintext key in the data dir or any server output', () => {
    assert.equal(secrets.length, 4);
    for (const s of secrets) {
      assert.deepEqual(filesContaining(dataDir, s), [], 'data dir');
      assert.deepEqual(filesContaining(dataDir, s.slice(9, 39)), [], 'data dir (random part)');
      for (const o of outputs) assert.ok(!o.includes(s), 'server output');
    }
  });
});
