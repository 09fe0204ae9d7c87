// OAuth2 client_credentials on a shared PostgreSQL: two servers running the same credential concurrently fetch one
// token per expiry between them (the refresh runs under an advisory lock per credential: the second server reads the
// token the first stored), and the database holds the tokens only sealed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startProvider, type TestProvider } from '../helpers/oauth2Provider';
import { postgresUnavailable, type RunningPostgres, startPostgres } from '../helpers/postgres';
import { api, type RunningServer, startServer } from '../helpers/server';
import { startUpstream, type Upstream } from '../helpers/upstream';

const skip = postgresUnavailable();
const TTL = 3;
let db: RunningPostgres | undefined;
let provider: TestProvider | undefined;
let up: Upstream | undefined;
const seen = new Set<string>();

before(async () => {
  if (skip) return;
  db = await startPostgres();
  provider = await startProvider({ redirectUri: 'http://127.0.0.1:9/oauth2/callback', ttlSeconds: TTL });
  up = await startUpstream(async (req) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token) seen.add(token);
    return token && (await provider!.introspect(token)) ? { body: { ok: true } } : { status: 401, body: {} };
  });
});
after(async () => {
  await up?.close();
  await provider?.close();
  await db?.stop();
});

test('two servers on one PostgreSQL: one token request per expiry between them', { skip }, async () => {
  const env = { FLERO_MASTER_KEY: randomBytes(32).toString('base64') };
  const a: RunningServer = await startServer({ databaseUrl: db!.url, env });
  const b: RunningServer = await startServer({ databaseUrl: db!.url, env });
  try {
    const owner = (a.ownerKey ?? b.ownerKey)!;
    const created = await api(a.url, 'POST', '/api/credentials', {
      key: owner,
      body: {
        id: 'cc_pg',
        name: 'cc',
        service: 'custom',
        authType: 'oauth2',
        hosts: [`http://${up!.host}`],
        value: provider!.svcSecret,
        oauth2: { grantType: 'client_credentials', tokenUrl: provider!.tokenUrl, clientId: 'svc', scope: 'api' },
      },
    });
    assert.equal(created.status, 201, created.text);
    const put = await api(a.url, 'PUT', '/api/workflows/wf_pg', {
      key: owner,
      body: {
        id: 'wf_pg',
        name: 'pg',
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'call', type: 'http', method: 'GET', url: `${up!.url}/me`, credential: 'cc_pg' },
        ],
        connections: [{ from: 'start', to: 'call' }],
      },
    });
    assert.ok(put.status === 200 || put.status === 201, put.text);
    const before = provider!.tokenRequests();
    const started = Date.now();
    while (Date.now() - started < 3.5 * TTL * 1000) {
      const runs = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api(i % 2 ? a.url : b.url, 'POST', '/api/workflows/wf_pg/run', { key: owner, body: {} }),
        ),
      );
      for (const r of runs) assert.equal(r.body.status, 'succeeded', r.text);
      await new Promise((r) => setTimeout(r, 150));
    }
    const elapsed = (Date.now() - started) / 1000;
    const requests = provider!.tokenRequests() - before;
    const bound = Math.ceil(elapsed / (0.8 * TTL)) + 1;
    assert.ok(requests >= 3, `refreshed during the runs (${requests})`);
    assert.ok(requests <= bound, `${requests} token requests in ${elapsed} s from two servers (at most ${bound})`);
    const viaB = await api(b.url, 'GET', '/api/credentials/cc_pg', { key: owner });
    assert.equal(viaB.body.oauth2.status, 'connected');

    // The database holds no token and no client secret in the clear.
    const client = new pg.Client({ connectionString: db!.url });
    await client.connect();
    try {
      const rows = await client.query('SELECT * FROM credential_oauth2');
      const credRows = await client.query('SELECT * FROM credentials');
      const dump = JSON.stringify([rows.rows, credRows.rows]);
      assert.ok(rows.rows.length === 1 && rows.rows[0].sealed_tokens);
      for (const t of [...seen, ...provider!.issued(), provider!.svcSecret])
        assert.ok(!dump.includes(t), 'no token or secret unsealed in the database');
    } finally {
      await client.end();
    }
    for (const t of [...seen, provider!.svcSecret])
      assert.ok(!a.output().includes(t) && !b.output().includes(t), 'no token in the server logs');
  } finally {
    await a.stop();
    await b.stop();
  }
});
