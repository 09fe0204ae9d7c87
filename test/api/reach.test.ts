// A key's reach (the keys it could have minted) bounds what it may see and revoke: `GET /api/api-keys` lists only
// keys within reach, `GET`/`DELETE /api/api-keys/{id}` outside it → 403 privilege_escalation, and `GET /api/audit`
// for a narrow key shows only events about its workflows and about keys within its reach — paging stays exact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKey } from '../../server/src/core/keys';
import { postgresUnavailable, startPostgres } from '../helpers/postgres';
import { api, type RunningServer, rawRequest, startServer } from '../helpers/server';

let srv: RunningServer;
let owner: string;
let ownerId: string;
const inHour = () => new Date(Date.now() + 3_600_000).toISOString();

const wf = (id: string) => ({ id, name: id, nodes: [{ id: 'start', type: 'trigger' }] });

async function mint(body: Record<string, unknown>, key = owner) {
  const r = await api(srv.url, 'POST', '/api/api-keys', { key, body: { name: 'reach', ...body } });
  assert.equal(r.status, 201, r.text);
  return r.body as { id: string; key: string; expiresAt: string | null };
}

interface KeyRow {
  id: string;
  scopes: string[];
  workflows: 'all' | string[];
  expiresAt: string | null;
}

/** The reach rule, stated independently of the server: ids of the keys `callerId` could have minted. */
async function reachOf(callerId: string): Promise<Set<string>> {
  const all = (await api(srv.url, 'GET', '/api/api-keys', { key: owner })).body as KeyRow[];
  const c = all.find((k) => k.id === callerId)!;
  const within = (t: KeyRow) =>
    t.scopes.every((s) => c.scopes.includes(s)) &&
    (c.workflows === 'all' || (t.workflows !== 'all' && t.workflows.every((w) => c.workflows.includes(w)))) &&
    (c.expiresAt === null || (t.expiresAt !== null && Date.parse(t.expiresAt) <= Date.parse(c.expiresAt)));
  return new Set(all.filter(within).map((k) => k.id));
}

before(async () => {
  srv = await startServer({ env: { FLERO_RUN_WAIT_MS: '5000' } });
  owner = srv.ownerKey!;
  ownerId = (await api(srv.url, 'GET', '/api/me', { key: owner })).body.id;
  for (const id of ['wfA', 'wfB']) {
    assert.equal((await api(srv.url, 'POST', '/api/workflows', { key: owner, body: wf(id) })).status, 201);
    assert.equal((await api(srv.url, 'POST', `/api/workflows/${id}/run`, { key: owner, body: {} })).status, 200);
  }
});
after(async () => {
  await srv?.stop();
});

describe('key management is bounded by reach', () => {
  test('the issue: a narrow api-keys:write key cannot revoke (or read) the owner key', async () => {
    const narrow = await mint({ scopes: ['api-keys:write', 'api-keys:read'], workflows: ['wfA'], expiresAt: inHour() });
    const del = await api(srv.url, 'DELETE', `/api/api-keys/${ownerId}`, { key: narrow.key });
    assert.equal(del.status, 403, del.text);
    assert.equal(del.body.code, 'privilege_escalation');
    assert.match(del.body.detail, /outside|reach/);
    const read = await api(srv.url, 'GET', `/api/api-keys/${ownerId}`, { key: narrow.key });
    assert.equal(read.status, 403, read.text);
    assert.equal(read.body.code, 'privilege_escalation');
    // The owner key still works.
    assert.equal((await api(srv.url, 'GET', '/api/me', { key: owner })).status, 200);
    // Unknown ids stay 404.
    const none = await api(srv.url, 'DELETE', '/api/api-keys/key_0000000000000000', { key: narrow.key });
    assert.equal(none.status, 404, none.text);
  });

  test('each dimension of reach: scopes, workflows, expiry', async () => {
    const exp = inHour();
    const caller = await mint({
      scopes: ['api-keys:write', 'api-keys:read', 'workflows:read'],
      workflows: ['wfA', 'wfB'],
      expiresAt: exp,
    });
    const later = new Date(Date.parse(exp) + 60_000).toISOString();
    const outside = [
      await mint({ scopes: ['workflows:write'], workflows: ['wfA'], expiresAt: exp }), // a scope it lacks
      await mint({ scopes: ['workflows:read'], workflows: 'all', expiresAt: exp }), // "all" workflows
      await mint({ scopes: ['workflows:read'], workflows: ['wfA', 'wfC'], expiresAt: exp }), // another workflow
      await mint({ scopes: ['workflows:read'], workflows: ['wfA'] }), // no expiry
      await mint({ scopes: ['workflows:read'], workflows: ['wfA'], expiresAt: later }), // expires later
    ];
    const inside = [
      await mint({ scopes: ['workflows:read'], workflows: ['wfA'], expiresAt: exp }),
      await mint({ scopes: ['api-keys:read', 'workflows:read'], workflows: ['wfA', 'wfB'], expiresAt: exp }),
    ];
    for (const k of outside) {
      const r = await api(srv.url, 'GET', `/api/api-keys/${k.id}`, { key: caller.key });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.code, 'privilege_escalation');
      const d = await api(srv.url, 'DELETE', `/api/api-keys/${k.id}`, { key: caller.key });
      assert.equal(d.status, 403, d.text);
      assert.equal((await api(srv.url, 'GET', '/api/me', { key: k.key })).status, 200, 'still live');
    }
    for (const k of inside) {
      assert.equal((await api(srv.url, 'GET', `/api/api-keys/${k.id}`, { key: caller.key })).status, 200);
    }
    const listed = await api(srv.url, 'GET', '/api/api-keys', { key: caller.key });
    assert.equal(listed.status, 200, listed.text);
    const ids = listed.body.map((k: { id: string }) => k.id).sort();
    assert.deepEqual(ids, [...(await reachOf(caller.id))].sort(), 'only keys within reach, itself included');
    for (const k of [caller, ...inside]) assert.ok(ids.includes(k.id));
    for (const k of [...outside, { id: ownerId }]) assert.ok(!ids.includes(k.id));
    // Revoking within reach works.
    assert.equal((await api(srv.url, 'DELETE', `/api/api-keys/${inside[0]!.id}`, { key: caller.key })).status, 204);
    assert.equal((await api(srv.url, 'GET', '/api/me', { key: inside[0]!.key })).status, 401);
  });

  test('a key with no expiry reaches keys with or without one; the owner reaches every key', async () => {
    const caller = await mint({ scopes: ['api-keys:read', 'workflows:read'] });
    const expiring = await mint({ scopes: ['workflows:read'], expiresAt: inHour() });
    const forever = await mint({ scopes: ['workflows:read'], workflows: ['wfB'] });
    for (const k of [expiring, forever])
      assert.equal((await api(srv.url, 'GET', `/api/api-keys/${k.id}`, { key: caller.key })).status, 200);
    const all = await api(srv.url, 'GET', '/api/api-keys', { key: owner });
    const mine = await api(srv.url, 'GET', '/api/api-keys', { key: caller.key });
    assert.ok(all.body.length > mine.body.length);
    assert.ok(all.body.some((k: { id: string }) => k.id === ownerId));
  });
});

describe('the audit log is bounded by reach', () => {
  test('an allow-listed key sees events about its workflows (whoever caused them) and keys within reach only', async () => {
    const exp = inHour();
    const reader = await mint({ scopes: ['audit:read', 'workflows:read'], workflows: ['wfA'], expiresAt: exp });
    const child = await mint({ scopes: ['workflows:read'], workflows: ['wfA'], expiresAt: exp });
    await api(srv.url, 'GET', '/api/workflows', { key: child.key }); // key.used of the child
    await api(srv.url, 'GET', '/api/workflows', { key: generateKey() }); // auth.failed: no key, no workflow
    await api(srv.url, 'POST', '/api/workflows/wfA/run', { key: owner, body: {} });
    await api(srv.url, 'POST', '/api/workflows/wfB/run', { key: owner, body: {} });
    const r = await api(srv.url, 'GET', '/api/audit?limit=1000', { key: reader.key });
    assert.equal(r.status, 200, r.text);
    const entries = r.body as { event: string; target: string | null; keyId: string | null }[];
    const keyIds = await reachOf(reader.id);
    assert.ok(keyIds.has(child.id) && keyIds.has(reader.id) && !keyIds.has(ownerId));
    for (const e of entries) {
      const aboutWorkflow = e.event.startsWith('workflow.') && e.target === 'wfA';
      const aboutKey = e.event.startsWith('key.') && keyIds.has(e.target ?? '');
      assert.ok(aboutWorkflow || aboutKey, `unexpected entry ${JSON.stringify(e)}`);
    }
    assert.ok(entries.some((e) => e.event === 'workflow.run' && e.target === 'wfA' && e.keyId === ownerId));
    assert.ok(entries.some((e) => e.event === 'workflow.created' && e.target === 'wfA'));
    assert.ok(entries.some((e) => e.event === 'key.created' && e.target === child.id));
    assert.ok(entries.some((e) => e.event === 'key.used' && e.target === child.id));
    assert.ok(!entries.some((e) => e.target === 'wfB' || e.target === ownerId));
    assert.ok(!entries.some((e) => e.event.startsWith('auth.')), 'key-less events are not for an allow-listed key');
    // The owner still sees everything.
    const all = (await api(srv.url, 'GET', '/api/audit?limit=1000', { key: owner })).body as { event: string }[];
    assert.ok(all.some((e) => e.event === 'auth.failed'));
    assert.ok(all.length > entries.length);
  });

  test('paging with limit/before returns full pages of visible entries', async () => {
    const reader = await mint({ scopes: ['audit:read'], workflows: ['wfA'] });
    // Interleave visible (wfA) and invisible (wfB) events.
    for (let i = 0; i < 6; i++) {
      await api(srv.url, 'POST', '/api/workflows/wfB/run', { key: owner, body: {} });
      await api(srv.url, 'POST', '/api/workflows/wfA/run', { key: owner, body: {} });
      await api(srv.url, 'POST', '/api/workflows/wfB/run', { key: owner, body: {} });
    }
    const everything = (await api(srv.url, 'GET', '/api/audit?limit=1000', { key: reader.key })).body as {
      id: number;
    }[];
    assert.ok(everything.length >= 8);
    const seen = (await api(srv.url, 'GET', '/api/audit?limit=1000', { key: reader.key })).body as {
      target: string | null;
    }[];
    assert.ok(!seen.some((e) => e.target === 'wfB'), 'entries about wfB are filtered out');
    const paged: number[] = [];
    let before = `&before=${everything[0]!.id + 1}`; // later key.used entries (of these very reads) stay out
    for (let i = 0; i < 100; i++) {
      const page = await api(srv.url, 'GET', `/api/audit?limit=3${before}`, { key: reader.key });
      assert.equal(page.status, 200, page.text);
      const ids = page.body.map((e: { id: number }) => e.id);
      paged.push(...ids);
      if (ids.length < 3) break;
      before = `&before=${ids.at(-1)}`;
    }
    assert.deepEqual(
      paged,
      everything.map((e) => e.id),
      'pages are full and together equal the whole listing',
    );
  });

  test('a key with "all" workflows but narrow scopes sees workflow and key-less events, keys only within reach', async () => {
    const reader = await mint({ scopes: ['audit:read'] });
    const entries = (await api(srv.url, 'GET', '/api/audit?limit=1000', { key: reader.key })).body as {
      event: string;
      target: string | null;
    }[];
    assert.ok(entries.some((e) => e.event === 'workflow.run' && e.target === 'wfB'));
    assert.ok(entries.some((e) => e.event === 'auth.failed'));
    assert.ok(!entries.some((e) => e.event.startsWith('key.') && e.target === ownerId), 'not the owner key');
    const reach = await reachOf(reader.id);
    for (const e of entries.filter((x) => x.event.startsWith('key.')))
      assert.ok(reach.has(e.target ?? ''), `key event outside reach: ${JSON.stringify(e)}`);
  });
});

describe('on PostgreSQL (the same SQL; the async key lookup)', { skip: postgresUnavailable() }, () => {
  test('reach, the audit filter and the failed-auth limit hold on a real PostgreSQL', async () => {
    const pg = await startPostgres();
    const s = await startServer({ databaseUrl: pg.url, env: { FLERO_AUTH_FAILURE_LIMIT: '5' } });
    try {
      const own = s.ownerKey!;
      const me = (await api(s.url, 'GET', '/api/me', { key: own })).body.id as string;
      const w = { id: 'wfA', name: 'A', nodes: [{ id: 'start', type: 'trigger' }] };
      assert.equal((await api(s.url, 'POST', '/api/workflows', { key: own, body: w })).status, 201);
      assert.equal((await api(s.url, 'POST', '/api/workflows', { key: own, body: { ...w, id: 'wfB' } })).status, 201);
      const made = await api(s.url, 'POST', '/api/api-keys', {
        key: own,
        body: {
          name: 'n',
          scopes: ['api-keys:write', 'api-keys:read', 'audit:read'],
          workflows: ['wfA'],
          expiresAt: inHour(),
        },
      });
      assert.equal(made.status, 201, made.text);
      const narrowKey = made.body.key as string;
      const del = await api(s.url, 'DELETE', `/api/api-keys/${me}`, { key: narrowKey });
      assert.equal(del.status, 403, del.text);
      assert.equal(del.body.code, 'privilege_escalation');
      const listed = await api(s.url, 'GET', '/api/api-keys', { key: narrowKey });
      assert.deepEqual(
        listed.body.map((k: { id: string }) => k.id),
        [made.body.id],
      );
      const audit = await api(s.url, 'GET', '/api/audit?limit=1000', { key: narrowKey });
      assert.equal(audit.status, 200, audit.text);
      const shown = [...new Set(audit.body.map((e: { event: string; target: string }) => `${e.event}:${e.target}`))];
      assert.deepEqual(shown.sort(), [
        `key.created:${made.body.id}`,
        `key.used:${made.body.id}`,
        'workflow.created:wfA',
      ]);
      // Blocked address, async lookup: failing attempts get 429, a valid key passes.
      for (let i = 0; i < 5; i++)
        await rawRequest(s.url, {
          path: '/api/me',
          localAddress: '127.0.0.4',
          headers: { authorization: `Bearer ${generateKey()}` },
        });
      const blocked = await rawRequest(s.url, {
        path: '/api/me',
        localAddress: '127.0.0.4',
        headers: { authorization: `Bearer ${generateKey()}` },
      });
      assert.equal(blocked.status, 429);
      const valid = await rawRequest(s.url, {
        path: '/api/me',
        localAddress: '127.0.0.4',
        headers: { authorization: `Bearer ${own}` },
      });
      assert.equal(valid.status, 200, valid.text);
    } finally {
      await s.stop();
      await pg.stop();
    }
  });
});
