// Key rolls and credential rollback on a shared PostgreSQL (started by the test): migrations 4 and 5 applied; a roll on
// server A is honoured by server B on the very next request (no stale expiry: PostgreSQL is read on every request);
// a credential rotated on A is rolled back on B; a rollback window that passed is cleared lazily on read.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { postgresUnavailable, type RunningPostgres, startPostgres } from '../helpers/postgres';
import { api, type RunningServer, startServer } from '../helpers/server';
import { startUpstream, type Upstream } from '../helpers/upstream';

const skip = postgresUnavailable();
const V1 = `canaryPgOne_${randomBytes(12).toString('base64url')}`;
const V2 = `canaryPgTwo_${randomBytes(12).toString('base64url')}`;
const V3 = `canaryPgThree_${randomBytes(12).toString('base64url')}`;

let db: RunningPostgres | undefined;
let up: Upstream | undefined;
let a: RunningServer | undefined;
let b: RunningServer | undefined;
let client: pg.Client | undefined;

before(async () => {
  if (skip) return;
  db = await startPostgres();
  up = await startUpstream(() => ({ body: { login: 'octo' } }));
  const env = { FLERO_MASTER_KEY: randomBytes(32).toString('base64'), FLERO_SERVICE_BASE_URLS: `github=${up.url}` };
  [a, b] = await Promise.all([startServer({ databaseUrl: db.url, env }), startServer({ databaseUrl: db.url, env })]);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
after(async () => {
  await client?.end();
  await Promise.all([a?.stop(), b?.stop()]);
  await up?.close();
  await db?.stop();
});

test('rolls and rollbacks on one PostgreSQL shared by two servers', { skip }, async (t) => {
  const owner = (a!.ownerKey ?? b!.ownerKey)!;
  const A = a!.url;
  const B = b!.url;

  await t.test('migrations 4 and 5 are applied', async () => {
    const v = await client!.query('SELECT max(version) AS v FROM flero_migrations');
    assert.ok(Number(v.rows[0].v) >= 5);
    const cols = await client!.query(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE column_name IN ('rolled_from', 'rolled_to', 'previous_sealed_value', 'previous_last4', 'rollback_until')`,
    );
    assert.equal(cols.rowCount, 5);
  });

  await t.test('a roll on A: B refuses the old key on the next request (overlap 0s), serves the new one', async () => {
    for (let i = 0; i < 3; i++) {
      const made = await api(A, 'POST', '/api/api-keys', {
        key: owner,
        body: { name: `r${i}`, scopes: ['workflows:read'] },
      });
      assert.equal(made.status, 201, made.text);
      assert.equal((await api(B, 'GET', '/api/workflows', { key: made.body.key })).status, 200);
      const rolled = await api(A, 'POST', `/api/api-keys/${made.body.id}/roll`, {
        key: owner,
        body: { overlap: '0s' },
      });
      assert.equal(rolled.status, 201, rolled.text);
      const old = await api(B, 'GET', '/api/workflows', { key: made.body.key });
      assert.equal(old.status, 401, `round ${i}`);
      assert.equal(old.body.code, 'invalid_token');
      assert.equal((await api(B, 'GET', '/api/workflows', { key: rolled.body.key })).status, 200);
      const again = await api(B, 'POST', `/api/api-keys/${made.body.id}/roll`, { key: owner });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'already_rolled');
    }
  });

  await t.test('with an overlap the old key keeps working on B, and B shows the shortened expiry', async () => {
    const made = await api(A, 'POST', '/api/api-keys', {
      key: owner,
      body: { name: 'overlap', scopes: ['workflows:read'], expiresIn: '30d' },
    });
    const rolled = await api(A, 'POST', `/api/api-keys/${made.body.id}/roll`, { key: owner, body: { overlap: '1h' } });
    assert.equal(rolled.status, 201, rolled.text);
    assert.equal((await api(B, 'GET', '/api/workflows', { key: made.body.key })).status, 200);
    const seen = (await api(B, 'GET', `/api/api-keys/${made.body.id}`, { key: owner })).body;
    assert.equal(seen.rolledTo, rolled.body.id);
    assert.ok(Math.abs(Date.parse(seen.expiresAt) - (Date.now() + 3_600_000)) < 15_000);
    assert.ok(Date.parse(rolled.body.expiresAt) > Date.now() + 29 * 86_400_000, 'a 30-day lifetime from now');
  });

  await t.test('a credential rotated on A is rolled back on B', async () => {
    const made = await api(A, 'POST', '/api/credentials', {
      key: owner,
      body: { id: 'pg_gh', name: 'gh', service: 'github', authType: 'bearer', value: V1 },
    });
    assert.equal(made.status, 201, made.text);
    assert.equal((await api(A, 'PATCH', '/api/credentials/pg_gh', { key: owner, body: { value: V2 } })).status, 200);
    const back = await api(B, 'POST', '/api/credentials/pg_gh/rollback', { key: owner });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.version, 3);
    const n = up!.requests.length;
    assert.equal((await api(A, 'POST', '/api/credentials/pg_gh/test', { key: owner })).status, 200);
    assert.equal(up!.requests.slice(n).at(-1)?.headers.authorization, `Bearer ${V1}`);
    assert.equal((await api(A, 'POST', '/api/credentials/pg_gh/rollback', { key: owner })).status, 409);
  });

  await t.test('a window that passed is cleared on read (lazily, no restart)', async () => {
    // A new value: V2 was this credential's value before (value_reused).
    assert.equal((await api(A, 'PATCH', '/api/credentials/pg_gh', { key: owner, body: { value: V3 } })).status, 200);
    await client!.query("UPDATE credentials SET rollback_until = now() - interval '1 minute' WHERE id = 'pg_gh'");
    const got = await api(B, 'GET', '/api/credentials/pg_gh', { key: owner });
    assert.equal(got.body.rollbackUntil, null);
    const row = await client!.query("SELECT previous_sealed_value FROM credentials WHERE id = 'pg_gh'");
    assert.equal(row.rows[0].previous_sealed_value, null, 'destroyed by the read');
    const r = await api(A, 'POST', '/api/credentials/pg_gh/rollback', { key: owner });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'nothing_to_roll_back');
  });

  await t.test('no value in the servers’ output or the database in the clear', async () => {
    const out = a!.output() + b!.output();
    for (const v of [V1, V2, V3]) assert.ok(!out.includes(v));
    const dump = await client!.query('SELECT sealed_value, previous_sealed_value FROM credentials');
    const text = JSON.stringify(dump.rows);
    for (const v of [V1, V2, V3]) assert.ok(!text.includes(v));
  });
});
