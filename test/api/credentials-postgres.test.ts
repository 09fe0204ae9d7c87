// Credentials on a shared PostgreSQL: two servers given the same FLERO_MASTER_KEY share credentials (create on one,
// run/test/rotate through the other); without FLERO_MASTER_KEY a server refuses to store values (503, clear reason);
// the database holds only sealed values.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { scanString } from '../reliability/canary';
import { postgresUnavailable, type RunningPostgres, startPostgres } from '../helpers/postgres';
import { api, type RunningServer, startServer } from '../helpers/server';
import { startUpstream, type Upstream } from '../helpers/upstream';

const skip = postgresUnavailable();
const CANARY = `canaryPg_${randomBytes(12).toString('base64url')}`;
const ROTATED = `canaryPgRot_${randomBytes(12).toString('base64url')}`;

let db: RunningPostgres | undefined;
let up: Upstream | undefined;
before(async () => {
  if (skip) return;
  db = await startPostgres();
  up = await startUpstream((req) => ({ body: { auth: req.headers.authorization } }));
});
after(async () => {
  await up?.close();
  await db?.stop();
});

test('two servers on one PostgreSQL share credentials under one FLERO_MASTER_KEY', { skip }, async () => {
  const masterKey = randomBytes(32).toString('base64');
  const env = { FLERO_MASTER_KEY: masterKey, FLERO_SERVICE_BASE_URLS: `github=${up!.url}` };
  const a: RunningServer = await startServer({ databaseUrl: db!.url, env });
  const b: RunningServer = await startServer({ databaseUrl: db!.url, env });
  const noKey: RunningServer = await startServer({ databaseUrl: db!.url, env: { FLERO_MASTER_KEY: '' } });
  try {
    const owner = a.ownerKey ?? b.ownerKey;
    assert.ok(owner, 'one of the servers created the owner key');
    const created = await api(a.url, 'POST', '/api/credentials', {
      key: owner,
      body: { id: 'cred_pg', name: 'gh', service: 'github', authType: 'bearer', value: CANARY },
    });
    assert.equal(created.status, 201, created.text);

    const tested = await api(b.url, 'POST', '/api/credentials/cred_pg/test', { key: owner });
    assert.equal(tested.body.ok, true, tested.text);
    assert.equal(up!.requests.at(-1)!.headers.authorization, `Bearer ${CANARY}`);

    const rotated = await api(b.url, 'PATCH', '/api/credentials/cred_pg', { key: owner, body: { value: ROTATED } });
    assert.equal(rotated.status, 200, rotated.text);
    await api(a.url, 'PUT', '/api/workflows/wf_pg', {
      key: owner,
      body: {
        id: 'wf_pg',
        name: 'pg',
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'me', type: 'github.getUser', credential: 'cred_pg' },
        ],
        connections: [{ from: 'start', to: 'me' }],
      },
    });
    const run = await api(a.url, 'POST', '/api/workflows/wf_pg/run', { key: owner, body: {} });
    assert.equal(run.body.status, 'succeeded', run.text);
    assert.equal(up!.requests.at(-1)!.headers.authorization, `Bearer ${ROTATED}`, 'server A sees B’s rotation');
    assert.equal(run.body.nodes[1].output.body.auth, 'Bearer ***');

    const refused = await api(noKey.url, 'POST', '/api/credentials', {
      key: owner,
      body: { name: 'x', service: 'github', authType: 'bearer', value: CANARY },
    });
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.body.code, 'master_key_unavailable');
    assert.match(refused.body.detail, /FLERO_MASTER_KEY is required with --database-url/);

    const client = new pg.Client({ connectionString: db!.url });
    await client.connect();
    try {
      const rows = await client.query('SELECT * FROM credentials');
      const audit = await client.query('SELECT * FROM audit_log');
      const execs = await client.query('SELECT * FROM executions');
      const dump = JSON.stringify([rows.rows, audit.rows, execs.rows]);
      assert.ok(dump.includes('cred_pg'));
      const hits = scanString(dump, { canaries: { a: CANARY, b: ROTATED }, flagValidKeys: false });
      assert.deepEqual(hits, [], 'the database holds no form of the values');
    } finally {
      await client.end();
    }
    for (const s of [a, b, noKey])
      assert.deepEqual(scanString(s.output(), { canaries: { a: CANARY, b: ROTATED }, flagValidKeys: false }), []);
  } finally {
    await Promise.all([a.stop(), b.stop(), noKey.stop()]);
  }
});
