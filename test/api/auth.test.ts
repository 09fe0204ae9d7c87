// Keys and auth on the real server: revoke, expiry, the subset rule, lastUsedAt, audit, junk Authorization headers
// (each a specific 4xx problem) and the failed-auth limit (429 + Retry-After, per address).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { generateKey } from '../../server/src/core/keys';
import type { FleroClient } from '../../server/src/apiClient/client';
import type { FleroApiError } from '../../server/src/apiClient/transport';
import type { CreateApiKeyBody } from '../../server/src/core/operations';
import { api, client, type RunningServer, rawRequest, startServer } from '../helpers/server';

const LIMIT = 40;
let srv: RunningServer;
let owner: string;
/** The typed API client signed in with the owner key (ordinary calls; `api(…)` for the refused and odd ones). */
let ownerApi: FleroClient;

before(async () => {
  srv = await startServer({ env: { FLERO_AUTH_FAILURE_LIMIT: String(LIMIT), FLERO_RUN_WAIT_MS: '300' } });
  owner = srv.ownerKey!;
  ownerApi = client(srv, owner);
  await ownerApi.call('createWorkflow', {
    body: { id: 'wf1', name: 'One', nodes: [{ id: 'start', type: 'trigger' }] },
  });
});
after(async () => {
  await srv?.stop();
});

async function mint(body: Record<string, unknown>, key = owner) {
  return api(srv.url, 'POST', '/api/api-keys', { key, body: { name: 'test', ...body } });
}

/** A new key (typed): its metadata and, this once, the key itself. */
async function minted(body: Omit<CreateApiKeyBody, 'name'>, by: FleroClient = ownerApi) {
  return by.call('createApiKey', { body: { name: 'test', ...body } });
}

/** The typed call's rejection (a FleroApiError). */
async function refusal(p: Promise<unknown>): Promise<FleroApiError> {
  return p.then(
    () => assert.fail('the call was not refused'),
    (e: FleroApiError) => e,
  );
}

/** Requests from another loopback address (the failed-auth limit is per address). */
function from(localAddress: string) {
  return {
    async get(path: string, authorization?: string) {
      const r = await rawRequest(srv.url, { path, localAddress, headers: authorization ? { authorization } : {} });
      return {
        status: r.status,
        challenge: String(r.headers['www-authenticate'] ?? ''),
        retryAfter: r.headers['retry-after'],
        body: r.body,
      };
    },
    close: async () => {},
  };
}

describe('revocation', () => {
  test('the request right after a revoke gets 401; the row stays with revokedAt', async () => {
    const made = await minted({ scopes: ['workflows:read'] });
    assert.match(made.key, /^flero_sk_[0-9A-Za-z]{36}$/);
    assert.equal(made.start, made.key.slice(0, 13));
    const theirs = client(srv, made.key);
    assert.equal((await theirs.call('getWorkflow', { params: { id: 'wf1' } })).id, 'wf1');
    const del = await ownerApi.request('revokeApiKey', { params: { id: made.id } });
    assert.equal(del.status, 204);
    assert.equal(del.body, undefined);
    const after = await refusal(theirs.call('getWorkflow', { params: { id: 'wf1' } }));
    assert.equal(after.status, 401);
    assert.equal(after.problem?.code, 'invalid_token');
    assert.match(after.wwwAuthenticate ?? '', /^Bearer realm="flero", error="invalid_token"/);
    const row = await ownerApi.call('getApiKey', { params: { id: made.id } });
    assert.ok(row.revokedAt);
    assert.ok(!('key' in row), 'never the key again');
    const listed = await ownerApi.call('listApiKeys');
    assert.ok(listed.some((k) => k.id === made.id && k.revokedAt));
    assert.ok(listed.every((k) => !('key' in k)));
  });

  test('revoking an unknown id → 404 problem; a revoked key cannot revoke others', async () => {
    const r = await api(srv.url, 'DELETE', '/api/api-keys/key_0000000000000000', { key: owner });
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'not_found');
    const weird = await api(srv.url, 'DELETE', '/api/api-keys/nope', { key: owner });
    assert.equal(weird.status, 404);
  });

  test('a key can revoke itself; its next request is 401', async () => {
    const made = await mint({ scopes: ['api-keys:write'] });
    const del = await api(srv.url, 'DELETE', `/api/api-keys/${made.body.id}`, { key: made.body.key });
    assert.equal(del.status, 204);
    const again = await api(srv.url, 'DELETE', `/api/api-keys/${made.body.id}`, { key: made.body.key });
    assert.equal(again.status, 401);
  });
});

describe('expiry', () => {
  test('an expiresAt in the past → 400 validation_failed naming expiresAt', async () => {
    const r = await mint({ scopes: ['workflows:read'], expiresAt: '2020-01-01T00:00:00Z' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.code, 'validation_failed');
    assert.deepEqual(
      r.body.errors.map((e: { field: string }) => e.field),
      ['expiresAt'],
    );
  });

  test('an expiresAt without a time (or a zone) → 400 saying what is expected, with an example', async () => {
    const expected = 'expiresAt must be an ISO 8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z';
    for (const expiresAt of ['2027-01-01', '2027-01-31T00:00:00', 1800000000000]) {
      const r = await mint({ scopes: ['workflows:read'], expiresAt });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.code, 'validation_failed');
      assert.deepEqual(r.body.errors, [{ field: 'expiresAt', message: expected }], String(expiresAt));
    }
    // Not a date at all: the same message first (zod also runs the "in the future" check on it).
    const garbage = await mint({ scopes: ['workflows:read'], expiresAt: '31.01.2027' });
    assert.equal(garbage.status, 400);
    assert.deepEqual(garbage.body.errors[0], { field: 'expiresAt', message: expected });
    for (const expiresAt of ['2099-01-31T00:00:00Z', '2099-01-31T00:00:00+02:00', '2099-01-31T00:00:00.123Z']) {
      const r = await mint({ scopes: ['workflows:read'], expiresAt });
      assert.equal(r.status, 201, `${expiresAt}: ${r.text}`);
    }
    const past = await mint({ scopes: ['workflows:read'], expiresAt: '2020-01-01T00:00:00Z' });
    assert.deepEqual(past.body.errors, [{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
  });

  test('a key works until it expires, then 401 invalid_token saying expired', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const made = await mint({ scopes: ['workflows:read'], expiresAt });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.expiresAt, expiresAt);
    assert.equal((await api(srv.url, 'GET', '/api/workflows', { key: made.body.key })).status, 200);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expiresAt) - Date.now() + 50)));
    const r = await api(srv.url, 'GET', '/api/workflows', { key: made.body.key });
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'invalid_token');
    assert.match(r.body.detail, /expired/);
    assert.match(r.headers.get('www-authenticate') ?? '', /error="invalid_token".*expired/);
  });
});

describe('minting never escalates (privilege_escalation)', () => {
  let narrow: { key: string; expiresAt: string };
  before(async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const r = await mint({ scopes: ['api-keys:write', 'workflows:read'], workflows: ['wf1', 'wf2'], expiresAt });
    assert.equal(r.status, 201, r.text);
    narrow = { key: r.body.key, expiresAt };
  });
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a scope the caller lacks', { scopes: ['workflows:write'], workflows: ['wf1'] }, /workflows:write/],
    ['"all" workflows from an allow-listed caller', { scopes: ['workflows:read'], workflows: 'all' }, /all/],
    [
      'a workflow outside the allow-list',
      { scopes: ['workflows:read'], workflows: ['wf1', 'wf3'] },
      /allow-list \(1 of/,
    ],
    ['no expiry from an expiring caller', { scopes: ['workflows:read'], workflows: ['wf1'] }, /expir/],
  ];
  for (const [what, body, detail] of cases)
    test(what, async () => {
      const before = (await api(srv.url, 'GET', '/api/api-keys', { key: owner })).body.length;
      const r = await mint(body, narrow.key);
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.code, 'privilege_escalation');
      assert.match(r.body.detail, detail);
      assert.equal((await api(srv.url, 'GET', '/api/api-keys', { key: owner })).body.length, before, 'nothing minted');
    });
  test('an expiry later than the caller’s', async () => {
    const later = new Date(Date.parse(narrow.expiresAt) + 60_000).toISOString();
    const r = await mint({ scopes: ['workflows:read'], workflows: ['wf1'], expiresAt: later }, narrow.key);
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'privilege_escalation');
  });
  test('a subset is fine, and the new key works within it', async () => {
    const r = await mint({ scopes: ['workflows:read'], workflows: ['wf1'], expiresAt: narrow.expiresAt }, narrow.key);
    assert.equal(r.status, 201, r.text);
    assert.equal((await api(srv.url, 'GET', '/api/workflows/wf1', { key: r.body.key })).status, 200);
    assert.equal((await api(srv.url, 'GET', '/api/workflows/wf2', { key: r.body.key })).status, 403);
  });
});

describe('GET /api/me, lastUsedAt and the audit log', () => {
  test('/api/me returns the calling key without its value', async () => {
    const made = await minted({ scopes: ['executions:read'], workflows: ['wf1'] });
    const me = await client(srv, made.key).call('whoami');
    assert.equal(me.id, made.id);
    assert.deepEqual(me.scopes, ['executions:read']);
    assert.deepEqual(me.workflows, ['wf1']);
    assert.ok(!JSON.stringify(me).includes(made.key));
  });

  test('lastUsedAt is set after use; the audit log records created, used, revoked and failed auth', async () => {
    const made = await minted({ scopes: ['workflows:read'] });
    assert.equal(made.lastUsedAt, null);
    const theirs = client(srv, made.key);
    await theirs.call('listWorkflows');
    await theirs.call('listWorkflows');
    await refusal(client(srv, generateKey()).call('listWorkflows')); // unknown key: failed auth
    await ownerApi.call('revokeApiKey', { params: { id: made.id } });
    const row = await ownerApi.call('getApiKey', { params: { id: made.id } });
    assert.ok(row.lastUsedAt, 'lastUsedAt recorded');
    const audit = await ownerApi.call('listAudit', { query: { limit: 1000 } });
    const about = (event: string) => audit.filter((e) => e.event === event && e.target === made.id);
    assert.equal(about('key.created').length, 1);
    assert.equal(about('key.revoked').length, 1);
    const used = audit.filter((e) => e.event === 'key.used' && e.keyId === made.id);
    assert.equal(
      used.reduce((n, e) => n + (e.detail as { requests: number }).requests, 0),
      2,
    );
    assert.ok(audit.some((e) => e.event === 'auth.failed'));
    assert.ok(!JSON.stringify(audit).includes(made.key), 'no key value in the audit log');
    const filtered = await ownerApi.call('listAudit', { query: { event: 'key.revoked', limit: 1 } });
    assert.equal(filtered.length, 1);
    assert.equal(filtered[0]!.event, 'key.revoked');
    const bad = await api(srv.url, 'GET', '/api/audit?limit=0', { key: owner });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'validation_failed');
    assert.equal(bad.body.errors[0].field, 'limit');
    // An event the log never records is a mistake to point out, not an empty page.
    const unknown = await api(srv.url, 'GET', '/api/audit?event=nonsense', { key: owner });
    assert.equal(unknown.status, 400, unknown.text);
    assert.equal(unknown.body.errors[0].field, 'event');
    assert.match(unknown.body.errors[0].message, /key\.revoked/, 'the message lists the events');
  });
});

describe('junk Authorization headers → a specific problem each', () => {
  const client = () => from('127.0.0.3');
  const cases: [string, string | undefined, number, string, RegExp][] = [
    ['no header', undefined, 401, 'missing_credentials', /^Bearer realm="flero"$/],
    ['Basic scheme', 'Basic dXNlcjpwYXNz', 401, 'unsupported_auth_scheme', /^Bearer realm="flero"$/], // flero-scan:allow
    ['Bearer with no token', 'Bearer', 401, 'invalid_token', /error="invalid_token"/],
    ['Bearer with two tokens', 'Bearer a b', 401, 'invalid_token', /error="invalid_token"/],
    ['not a Flero key', 'Bearer hunter2', 401, 'invalid_token', /error="invalid_token"/],
    ['a key with a wrong checksum', `Bearer flero_sk_${'A'.repeat(36)}`, 401, 'invalid_token', /invalid_token/],
    ['a well-formed unknown key', `Bearer ${generateKey()}`, 401, 'invalid_token', /invalid_token/],
    ['another prefix, unknown', `Bearer ${generateKey('acme_sk_')}`, 401, 'invalid_token', /invalid_token/],
  ];
  for (const [what, header, status, code, challenge] of cases)
    test(what, async () => {
      const c = client();
      try {
        const r = await c.get('/api/workflows', header);
        assert.equal(r.status, status);
        assert.equal(r.body.code, code);
        assert.equal(r.body.status, status);
        assert.equal(typeof r.body.title, 'string');
        assert.equal(typeof r.body.type, 'string');
        assert.match(r.challenge, challenge);
      } finally {
        await c.close();
      }
    });

  test('the scheme is case-insensitive', async () => {
    const r = await api(srv.url, 'GET', '/api/me', { headers: { authorization: `bEaReR ${owner}` } });
    assert.equal(r.status, 200);
  });

  test('two Authorization headers → 400 invalid_request', async () => {
    const r = await rawRequest(srv.url, {
      path: '/api/me',
      headers: ['Authorization', `Bearer ${owner}`, 'Authorization', `Bearer ${generateKey()}`],
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.code, 'invalid_request');
    assert.match(String(r.headers['www-authenticate']), /error="invalid_request"/);
  });
});

test('repeated failed auth from one address → 429 with Retry-After for failing attempts only; a valid key always passes', async () => {
  const attacker = from('127.0.0.2');
  try {
    for (let i = 0; i < LIMIT; i++) {
      const r = await attacker.get('/api/workflows', `Bearer ${generateKey()}`);
      assert.equal(r.status, 401);
    }
    const blocked = await attacker.get('/api/workflows', `Bearer ${generateKey()}`);
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.code, 'too_many_failed_auth');
    const retry = Number(blocked.retryAfter);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    for (const junk of ['Bearer hunter2', `Bearer flero_sk_${'A'.repeat(36)}`]) {
      const r = await attacker.get('/api/workflows', junk);
      assert.equal(r.status, 429, `${junk.slice(0, 12)}…: a failing attempt from a blocked address`);
    }
    // The issue: any local process could lock the extension out. A valid key from the same address still works.
    const valid = await attacker.get('/api/workflows', `Bearer ${owner}`);
    assert.equal(valid.status, 200, 'a valid key is never refused by the failed-auth limit');
    const narrow = await mint({ scopes: ['workflows:read'] });
    assert.equal((await attacker.get('/api/workflows/wf1', `Bearer ${narrow.body.key}`)).status, 200);
    // …and is still checked: a revoked key from the blocked address is a failing attempt.
    assert.equal((await api(srv.url, 'DELETE', `/api/api-keys/${narrow.body.id}`, { key: owner })).status, 204);
    assert.equal((await attacker.get('/api/workflows/wf1', `Bearer ${narrow.body.key}`)).status, 429);
    const elsewhere = await api(srv.url, 'GET', '/api/workflows', { key: owner });
    assert.equal(elsewhere.status, 200, 'another address still works');
    const health = await attacker.get('/healthz');
    assert.equal(health.status, 200, 'public routes are not blocked');
    // Blocked attempts are counted, not written one by one: the audit log has one auth.blocked for the address.
    const audit = await api(srv.url, 'GET', '/api/audit?event=auth.blocked&limit=1000', { key: owner });
    assert.equal(audit.body.filter((e: { ip: string }) => e.ip === '127.0.0.2').length, 1, audit.text);
  } finally {
    await attacker.close();
  }
});

test('a run that outlasts the wait → 202 + Location, then the finished execution there', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const upstream = createServer((_req, res) => {
    void gate.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"late":true}'));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as { port: number }).port;
  try {
    const wf = {
      id: 'wf_slow',
      name: 'Slow',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'call', type: 'http', method: 'GET', url: `http://127.0.0.1:${port}/slow` },
      ],
      connections: [{ from: 'start', to: 'call' }],
    };
    assert.equal((await api(srv.url, 'POST', '/api/workflows', { key: owner, body: wf })).status, 201);
    const r = await api(srv.url, 'POST', '/api/workflows/wf_slow/run', { key: owner, body: { input: { a: 1 } } });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.status, 'running');
    const location = r.headers.get('location')!;
    assert.equal(location, `/api/executions/${r.body.id}`);
    const running = await api(srv.url, 'GET', location, { key: owner });
    assert.equal(running.body.status, 'running');
    release();
    let done = running;
    for (let i = 0; i < 200 && done.body.status === 'running'; i++) {
      await new Promise((res) => setTimeout(res, 50));
      done = await api(srv.url, 'GET', location, { key: owner });
    }
    assert.equal(done.body.status, 'succeeded', done.text);
    assert.deepEqual(done.body.output.body, { late: true });
  } finally {
    release();
    upstream.close();
  }
});

test('403 refusals are audited as auth.denied (who, which route, why), never with a key value', async () => {
  const narrow = await mint({ scopes: ['workflows:read'] });
  assert.equal(narrow.status, 201, narrow.text);
  const scopeDenied = await api(srv.url, 'GET', '/api/audit', { key: narrow.body.key });
  assert.equal(scopeDenied.status, 403);
  const escalation = await api(srv.url, 'POST', '/api/api-keys', {
    key: narrow.body.key,
    body: { name: 'wider', scopes: ['audit:read'] },
  });
  assert.equal(escalation.status, 403);
  const audit = await api(srv.url, 'GET', '/api/audit?event=auth.denied&limit=100', { key: owner });
  assert.equal(audit.status, 200, audit.text);
  const mine = audit.body.filter((e: { keyId: string }) => e.keyId === narrow.body.id);
  assert.deepEqual(
    mine
      .map((e: { target: string; detail: { code: string; scope?: string } }) => [
        e.target,
        e.detail.code,
        e.detail.scope,
      ])
      .reverse(),
    [
      ['GET /api/audit', 'insufficient_scope', 'audit:read'],
      ['POST /api/api-keys', 'insufficient_scope', 'api-keys:write'],
    ],
  );
  assert.ok(!audit.text.includes(narrow.body.key));
  // A refusal a handler decides (minting beyond the caller's own rights) is audited the same way.
  const minter = await mint({ scopes: ['api-keys:write'] });
  const wider = await api(srv.url, 'POST', '/api/api-keys', {
    key: minter.body.key,
    body: { name: 'wider', scopes: ['audit:read'] },
  });
  assert.equal(wider.body.code, 'privilege_escalation', wider.text);
  const after = await api(srv.url, 'GET', '/api/audit?event=auth.denied&limit=100', { key: owner });
  const byMinter = after.body.filter((e: { keyId: string }) => e.keyId === minter.body.id);
  assert.deepEqual(
    byMinter.map((e: { target: string; detail: { code: string } }) => [e.target, e.detail.code]),
    [['POST /api/api-keys', 'privilege_escalation']],
  );
});
