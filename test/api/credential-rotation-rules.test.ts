// Rotation without mistakes and basic credentials, through the real built server and a real local upstream that
// accepts only the values it is told to. PATCH with `value` tests the candidate with the service's no-op call before
// the swap: refused → 409 rotation_test_failed with the verdict, nothing changed (version, rotatedAt, and the value a
// run sends); `force: true` overrides; the value it has → 409 value_unchanged; a value it had → 409 value_reused
// (keyed fingerprints), also after a rollback. Basic: `Authorization: Basic base64(username:password)`, masked in run
// records in both forms. Canary values never appear in a response, the audit log or the server's output.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openPglite } from '../../server/src/api/store/pglite';
import { describeHits, scanString } from '../reliability/canary';
import { api, type RunningServer, startServer } from '../helpers/server';
import { tmpDir, type TmpDir } from '../helpers/tmp';
import { startUpstream, type Upstream } from '../helpers/upstream';

const canary = (label: string) => `canary${label}_${randomBytes(12).toString('base64url')}`;
const A = canary('Aone');
const B = canary('Btwo');
const BAD = canary('Bad');
const C = canary('Cthree');
const PW = canary('Pw');
const PW2 = canary('Pwtwo');
const USER = 'alice';
const canaries: Record<string, string> = { A, B, BAD, C, PW, PW2, PAIR: `${USER}:${PW}`, PAIR2: `${USER}:${PW2}` };

describe('rotation rules and basic credentials', () => {
  let up: Upstream;
  let srv: RunningServer;
  let keep: TmpDir;
  let owner: string;
  /** Authorization header values the upstream accepts (else 401). */
  const accepted = new Set<string>();
  const seen: string[] = [];
  const outputs: string[] = [];
  const start = () =>
    startServer({
      dataDir: `${keep.path}/store`,
      ownerKeyFile: `${keep.path}/owner-key`,
      env: { FLERO_MASTER_KEY: '' },
    });

  async function call(method: string, path: string, body?: unknown) {
    const r = await api(srv.url, method, path, { key: owner, ...(body !== undefined ? { body } : {}) });
    seen.push(r.text);
    return r;
  }

  /** Runs an http node with the credential against the upstream; returns the execution record and what was sent. */
  async function run(cred: string) {
    const wf = `wf_${cred}`;
    const put = await call('PUT', `/api/workflows/${wf}`, {
      id: wf,
      name: wf,
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'call', type: 'http', method: 'GET', url: `${up.url}/run`, credential: cred },
      ],
      connections: [{ from: 'start', to: 'call' }],
    });
    assert.ok(put.status === 200 || put.status === 201, put.text);
    const before = up.requests.length;
    const r = await call('POST', `/api/workflows/${wf}/run`, {});
    assert.equal(r.status, 200, r.text);
    const sent = up.requests.slice(before).find((q) => q.path === '/run');
    return { record: r.body, auth: String(sent?.headers.authorization ?? '') };
  }

  before(async () => {
    up = await startUpstream((req) => {
      const auth = String(req.headers.authorization ?? '');
      if (!accepted.has(auth)) return { status: 401, body: { message: 'bad credentials' } };
      // Echoes what it received, as a careless service might: the run record must mask it.
      const basic = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
      return { body: { ok: true, auth, pair: basic, password: basic.split(':')[1] ?? '' } };
    });
    keep = tmpDir('flero-rotation-rules');
    srv = await start();
    owner = srv.ownerKey!;
    accepted.add(`Bearer ${A}`);
    const made = await call('POST', '/api/credentials', {
      id: 'tok',
      name: 'Token',
      service: 'custom',
      authType: 'bearer',
      hosts: [up.url],
      value: A,
    });
    assert.equal(made.status, 201, made.text);
  });
  after(async () => {
    await srv?.stop();
    await up?.close();
    keep?.remove();
  });

  it('a value the service refuses → 409 rotation_test_failed with the verdict; nothing changed', async () => {
    const before = (await call('GET', '/api/credentials/tok')).body;
    const r = await call('PATCH', '/api/credentials/tok', { value: BAD });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.body.code, 'rotation_test_failed');
    assert.equal(r.body.verdict.ok, false);
    assert.equal(r.body.verdict.status, 401);
    assert.match(r.body.verdict.detail, /rejected/);
    assert.match(r.body.detail, /nothing changed/);
    const now = (await call('GET', '/api/credentials/tok')).body;
    assert.equal(now.version, before.version);
    assert.equal(now.rotatedAt, before.rotatedAt);
    assert.equal(now.rollbackUntil, null);
    const { auth } = await run('tok');
    assert.equal(auth, `Bearer ${A}`, 'a run still sends the old value');
  });

  it('a value the service accepts rotates (the test call came first, with the new value)', async () => {
    accepted.add(`Bearer ${B}`);
    const before = up.requests.length;
    const r = await call('PATCH', '/api/credentials/tok', { value: B });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.version, 2);
    const tested = up.requests.slice(before);
    assert.equal(tested.length, 1);
    assert.equal(tested[0]!.headers.authorization, `Bearer ${B}`);
    assert.equal((await run('tok')).auth, `Bearer ${B}`);
  });

  it('the same value → 409 value_unchanged; a previous one → 409 value_reused; neither is sent anywhere', async () => {
    const before = up.requests.length;
    const same = await call('PATCH', '/api/credentials/tok', { value: B });
    assert.equal(same.status, 409, same.text);
    assert.equal(same.body.code, 'value_unchanged');
    const reused = await call('PATCH', '/api/credentials/tok', { value: A, force: true });
    assert.equal(reused.status, 409, reused.text);
    assert.equal(reused.body.code, 'value_reused', 'force does not override reuse');
    assert.equal(up.requests.length, before, 'no test call for a refused value');
    assert.equal((await call('GET', '/api/credentials/tok')).body.version, 2);
  });

  it('an unreachable service is a failed test; force rotates anyway (audited as forced)', async () => {
    const r0 = await call('POST', '/api/credentials', {
      id: 'far',
      name: 'Far',
      service: 'custom',
      authType: 'bearer',
      hosts: ['http://127.0.0.1:9'],
      value: A,
    });
    assert.equal(r0.status, 201, r0.text);
    const refused = await call('PATCH', '/api/credentials/far', { value: B });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.code, 'rotation_test_failed');
    assert.equal(refused.body.verdict.status, 0);
    assert.equal((await call('GET', '/api/credentials/far')).body.version, 1);
    const forced = await call('PATCH', '/api/credentials/tok', { value: BAD, force: true });
    assert.equal(forced.status, 200, forced.text);
    assert.equal(forced.body.version, 3);
    const audit = await call('GET', '/api/audit?event=credential.rotated');
    assert.ok(
      audit.body.some((e: { detail?: { forced?: boolean } }) => e.detail?.forced === true),
      audit.text,
    );
  });

  it('a rollback restores the previous value (not refused); the value rolled back from counts as had before', async () => {
    const back = await call('POST', '/api/credentials/tok/rollback');
    assert.equal(back.status, 200, back.text);
    assert.equal((await run('tok')).auth, `Bearer ${B}`);
    const again = await call('PATCH', '/api/credentials/tok', { value: BAD, force: true });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.code, 'value_reused');
    accepted.add(`Bearer ${C}`);
    const fresh = await call('PATCH', '/api/credentials/tok', { value: C });
    assert.equal(fresh.status, 200, fresh.text);
  });

  it('basic: Authorization: Basic base64(username:password); the view shows the username; both forms masked', async () => {
    const bad = await call('POST', '/api/credentials', {
      id: 'nobasic',
      name: 'B',
      service: 'custom',
      authType: 'basic',
      hosts: [up.url],
      value: PW,
    });
    assert.equal(bad.status, 400, bad.text);
    assert.ok(
      bad.body.errors.some((e: { field: string }) => e.field === 'basic'),
      bad.text,
    );
    const notCatalog = await call('POST', '/api/credentials', {
      name: 'B',
      service: 'github',
      authType: 'basic',
      basic: { username: USER },
      value: PW,
    });
    assert.equal(notCatalog.status, 400, notCatalog.text);
    const pair = (pw: string) => `Basic ${Buffer.from(`${USER}:${pw}`).toString('base64')}`;
    accepted.add(pair(PW));
    const made = await call('POST', '/api/credentials', {
      id: 'bas',
      name: 'Basic',
      service: 'custom',
      authType: 'basic',
      basic: { username: USER },
      hosts: [up.url],
      value: PW,
    });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(made.body.basic, { username: USER });
    assert.equal(made.body.authType, 'basic');
    const listed = (await call('GET', '/api/credentials')).body.find((c: { id: string }) => c.id === 'bas');
    assert.deepEqual(listed.basic, { username: USER });
    const { record, auth } = await run('bas');
    assert.equal(auth, pair(PW));
    assert.equal(record.status, 'succeeded', JSON.stringify(record));
    const text = JSON.stringify(record);
    assert.ok(text.includes('***'), 'masked');
    const hits = scanString(text, { canaries, flagValidKeys: false }, 'run record');
    assert.deepEqual(hits, [], describeHits(hits));
    const test = await call('POST', '/api/credentials/bas/test');
    assert.equal(test.body.ok, true, test.text);
    // Rotation of a basic credential is tested too (the upstream refuses PW2 until told otherwise).
    const refused = await call('PATCH', '/api/credentials/bas', { value: PW2 });
    assert.equal(refused.body.code, 'rotation_test_failed', refused.text);
    accepted.add(pair(PW2));
    assert.equal((await call('PATCH', '/api/credentials/bas', { value: PW2 })).status, 200);
    assert.equal((await run('bas')).auth, pair(PW2));
  });

  it('fingerprints are stored, never the old values (data dir opened directly)', async () => {
    outputs.push(srv.output());
    await srv.stop({ keepData: true });
    const db = await openPglite(`${keep.path}/store`);
    try {
      const rows = await db.query<{ value_fingerprints: string }>(
        "SELECT value_fingerprints FROM credentials WHERE id = 'tok'",
      );
      const fps = JSON.parse(rows[0]!.value_fingerprints) as string[];
      assert.equal(fps.length, 4, 'A, B, BAD, C');
      for (const f of fps) assert.match(f, /^[A-Za-z0-9_-]{43}$/);
      const hits = scanString(rows[0]!.value_fingerprints, { canaries, flagValidKeys: false }, 'fingerprints');
      assert.deepEqual(hits, [], describeHits(hits));
    } finally {
      await db.close();
    }
    srv = await start();
  });

  it('no value anywhere: responses, audit, server output', async () => {
    await call('GET', '/api/audit?limit=1000');
    const hits = [
      ...seen.flatMap((t, i) => scanString(t, { canaries, flagValidKeys: false }, `response ${i}`)),
      ...[...outputs, srv.output()].flatMap((o, i) =>
        scanString(o, { canaries, flagValidKeys: false }, `server output ${i}`),
      ),
    ];
    assert.deepEqual(hits, [], describeHits(hits));
  });
});
