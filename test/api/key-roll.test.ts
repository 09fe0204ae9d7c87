// Rolling API keys (`POST /api/api-keys/{id}/roll`) and `expiresIn` on `POST /api/api-keys`, through the real built
// server on the embedded store: the new key (same name, scopes, workflows, expiry policy), the old key's shortened
// expiry honoured by the very next request (and after a restart), rolledFrom/rolledTo, 409s for keys that cannot be
// rolled, reach (403), validation (400), the audit entry; no plaintext key in the audit log or the server's output.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, type RunningServer, startServer } from '../helpers/server';
import { tmpDir, type TmpDir } from '../helpers/tmp';

const H = 3_600_000;
const D = 24 * H;

let srv: RunningServer;
let keep: TmpDir;
let owner: string;
const plaintexts: string[] = [];

async function mint(body: Record<string, unknown>, key = owner) {
  const r = await api(srv.url, 'POST', '/api/api-keys', { key, body: { name: 'roll me', ...body } });
  assert.equal(r.status, 201, r.text);
  plaintexts.push(r.body.key);
  return r.body as { id: string; key: string; expiresAt: string | null; createdAt: string; name: string };
}

async function roll(id: string, body?: unknown, key = owner) {
  const r = await api(srv.url, 'POST', `/api/api-keys/${id}/roll`, { key, ...(body !== undefined ? { body } : {}) });
  if (r.status === 201) plaintexts.push(r.body.key);
  return r;
}

const near = (iso: string | null, ms: number, slack = 15_000) => {
  assert.ok(iso, 'has an expiry');
  assert.ok(Math.abs(Date.parse(iso) - ms) < slack, `${iso} ≈ ${new Date(ms).toISOString()}`);
};

before(async () => {
  keep = tmpDir('flero-key-roll');
  srv = await startServer({ dataDir: `${keep.path}/store`, ownerKeyFile: `${keep.path}/owner-key` });
  owner = srv.ownerKey!;
});
after(async () => {
  await srv?.stop();
  keep?.remove();
});

describe('POST /api/api-keys/{id}/roll', () => {
  it('default overlap 24h: a new key like the old one; both work; both name each other', async () => {
    const old = await mint({ scopes: ['workflows:read', 'executions:read'], workflows: ['wfA', 'wfB'] });
    const t0 = Date.now();
    const r = await roll(old.id); // no body at all
    assert.equal(r.status, 201, r.text);
    const k = r.body;
    assert.match(k.key, /^flero_sk_/);
    assert.notEqual(k.key, old.key);
    assert.notEqual(k.id, old.id);
    assert.equal(r.headers.get('location'), `/api/api-keys/${k.id}`);
    assert.equal(k.name, 'roll me');
    assert.deepEqual(k.scopes, ['workflows:read', 'executions:read']);
    assert.deepEqual(k.workflows, ['wfA', 'wfB']);
    assert.equal(k.expiresAt, null, 'no expiry stays none');
    assert.equal(k.rolledFrom, old.id);
    assert.equal(k.rolledTo, null);
    const o = (await api(srv.url, 'GET', `/api/api-keys/${old.id}`, { key: owner })).body;
    assert.equal(o.rolledTo, k.id);
    assert.equal(o.rolledFrom, null);
    assert.equal(o.revokedAt, null, 'a roll is not a revoke');
    near(o.expiresAt, t0 + D);
    for (const key of [old.key, k.key])
      assert.equal((await api(srv.url, 'GET', '/api/workflows', { key })).status, 200);
    const list = (await api(srv.url, 'GET', '/api/api-keys', { key: owner })).body as {
      id: string;
      rolledFrom: string | null;
      rolledTo: string | null;
    }[];
    assert.equal(list.find((x) => x.id === old.id)?.rolledTo, k.id);
    assert.equal(list.find((x) => x.id === k.id)?.rolledFrom, old.id);
    assert.ok(list.every((x) => 'rolledFrom' in x && 'rolledTo' in x));
  });

  it('overlap 0s: the old key stops on the very next request (a roll, not a revoke); the new one works', async () => {
    const old = await mint({ scopes: ['workflows:read'] });
    assert.equal((await api(srv.url, 'GET', '/api/workflows', { key: old.key })).status, 200); // cached, in use
    const r = await roll(old.id, { overlap: '0s' });
    assert.equal(r.status, 201, r.text);
    const denied = await api(srv.url, 'GET', '/api/workflows', { key: old.key });
    assert.equal(denied.status, 401);
    assert.equal(denied.body.code, 'invalid_token');
    assert.match(denied.body.detail, /expired/);
    assert.equal((await api(srv.url, 'GET', '/api/workflows', { key: r.body.key })).status, 200);
    const o = (await api(srv.url, 'GET', `/api/api-keys/${old.id}`, { key: owner })).body;
    assert.equal(o.revokedAt, null);
    assert.ok(Date.parse(o.expiresAt) <= Date.now());
  });

  it('overlap in minutes: the old key keeps working until then', async () => {
    const old = await mint({ scopes: ['workflows:read'] });
    const t0 = Date.now();
    const r = await roll(old.id, { overlap: '15m' });
    assert.equal(r.status, 201, r.text);
    near((await api(srv.url, 'GET', `/api/api-keys/${old.id}`, { key: owner })).body.expiresAt, t0 + 15 * 60_000);
    assert.equal((await api(srv.url, 'GET', '/api/workflows', { key: old.key })).status, 200);
  });

  it('overlap in seconds: the old key works until its new expiry, then 401; the new key keeps working', async () => {
    const old = await mint({ scopes: ['workflows:read'] });
    const r = await roll(old.id, { overlap: '3s' });
    assert.equal(r.status, 201, r.text);
    const until = Date.parse((await api(srv.url, 'GET', `/api/api-keys/${old.id}`, { key: owner })).body.expiresAt);
    assert.equal((await api(srv.url, 'GET', '/api/workflows', { key: old.key })).status, 200, 'within the overlap');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now()) + 500));
    const after = await api(srv.url, 'GET', '/api/workflows', { key: old.key });
    assert.equal(after.status, 401, 'past its new expiry');
    assert.match(after.headers.get('www-authenticate') ?? '', /expired/);
    assert.equal((await api(srv.url, 'GET', '/api/workflows', { key: r.body.key })).status, 200);
  });

  it('expiry policy: the new key gets the old one’s lifetime from now; the old expiry is never extended', async () => {
    const old = await mint({ scopes: ['workflows:read'], expiresIn: '2h' });
    const lifetime = Date.parse(old.expiresAt!) - Date.parse(old.createdAt);
    const t0 = Date.now();
    const r = await roll(old.id, { overlap: '7d' });
    assert.equal(r.status, 201, r.text);
    near(r.body.expiresAt, t0 + lifetime);
    const o = (await api(srv.url, 'GET', `/api/api-keys/${old.id}`, { key: owner })).body;
    assert.equal(o.expiresAt, old.expiresAt, 'min(old expiry, now + 7d) = the old expiry');
  });

  it('rolling twice → 409 already_rolled naming the new key; the new key can be rolled in turn', async () => {
    const old = await mint({ scopes: ['workflows:read'] });
    const first = await roll(old.id);
    assert.equal(first.status, 201);
    const again = await roll(old.id, { overlap: '1h' });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.code, 'already_rolled');
    assert.ok(again.body.detail.includes(first.body.id), again.body.detail);
    const next = await roll(first.body.id, { overlap: '0s' });
    assert.equal(next.status, 201, next.text);
    assert.equal(next.body.rolledFrom, first.body.id);
  });

  it('a revoked or an expired key → 409 key_not_active; an unknown one → 404', async () => {
    const revoked = await mint({ scopes: ['workflows:read'] });
    assert.equal((await api(srv.url, 'DELETE', `/api/api-keys/${revoked.id}`, { key: owner })).status, 204);
    const r1 = await roll(revoked.id);
    assert.equal(r1.status, 409, r1.text);
    assert.equal(r1.body.code, 'key_not_active');
    assert.match(r1.body.detail, /revoked/);

    const expiring = await mint({ scopes: ['workflows:read'], expiresIn: '1s' });
    await new Promise((r) => setTimeout(r, 1_300));
    const r2 = await roll(expiring.id);
    assert.equal(r2.status, 409, r2.text);
    assert.equal(r2.body.code, 'key_not_active');
    assert.match(r2.body.detail, /expired/);

    const unknown = await roll('key_0000000000000000');
    assert.equal(unknown.status, 404);
    assert.equal((await roll('nonsense')).status, 404);
  });

  it('validates overlap: a duration up to 7d, nothing else', async () => {
    const old = await mint({ scopes: ['workflows:read'] });
    for (const overlap of ['8d', '169h', '10081m', 'soon', '', '-1h', '24', 24]) {
      const r = await roll(old.id, { overlap });
      assert.equal(r.status, 400, `${JSON.stringify(overlap)}: ${r.text}`);
      assert.equal(r.body.code, 'validation_failed');
      assert.deepEqual(
        r.body.errors.map((e: { field: string }) => e.field),
        ['overlap'],
      );
    }
    const extra = await roll(old.id, { overlap: '1h', revoke: true });
    assert.equal(extra.status, 400);
    const seven = await roll(old.id, { overlap: '7d' });
    assert.equal(seven.status, 201, 'exactly 7d is allowed; nothing was rolled by the refused attempts');
  });

  it('reach: outside it → 403 privilege_escalation, nothing changes; within it → 201; no scope → 403', async () => {
    const limit = new Date(Date.now() + 2 * D).toISOString();
    const narrow = await mint({
      scopes: ['api-keys:read', 'api-keys:write', 'workflows:read'],
      workflows: ['wfA'],
      expiresAt: limit,
    });
    const ownerId = (await api(srv.url, 'GET', '/api/me', { key: owner })).body.id;
    const wide = await mint({ scopes: ['workflows:read', 'workflows:write'], workflows: ['wfA'] });
    for (const id of [ownerId, wide.id]) {
      const r = await roll(id, { overlap: '0s' }, narrow.key);
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.code, 'privilege_escalation');
      const after = (await api(srv.url, 'GET', `/api/api-keys/${id}`, { key: owner })).body;
      assert.equal(after.rolledTo, null);
    }
    assert.equal((await api(srv.url, 'GET', '/api/me', { key: owner })).status, 200, 'the owner still works');

    // Within reach: its own child, with a lifetime longer than what is left of the caller → capped at the caller's.
    const child = await mint(
      { scopes: ['workflows:read'], workflows: ['wfA'], expiresAt: new Date(Date.now() + D).toISOString() },
      narrow.key,
    );
    const rolled = await roll(child.id, { overlap: '1h' }, narrow.key);
    assert.equal(rolled.status, 201, rolled.text);
    assert.ok(Date.parse(rolled.body.expiresAt) <= Date.parse(limit), 'never beyond the caller’s own expiry');
    assert.deepEqual(rolled.body.workflows, ['wfA']);

    // The caller rolls itself: the new key expires no later than the caller did.
    const self = await roll(narrow.id, { overlap: '0s' }, narrow.key);
    assert.equal(self.status, 201, self.text);
    assert.ok(Date.parse(self.body.expiresAt) <= Date.parse(limit));
    assert.equal((await api(srv.url, 'GET', '/api/me', { key: narrow.key })).status, 401);
    assert.equal((await api(srv.url, 'GET', '/api/me', { key: self.body.key })).status, 200);

    const reader = await mint({ scopes: ['api-keys:read'] });
    const r = await roll(child.id, undefined, reader.key);
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'insufficient_scope');
  });

  it('is audited as key.rolled {rolledTo, overlap}; no plaintext key in the audit log', async () => {
    const old = await mint({ scopes: ['workflows:read'] });
    const r = await roll(old.id, { overlap: '2h' });
    assert.equal(r.status, 201);
    const audit = await api(srv.url, 'GET', '/api/audit?event=key.rolled', { key: owner });
    assert.equal(audit.status, 200, audit.text);
    const entry = audit.body.find((e: { target: string }) => e.target === old.id);
    assert.ok(entry, 'a key.rolled entry about the old key');
    assert.equal(entry.detail.rolledTo, r.body.id);
    assert.equal(entry.detail.overlap, '2h');
    const all = (await api(srv.url, 'GET', '/api/audit?limit=1000', { key: owner })).text;
    for (const p of plaintexts) assert.ok(!all.includes(p), 'no plaintext key in the audit log');
  });

  it('the shortened expiry survives a restart (the embedded index is rebuilt from the store)', async () => {
    const old = await mint({ scopes: ['workflows:read'] });
    const r = await roll(old.id, { overlap: '0s' });
    assert.equal(r.status, 201);
    const out = srv.output();
    await srv.stop({ keepData: true });
    srv = await startServer({ dataDir: `${keep.path}/store`, ownerKeyFile: srv.ownerKeyFile });
    assert.equal((await api(srv.url, 'GET', '/api/workflows', { key: old.key })).status, 401);
    assert.equal((await api(srv.url, 'GET', '/api/workflows', { key: r.body.key })).status, 200);
    for (const p of plaintexts) assert.ok(!(out + srv.output()).includes(p), 'no plaintext key in the server output');
  });
});

describe('POST /api/api-keys with expiresIn', () => {
  it('expiresIn "30d" → expiresAt = now + 30 days', async () => {
    const t0 = Date.now();
    const k = await mint({ scopes: ['workflows:read'], expiresIn: '30d' });
    near(k.expiresAt, t0 + 30 * D);
    const m = await mint({ scopes: ['workflows:read'], expiresIn: '90s' });
    near(m.expiresAt, t0 + 90_000);
  });

  it('expiresAt and expiresIn together → 400 naming both', async () => {
    const r = await api(srv.url, 'POST', '/api/api-keys', {
      key: owner,
      body: {
        name: 'x',
        scopes: ['workflows:read'],
        expiresIn: '1d',
        expiresAt: new Date(Date.now() + D).toISOString(),
      },
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.code, 'validation_failed');
    assert.deepEqual(
      r.body.errors.map((e: { field: string }) => e.field),
      ['expiresAt', 'expiresIn'],
    );
    assert.match(r.body.detail, /expiresAt, expiresIn/);
  });

  it('a bad expiresIn → 400 naming expiresIn; a bad expiresAt → 400 with an example', async () => {
    for (const expiresIn of ['30 days', '0d', '1w', '', 30]) {
      const r = await api(srv.url, 'POST', '/api/api-keys', {
        key: owner,
        body: { name: 'x', scopes: ['workflows:read'], expiresIn },
      });
      assert.equal(r.status, 400, `${JSON.stringify(expiresIn)}: ${r.text}`);
      assert.deepEqual(
        r.body.errors.map((e: { field: string }) => e.field),
        ['expiresIn'],
      );
    }
    const r = await api(srv.url, 'POST', '/api/api-keys', {
      key: owner,
      body: { name: 'x', scopes: ['workflows:read'], expiresAt: 'tomorrow' },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].field, 'expiresAt');
    assert.match(r.body.errors[0].message, /e\.g\. 2027-01-31T00:00:00Z/);
  });

  it('expiresIn beyond the caller’s own expiry → 403 privilege_escalation', async () => {
    const caller = await mint({ scopes: ['api-keys:write', 'workflows:read'], expiresIn: '1h' });
    const r = await api(srv.url, 'POST', '/api/api-keys', {
      key: caller.key,
      body: { name: 'x', scopes: ['workflows:read'], expiresIn: '2h' },
    });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.code, 'privilege_escalation');
    const ok = await api(srv.url, 'POST', '/api/api-keys', {
      key: caller.key,
      body: { name: 'x', scopes: ['workflows:read'], expiresIn: '30m' },
    });
    assert.equal(ok.status, 201, ok.text);
    plaintexts.push(ok.body.key);
  });
});
