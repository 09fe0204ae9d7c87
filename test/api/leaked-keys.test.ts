// `POST /api/leaked-keys`, as an attacker would probe it and as a scanner would use it: a live key reported is
// revoked (the next request with it is 401) and audited as key.leaked with the source; revoked, expired, junk,
// wrong-checksum and other-prefix keys get the very same answer and take the same time (no oracle); malformed
// bodies are 400 and change nothing; reports are rate-limited per address; the key never reaches the server's logs.
// Then on PostgreSQL: a report on one server revokes the key for another sharing the database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKey } from '../../server/src/core/keys';
import { postgresUnavailable, type RunningPostgres, startPostgres } from '../helpers/postgres';
import { api, rawRequest, type RunningServer, startServer } from '../helpers/server';

const report = (srv: RunningServer, body: unknown, localAddress = '127.0.0.1') =>
  rawRequest(srv.url, {
    method: 'POST',
    path: '/api/leaked-keys',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    localAddress,
  });

async function mint(
  srv: RunningServer,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; key: string }> {
  const r = await api(srv.url, 'POST', '/api/api-keys', {
    key: srv.ownerKey,
    body: { name, scopes: ['workflows:read'], ...extra },
  });
  assert.equal(r.status, 201, r.text);
  return { id: r.body.id, key: r.body.key };
}

async function until(what: string, f: () => Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const leakedEntries = async (srv: RunningServer) =>
  (await api(srv.url, 'GET', '/api/audit?event=key.leaked&limit=100', { key: srv.ownerKey })).body as {
    target: string;
    ip: string;
    detail: { source?: string; name: string };
  }[];

describe('POST /api/leaked-keys on the embedded store', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer({ env: { FLERO_LEAK_REPORT_LIMIT: '1000' } });
  });
  after(() => srv.stop());

  test('a live key reported is revoked at once and audited as key.leaked with the source', async () => {
    const { id, key } = await mint(srv, 'leaky');
    assert.equal((await api(srv.url, 'GET', '/api/me', { key })).status, 200);
    const r = await report(srv, { keys: [key, 'not a key'], source: 'https://git.example.com/acme/app/commit/1a2b' });
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.body, { received: 2 });
    await until(
      'the reported key is refused',
      async () => (await api(srv.url, 'GET', '/api/me', { key })).status === 401,
    );
    const entries = (await leakedEntries(srv)).filter((e) => e.target === id);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.detail.source, 'https://git.example.com/acme/app/commit/1a2b');
    assert.equal(entries[0]!.ip, '127.0.0.1');
    const shown = await api(srv.url, 'GET', `/api/api-keys/${id}`, { key: srv.ownerKey });
    assert.ok(shown.body.revokedAt);
    // Reported again: nothing more happens (no second audit entry).
    await report(srv, { keys: [key] });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await leakedEntries(srv)).filter((e) => e.target === id).length, 1);
  });

  test('no oracle: live, revoked, expired, junk, wrong-checksum and other-prefix keys get the same answer', async () => {
    const live = await mint(srv, 'probe-live');
    const revoked = await mint(srv, 'probe-revoked');
    assert.equal((await api(srv.url, 'DELETE', `/api/api-keys/${revoked.id}`, { key: srv.ownerKey })).status, 204);
    const expired = await mint(srv, 'probe-expired', { expiresAt: new Date(Date.now() + 1500).toISOString() });
    await new Promise((r) => setTimeout(r, 1600));
    const wrongChecksum = `${live.key.slice(0, -1)}${live.key.endsWith('A') ? 'B' : 'A'}`;
    const before = (await leakedEntries(srv)).length;
    const answers = [];
    for (const k of [revoked.key, expired.key, 'junk', wrongChecksum, generateKey('other_'), live.key]) {
      const r = await report(srv, { keys: [k] });
      const { date: _d, ...headers } = r.headers;
      answers.push({ status: r.status, text: r.text, headers });
    }
    for (const a of answers) assert.deepEqual(a, answers[0]);
    assert.equal(answers[0]!.status, 202);
    await until(
      'the live one is revoked',
      async () => (await api(srv.url, 'GET', '/api/me', { key: live.key })).status === 401,
    );
    const after = await leakedEntries(srv);
    assert.equal(after.length, before + 1, 'only the live key is audited');
    assert.equal(
      (await api(srv.url, 'GET', `/api/api-keys/${expired.id}`, { key: srv.ownerKey })).body.revokedAt,
      null,
    );
  });

  test('no oracle in time: live, unknown, revoked, bad-checksum and junk reports get the same answer in the same time', async () => {
    // Bounded: 20 rounds of five kinds (100 reports, a few seconds). Each round starts at another kind, so no kind
    // always follows the same one. Medians, compared with a generous ratio, so a noisy 2-core machine does not fail it
    // while an answer that waited for the store (a lookup, a revocation, an audit write) would.
    const rounds = 20;
    const lives = await Promise.all(Array.from({ length: rounds }, (_, i) => mint(srv, `timing-${i}`)));
    const revoked = await Promise.all(Array.from({ length: rounds }, (_, i) => mint(srv, `timing-revoked-${i}`)));
    for (const k of revoked)
      assert.equal((await api(srv.url, 'DELETE', `/api/api-keys/${k.id}`, { key: srv.ownerKey })).status, 204);
    const flip = (k: string) => `${k.slice(0, -1)}${k.endsWith('A') ? 'B' : 'A'}`;
    const kinds = {
      live: (i: number) => lives[i]!.key,
      unknown: () => generateKey(),
      revoked: (i: number) => revoked[i]!.key,
      badChecksum: () => flip(generateKey()),
      junk: (i: number) => `junk-${i}-not-a-key`,
    };
    const names = Object.keys(kinds) as (keyof typeof kinds)[];
    const t = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<keyof typeof kinds, number[]>;
    const answers = new Set<string>();
    for (let i = 0; i < rounds; i++)
      for (let j = 0; j < names.length; j++) {
        const kind = names[(i + j) % names.length]!;
        const key = kinds[kind](i);
        const t0 = performance.now();
        const r = await report(srv, { keys: [key] });
        t[kind].push(performance.now() - t0);
        const { date: _d, ...headers } = r.headers;
        answers.add(JSON.stringify({ status: r.status, text: r.text, headers }));
      }
    assert.equal(answers.size, 1, [...answers].join('\n'));
    assert.equal(JSON.parse([...answers][0]!).status, 202);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const medians = Object.fromEntries(names.map((n) => [n, Math.round(med(t[n]) * 100) / 100]));
    const fastest = Math.min(...Object.values(medians));
    for (const n of names)
      assert.ok(medians[n]! < 3 * fastest + 5, `${n} median ${medians[n]} ms; medians ${JSON.stringify(medians)}`);
    await until(
      'the live ones are revoked',
      async () => (await api(srv.url, 'GET', '/api/me', { key: lives[rounds - 1]!.key })).status === 401,
    );
  });

  test('malformed reports are 400 with a specific message and change nothing', async () => {
    const { key } = await mint(srv, 'untouched');
    const cases: [unknown, RegExp][] = [
      ['{not json', /JSON/i],
      [{}, /keys/],
      [{ keys: 'flero_sk_x' }, /keys/],
      [{ keys: [1, 2] }, /keys/],
      [{ keys: Array.from({ length: 101 }, () => 'k') }, /at most 100 keys/],
      [{ keys: ['x'.repeat(201)] }, /at most 200 characters/],
      [{ keys: [key], source: 'x'.repeat(2001) }, /2,000 characters/],
      [{ keys: [key], extra: true }, /extra/],
    ];
    for (const [body, message] of cases) {
      const r = await report(srv, body);
      assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 60)}: ${r.text}`);
      assert.match(r.text, message);
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await api(srv.url, 'GET', '/api/me', { key })).status, 200);
  });

  test('the key never reaches the server’s output', async () => {
    const { key } = await mint(srv, 'quiet');
    await report(srv, { keys: [key], source: `found beside ${key}` });
    await until('revoked', async () => (await api(srv.url, 'GET', '/api/me', { key })).status === 401);
    assert.ok(!srv.output().includes(key));
    const entry = (await leakedEntries(srv)).find((e) => e.detail.name === 'quiet')!;
    assert.ok(!JSON.stringify(entry).includes(key), 'a key in the source is redacted in the audit log');
  });
});

describe('rate limit', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer();
  });
  after(() => srv.stop());

  test('the 11th report within a minute from one address is 429 with Retry-After; another address is not limited', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await report(srv, { keys: ['junk'] }, '127.0.0.3')).status, 202);
    const r = await report(srv, { keys: ['junk'] }, '127.0.0.3');
    assert.equal(r.status, 429, r.text);
    assert.ok(Number(r.headers['retry-after']) >= 1);
    assert.match(r.text, /too_many_reports/);
    assert.equal((await report(srv, { keys: ['junk'] }, '127.0.0.4')).status, 202);
  });
});

const skip = postgresUnavailable();
describe('on PostgreSQL shared by two servers', { skip }, () => {
  let db: RunningPostgres;
  let a: RunningServer;
  let b: RunningServer;
  before(async () => {
    db = await startPostgres();
    a = await startServer({ databaseUrl: db.url });
    b = await startServer({ databaseUrl: db.url });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.stop();
  });

  test('a key reported to A is refused by B; reported to both, it is audited once', async () => {
    const owner = (a.ownerKey ?? b.ownerKey)!;
    const made = await api(a.url, 'POST', '/api/api-keys', {
      key: owner,
      body: { name: 'pg-leak', scopes: ['workflows:read'] },
    });
    const key = made.body.key as string;
    assert.equal((await api(b.url, 'GET', '/api/me', { key })).status, 200);
    await Promise.all([report(a, { keys: [key], source: 'https://paste.example.com/x' }), report(b, { keys: [key] })]);
    await until('B refuses it', async () => (await api(b.url, 'GET', '/api/me', { key })).status === 401);
    await new Promise((r) => setTimeout(r, 300));
    const entries = (await api(a.url, 'GET', '/api/audit?event=key.leaked', { key: owner })).body as {
      target: string;
    }[];
    assert.equal(entries.filter((e) => e.target === made.body.id).length, 1);
  });
});
