// `POST /api/credentials/{id}/rollback` through the real built server (embedded store) and a real local upstream:
// within 24 h of a rotation the previous value is restored (the upstream sees it again), once; a rollback cannot be
// rolled back; a later rotation replaces the kept value; after the window the value is destroyed (pruned at start);
// 409 nothing_to_roll_back, 404, scope; audited. Canary values never appear in a response, the audit log, the
// server's output or (unsealed) the data dir.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPglite } from '../../server/src/api/store/pglite';
import { describeHits, scanString, sweep } from '../reliability/canary';
import { api, type RunningServer, startServer } from '../helpers/server';
import { tmpDir, type TmpDir } from '../helpers/tmp';
import { startUpstream, type Upstream } from '../helpers/upstream';

const canary = (label: string) => `canary${label}_${randomBytes(12).toString('base64url')}`;
const V1 = canary('One');
const V2 = canary('Two');
const V3 = canary('Three');
const V4 = canary('Four');
const V5 = canary('Five');
const W1 = canary('Wone');
const W2 = canary('Wtwo');
const canaries = { V1, V2, V3, V4, V5, W1, W2 };

describe('credential rollback', () => {
  let up: Upstream;
  let srv: RunningServer;
  let keep: TmpDir;
  let owner: string;
  const seen: string[] = [];
  const outputs: string[] = [];

  async function call(method: string, path: string, body?: unknown, key = owner) {
    const r = await api(srv.url, method, path, { key, ...(body !== undefined ? { body } : {}) });
    seen.push(r.text);
    return r;
  }

  /** The value the server sends now (the upstream records the test call's Authorization header). */
  async function sentValue(id: string): Promise<string> {
    const before = up.requests.length;
    const r = await call('POST', `/api/credentials/${id}/test`);
    assert.equal(r.status, 200, r.text);
    const auth = String(up.requests.slice(before).at(-1)?.headers.authorization ?? '');
    return auth.replace(/^Bearer /, '');
  }

  const start = () =>
    startServer({
      dataDir: `${keep.path}/store`,
      ownerKeyFile: `${keep.path}/owner-key`,
      env: { FLERO_SERVICE_BASE_URLS: `github=${up.url}`, FLERO_MASTER_KEY: '' },
    });

  before(async () => {
    up = await startUpstream(() => ({ body: { login: 'octo' } }));
    keep = tmpDir('flero-cred-rollback');
    srv = await start();
    owner = srv.ownerKey!;
  });
  after(async () => {
    await srv?.stop({ keepData: true });
    await up?.close();
    keep?.remove();
  });

  it('restores the value before the last rotation, once; the rollback itself cannot be rolled back', async () => {
    const made = await call('POST', '/api/credentials', {
      id: 'gh',
      name: 'GitHub',
      service: 'github',
      authType: 'bearer',
      value: V1,
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.rollbackUntil, null, 'nothing to roll back before a rotation');
    const none = await call('POST', '/api/credentials/gh/rollback');
    assert.equal(none.status, 409, none.text);
    assert.equal(none.body.code, 'nothing_to_roll_back');

    const rotated = await call('PATCH', '/api/credentials/gh', { value: V2 });
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(rotated.body.version, 2);
    assert.ok(rotated.body.rollbackUntil, 'a rollback is offered');
    const window = Date.parse(rotated.body.rollbackUntil) - Date.parse(rotated.body.rotatedAt);
    assert.ok(Math.abs(window - 24 * 3_600_000) < 5_000, `24 h after the rotation (${window} ms)`);
    assert.equal((await call('GET', '/api/credentials/gh')).body.rollbackUntil, rotated.body.rollbackUntil);
    assert.equal(await sentValue('gh'), V2);

    const back = await call('POST', '/api/credentials/gh/rollback');
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.version, 3);
    assert.equal(back.body.rollbackUntil, null);
    assert.ok(Date.parse(back.body.rotatedAt) >= Date.parse(rotated.body.rotatedAt));
    assert.equal(back.body.last4, V1.slice(-4), 'the restored value’s hint');
    assert.equal(await sentValue('gh'), V1, 'the previous value is sent again');

    const twice = await call('POST', '/api/credentials/gh/rollback');
    assert.equal(twice.status, 409, twice.text);
    assert.equal(twice.body.code, 'nothing_to_roll_back');
    assert.match(twice.body.detail, /24 h/);
    assert.equal(await sentValue('gh'), V1);
  });

  it('only the value right before the last rotation is kept: two rotations, one rollback', async () => {
    // New values each time: a value the credential had before (V2) is refused as value_reused.
    assert.equal((await call('PATCH', '/api/credentials/gh', { value: V3 })).status, 200);
    assert.equal((await call('PATCH', '/api/credentials/gh', { value: V4 })).status, 200);
    const back = await call('POST', '/api/credentials/gh/rollback');
    assert.equal(back.status, 200, back.text);
    assert.equal(await sentValue('gh'), V3);
    assert.equal((await call('POST', '/api/credentials/gh/rollback')).status, 409);
  });

  it('an edit without a value keeps the rollback; unknown id → 404; credentials:read → 403', async () => {
    assert.equal((await call('PATCH', '/api/credentials/gh', { value: V5 })).status, 200);
    const renamed = await call('PATCH', '/api/credentials/gh', { name: 'GitHub (renamed)' });
    assert.equal(renamed.status, 200, renamed.text);
    assert.ok(renamed.body.rollbackUntil, 'renaming is not a rotation');
    assert.equal((await call('POST', '/api/credentials/nope/rollback')).status, 404);
    const reader = await call('POST', '/api/api-keys', { name: 'reader', scopes: ['credentials:read'] });
    const denied = await call('POST', '/api/credentials/gh/rollback', undefined, reader.body.key);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, 'insufficient_scope');
    assert.equal(denied.body.scope, 'credentials:write');
    const list = await call('GET', '/api/credentials');
    assert.ok(list.body.find((c: { id: string }) => c.id === 'gh').rollbackUntil);
  });

  it('is audited as credential.rolled_back (without any value)', async () => {
    const audit = await call('GET', '/api/audit?event=credential.rolled_back');
    assert.equal(audit.status, 200, audit.text);
    assert.ok(audit.body.length >= 2);
    assert.ok(audit.body.every((e: { target: string }) => e.target === 'gh'));
    assert.equal(typeof audit.body[0].detail.version, 'number');
  });

  it('after 24 h the previous value is destroyed: pruned at start; rollback → 409', async () => {
    const made = await call('POST', '/api/credentials', {
      id: 'old',
      name: 'Old',
      service: 'github',
      authType: 'bearer',
      value: W1,
    });
    assert.equal(made.status, 201, made.text);
    assert.equal((await call('PATCH', '/api/credentials/old', { value: W2 })).status, 200);
    outputs.push(srv.output());
    await srv.stop({ keepData: true });
    // 25 hours pass (the window is moved back instead): the server is stopped, so the store can be opened here.
    const db = await openPglite(`${keep.path}/store`);
    try {
      await db.query("UPDATE credentials SET rollback_until = now() - interval '1 hour' WHERE id = 'old'");
    } finally {
      await db.close();
    }
    srv = await start();
    const got = await call('GET', '/api/credentials/old');
    assert.equal(got.status, 200);
    assert.equal(got.body.rollbackUntil, null);
    const r = await call('POST', '/api/credentials/old/rollback');
    assert.equal(r.status, 409, r.text);
    assert.equal(r.body.code, 'nothing_to_roll_back');
    assert.equal(await sentValue('old'), W2, 'the current value is untouched');
    outputs.push(srv.output());
    await srv.stop({ keepData: true });
    const db3 = await openPglite(`${keep.path}/store`);
    try {
      const rows = await db3.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM credentials WHERE previous_sealed_value IS NOT NULL OR rollback_until IS NOT NULL',
      );
      // 'gh' still has its window open (rotated to V5 above); 'old' was pruned at start.
      const old = await db3.query<{ p: string | null }>(
        "SELECT previous_sealed_value AS p FROM credentials WHERE id = 'old'",
      );
      assert.equal(old[0]?.p, null, 'destroyed in the store');
      assert.equal(rows[0]?.n, 1);
    } finally {
      await db3.close();
    }
    srv = await start();
  });

  it('no value anywhere: responses, audit, server output, data dir', async () => {
    await call('GET', '/api/audit?limit=1000');
    outputs.push(srv.output());
    const hits = [
      ...seen.flatMap((t, i) => scanString(t, { canaries, flagValidKeys: false }, `response ${i}`)),
      ...outputs.flatMap((o, i) => scanString(o, { canaries, flagValidKeys: false }, `server output ${i}`)),
      ...sweep([dirname(srv.dataDir!)], { canaries, flagValidKeys: false }),
    ];
    assert.deepEqual(hits, [], describeHits(hits));
  });
});
