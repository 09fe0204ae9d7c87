// Two servers sharing one real PostgreSQL (started by the test on 127.0.0.1): the same SQL and migrations as the
// embedded store, one owner key for both, and a revoke on A is a 401 on B on the very next request (no positive
// cache on PostgreSQL). `flero keys` works on the database URL too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, runCli, type RunningServer, startServer } from '../helpers/server';
import { postgresUnavailable, type RunningPostgres, startPostgres } from '../helpers/postgres';

const skip = postgresUnavailable();
let pg: RunningPostgres;
let a: RunningServer;
let b: RunningServer;

before(async () => {
  if (skip) return;
  pg = await startPostgres();
  // Started together: migrations and the owner key are serialised by advisory locks.
  [a, b] = await Promise.all([startServer({ databaseUrl: pg.url }), startServer({ databaseUrl: pg.url })]);
});
after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await pg?.stop();
});

test('two servers on one PostgreSQL', { skip }, async (t) => {
  const owners = [a.ownerKey, b.ownerKey].filter(Boolean) as string[];
  assert.equal(owners.length, 1, 'exactly one owner key was created');
  const owner = owners[0]!;

  await t.test('one store: what A writes, B serves', async () => {
    const wf = { id: 'wf_shared', name: 'Shared', nodes: [{ id: 'start', type: 'trigger' }] };
    assert.equal((await api(a.url, 'POST', '/api/workflows', { key: owner, body: wf })).status, 201);
    const got = await api(b.url, 'GET', '/api/workflows/wf_shared', { key: owner });
    assert.equal(got.status, 200);
    assert.equal(got.body.name, 'Shared');
    const put = await api(b.url, 'PUT', '/api/workflows/wf_shared', { key: owner, body: { ...wf, name: 'Renamed' } });
    assert.equal(put.status, 200);
    assert.equal((await api(a.url, 'GET', '/api/workflows/wf_shared', { key: owner })).body.name, 'Renamed');
    const run = await api(b.url, 'POST', '/api/workflows/wf_shared/run', { key: owner, body: { input: { x: 1 } } });
    assert.equal(run.status, 200, run.text);
    const exe = await api(a.url, 'GET', `/api/executions/${run.body.id}`, { key: owner });
    assert.equal(exe.status, 200);
    assert.equal(exe.body.status, 'succeeded');
  });

  await t.test('a revoke on A → 401 on B right after', async () => {
    for (let i = 0; i < 5; i++) {
      const made = await api(a.url, 'POST', '/api/api-keys', {
        key: owner,
        body: { name: `shared ${i}`, scopes: ['workflows:read'] },
      });
      assert.equal(made.status, 201);
      assert.equal((await api(b.url, 'GET', '/api/workflows/wf_shared', { key: made.body.key })).status, 200);
      assert.equal((await api(a.url, 'DELETE', `/api/api-keys/${made.body.id}`, { key: owner })).status, 204);
      const after = await api(b.url, 'GET', '/api/workflows/wf_shared', { key: made.body.key });
      assert.equal(after.status, 401, `round ${i}`);
      assert.equal(after.body.code, 'invalid_token');
    }
  });

  await t.test('flero keys on the database URL; a CLI revoke is a 401 on both servers', async () => {
    const made = await runCli([
      'keys',
      'create',
      '--database-url',
      pg.url,
      '--name',
      'cli',
      '--scopes',
      'workflows:read',
    ]);
    assert.equal(made.code, 0, made.stderr);
    const key = made.stdout.trim();
    assert.equal((await api(a.url, 'GET', '/api/workflows', { key })).status, 200);
    const list = JSON.parse((await runCli(['keys', 'list', '--database-url', pg.url, '--json'])).stdout) as {
      id: string;
      name: string;
    }[];
    const id = list.find((k) => k.name === 'cli')!.id;
    assert.equal((await runCli(['keys', 'revoke', id, '--database-url', pg.url])).code, 0);
    assert.equal((await api(a.url, 'GET', '/api/workflows', { key })).status, 401);
    assert.equal((await api(b.url, 'GET', '/api/workflows', { key })).status, 401);
  });

  await t.test('a bad database URL is a clear error, not a crash', async () => {
    const r = await runCli(['keys', 'list', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot open the store postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    const bad = await runCli(['keys', 'list', '--database-url', 'mysql://x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /postgres:\/\//);
  });
});
