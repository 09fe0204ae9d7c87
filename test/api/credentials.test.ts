// Credentials through the real built server (`flero serve`, embedded store) and a real local upstream: create, list,
// read, validation, test connection, runs with the credential injected, rotation while 60 runs are in flight,
// delete, audit; then a canary sweep of every API response, the server output, the CLI output and the data dir.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeHits, scanString, sweep } from '../reliability/canary';
import { api, type RunningServer, runCli, startServer } from '../helpers/server';
import { tmpDir, type TmpDir } from '../helpers/tmp';
import { startUpstream, type Upstream } from '../helpers/upstream';

const CANARY = `canaryApi_${randomBytes(12).toString('base64url')}`;
const ROTATED = `canaryRot_${randomBytes(12).toString('base64url')}`;
const SLACK = `canarySlk_${randomBytes(12).toString('base64url')}`;
const canaries = { credential: CANARY, rotated: ROTATED, slack: SLACK };

describe('credentials API', () => {
  let up: Upstream;
  let srv: RunningServer;
  let owner: string;
  let keep: TmpDir;
  const seen: string[] = []; // every API response body, for the final sweep

  async function call(method: string, path: string, body?: unknown, key = owner) {
    const r = await api(srv.url, method, path, { key, ...(body !== undefined ? { body } : {}) });
    seen.push(r.text);
    return r;
  }

  before(async () => {
    up = await startUpstream((req) => {
      const auth = String(req.headers.authorization ?? '');
      const good = auth === `Bearer ${CANARY}` || auth === `Bearer ${ROTATED}` || auth === `Bearer ${SLACK}`;
      if (!good) return { status: 401, body: { message: 'Bad credentials', got: auth } };
      return {
        delayMs: req.path.startsWith('/slow') ? 10 + Math.floor(Math.random() * 30) : 0,
        body: { login: 'octo', auth },
      };
    });
    keep = tmpDir('flero-cred-api');
    srv = await startServer({
      dataDir: `${keep.path}/store`,
      env: { FLERO_SERVICE_BASE_URLS: `github=${up.url},slack=${up.url}/api`, FLERO_MASTER_KEY: '' },
    });
    owner = srv.ownerKey!;
  });
  after(async () => {
    await srv?.stop();
    await up?.close();
    keep?.remove();
  });

  it('serves the service catalog to any valid key', async () => {
    const r = await call('GET', '/api/services');
    assert.equal(r.status, 200);
    const ids = r.body.map((s: { id: string }) => s.id);
    for (const id of ['custom', 'github', 'stripe', 'openai', 'slack', 'sendgrid', 'airtable', 'notion'])
      assert.ok(ids.includes(id), id);
    const gh = r.body.find((s: { id: string }) => s.id === 'github');
    assert.deepEqual(gh.test, { method: 'GET', path: '/user' });
    assert.ok(gh.operations.some((o: { id: string }) => o.id === 'getUser'));
    assert.equal((await call('GET', '/api/services', undefined, 'flero_sk_nope')).status, 401);
  });

  it('creates, lists and reads credentials as metadata only, with a key file beside the data dir', async () => {
    const r = await call('POST', '/api/credentials', {
      id: 'cred_gh',
      name: 'GitHub',
      service: 'github',
      authType: 'bearer',
      value: CANARY,
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('location'), '/api/credentials/cred_gh');
    assert.deepEqual(Object.keys(r.body).sort(), [
      'authType',
      'createdAt',
      'id',
      'last4',
      'name',
      'rollbackUntil',
      'rotatedAt',
      'service',
      'updatedAt',
      'version',
    ]);
    assert.equal(r.body.last4, CANARY.slice(-4));
    assert.equal(r.body.version, 1);
    const s = await call('POST', '/api/credentials', {
      id: 'cred_slack',
      name: 'Slack',
      service: 'slack',
      authType: 'bearer',
      value: SLACK,
    });
    assert.equal(s.status, 201, s.text);
    const w = await call('POST', '/api/credentials', {
      name: 'Weather',
      service: 'weather',
      authType: 'apiKey',
      value: 'short-v4lue',
    });
    assert.equal(w.status, 201, w.text);
    assert.match(w.body.id, /^cred_/);
    assert.deepEqual(w.body.query, { param: 'appid' }, 'the service’s placement is filled in');
    assert.equal(w.body.last4, null, 'no hint for short values');
    const list = await call('GET', '/api/credentials');
    assert.deepEqual(
      list.body.map((c: { id: string }) => c.id),
      ['cred_gh', 'cred_slack', w.body.id],
    );
    assert.equal((await call('GET', '/api/credentials/cred_gh')).body.name, 'GitHub');
    assert.equal((await call('GET', '/api/credentials/nope')).status, 404);
    assert.match(srv.output(), /created the credentials master key .*store\.master-key \(mode 0600\)/);
  });

  it('refuses invalid credentials with field errors that never repeat the value', async () => {
    const bad: [unknown, string][] = [
      [{ name: 'x', service: 'nope', authType: 'bearer', value: CANARY }, 'service'],
      [{ name: 'x', service: 'custom', authType: 'bearer', value: CANARY }, 'hosts'],
      [
        { name: 'x', service: 'github', authType: 'bearer', value: CANARY, header: { name: 'X-Key', prefix: '' } },
        'header',
      ],
      [{ name: 'x', service: 'stripe', authType: 'apiKey', value: CANARY }, 'authType'],
      [{ name: 'x', service: 'github', authType: 'bearer', value: `${CANARY}\r\nX-Evil: 1` }, 'value'],
      [{ name: 'x', service: 'github', authType: 'bearer', value: ` ${CANARY}` }, 'value'],
      [{ name: 'x', service: 'github', authType: 'bearer', value: 'abc' }, 'value'],
      [{ name: 'x', service: 'github', authType: 'bearer', value: CANARY, extra: 1 }, '(body)'],
    ];
    for (const [body, field] of bad) {
      const r = await call('POST', '/api/credentials', body);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.code, 'validation_failed');
      assert.ok(
        r.body.errors.some((e: { field: string }) => e.field === field || (field === '(body)' && e.field !== '')),
        `${field}: ${r.text}`,
      );
      assert.ok(!r.text.includes(CANARY.slice(10)), 'the problem body does not repeat the value');
    }
    const dup = await call('POST', '/api/credentials', {
      id: 'cred_gh',
      name: 'again',
      service: 'github',
      authType: 'bearer',
      value: CANARY,
    });
    assert.equal(dup.status, 409);
    const fixed = await call('PATCH', '/api/credentials/cred_gh', { service: 'slack' });
    assert.equal(fixed.status, 400);
    assert.match(fixed.text, /service cannot change/);
  });

  it('tests a connection: accepted, then rejected by the service after a bad rotation', async () => {
    const ok = await call('POST', '/api/credentials/cred_gh/test');
    assert.deepEqual(ok.body, { ok: true, status: 200, detail: 'the service accepted the key (HTTP 200)' });
    assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${CANARY}`);
    const slack = await call('POST', '/api/credentials/cred_slack/test');
    assert.equal(slack.body.ok, true, slack.text);
    assert.equal(up.requests.at(-1)!.path, '/api/auth.test');
    await call('POST', '/api/credentials', {
      id: 'cred_bad',
      name: 'bad',
      service: 'github',
      authType: 'bearer',
      value: 'definitely-wrong-value',
    });
    const bad = await call('POST', '/api/credentials/cred_bad/test');
    assert.deepEqual(bad.body, { ok: false, status: 401, detail: 'the service rejected the key (HTTP 401)' });
    assert.equal((await call('POST', '/api/credentials/nope/test')).status, 404);
  });

  it('a test call refused outside the credential’s own hosts names each host once', async () => {
    const created = await call('POST', '/api/credentials', {
      id: 'cred_dup',
      name: 'dup',
      service: 'github',
      authType: 'bearer',
      value: CANARY,
      hosts: ['api.github.com', 'API.github.com', 'ghe.example.com', 'api.github.com'],
    });
    assert.equal(created.status, 201, created.text);
    const before = up.requests.length;
    const r = await call('POST', '/api/credentials/cred_dup/test');
    assert.deepEqual(r.body, {
      ok: false,
      status: 0,
      detail: `credential "cred_dup" may only be sent to api.github.com, ghe.example.com, not to ${up.host} (the overridden base URL of github; a credential with its own hosts does not follow it); nothing was sent`,
    });
    assert.equal(up.requests.length, before);
    assert.equal((await call('DELETE', '/api/credentials/cred_dup')).status, 204);
  });

  it('runs a workflow with connector and http nodes, the credential injected and masked in the execution', async () => {
    const wf = {
      id: 'wf_cred',
      name: 'Credential run',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'me', type: 'github.getUser', credential: 'cred_gh' },
        {
          id: 'raw',
          type: 'http',
          method: 'GET',
          url: `${up.url}/slow/raw`,
          credential: 'cred_gh',
          headers: { 'x-run': '{{ $input.i }}' },
        },
        {
          id: 'again',
          type: 'http',
          method: 'GET',
          url: `${up.url}/slow/again`,
          credential: 'cred_gh',
          headers: { 'x-run': '{{ $input.i }}' },
        },
        {
          id: 'post',
          type: 'slack.postMessage',
          credential: 'cred_slack',
          params: { channel: '#ops', text: 'hi {{ $node.me.body.login }}' },
        },
      ],
      connections: [
        { from: 'start', to: 'me' },
        { from: 'me', to: 'raw' },
        { from: 'raw', to: 'again' },
        { from: 'again', to: 'post' },
      ],
    };
    assert.equal((await call('POST', '/api/workflows', wf)).status, 201);
    const r = await call('POST', '/api/workflows/wf_cred/run', { input: { i: -1 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'succeeded', r.text);
    assert.equal(r.body.nodes[1].output.body.auth, 'Bearer ***');
    assert.ok(up.requests.some((q) => q.headers.authorization === `Bearer ${CANARY}`));
    assert.deepEqual(JSON.parse(up.requests.at(-1)!.body), { channel: '#ops', text: 'hi octo' });
    const stored = await call('GET', `/api/executions/${r.body.id}`);
    assert.equal(stored.body.status, 'succeeded');
  });

  it('rotation while 60 runs are in flight: every run succeeds with one value, later runs use the new one', async () => {
    const before = up.requests.length;
    const runs: Promise<Awaited<ReturnType<typeof call>>>[] = [];
    const start = (i: number) => runs.push(call('POST', '/api/workflows/wf_cred/run', { input: { i } }));
    // The first 30 runs are under way (their upstream calls have begun) when the PATCH is sent; the
    // PATCH lands while they are still in flight; 30 more start after it. Waiting on what the upstream
    // has seen, not on the clock, keeps the order the same on a loaded machine.
    for (let i = 0; i < 30; i++) start(i);
    const begun = () =>
      new Set(up.requests.slice(before).flatMap((q) => (q.headers['x-run'] === undefined ? [] : [q.headers['x-run']])))
        .size;
    for (let t = 0; begun() < 5 && t < 1000; t++) await new Promise((r) => setTimeout(r, 5));
    const rotated = await call('PATCH', '/api/credentials/cred_gh', { value: ROTATED });
    for (let i = 30; i < 60; i++) start(i);
    const results = await Promise.all(runs);
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(rotated.body.version, 2);
    assert.ok(rotated.body.rotatedAt);
    assert.deepEqual(
      results.filter((r) => r.status !== 200 || r.body.status !== 'succeeded').map((r) => r.text.slice(0, 300)),
      [],
    );
    const byRun = new Map<string, Set<string>>();
    for (const q of up.requests.slice(before)) {
      if (q.headers['x-run'] === undefined) continue;
      const k = String(q.headers['x-run']);
      byRun.set(k, (byRun.get(k) ?? new Set()).add(String(q.headers.authorization)));
    }
    assert.equal(byRun.size, 60);
    for (const [k, values] of byRun) assert.equal(values.size, 1, `run ${k} used one value`);
    const all = new Set([...byRun.values()].flatMap((s) => [...s]));
    assert.ok(all.has(`Bearer ${CANARY}`) && all.has(`Bearer ${ROTATED}`), 'both values were used across runs');
    const after = await call('POST', '/api/workflows/wf_cred/run', { input: { i: 'after' } });
    assert.equal(after.body.status, 'succeeded');
    assert.equal(
      up.requests.at(-2)!.headers.authorization,
      `Bearer ${ROTATED}`,
      'runs after the PATCH use the new value',
    );
  });

  it('refuses a credential toward a host outside its list, and runs fail clearly after delete', async () => {
    await call('POST', '/api/credentials', {
      id: 'cred_custom',
      name: 'c',
      service: 'custom',
      authType: 'apiKey',
      header: { name: 'X-API-Key', prefix: '' },
      hosts: ['api.example.com'],
      value: CANARY,
    });
    await call('PUT', '/api/workflows/wf_host', {
      id: 'wf_host',
      name: 'host',
      nodes: [{ id: 'call', type: 'http', method: 'GET', url: `${up.url}/x`, credential: 'cred_custom' }],
      connections: [],
    });
    const before = up.requests.length;
    const r = await call('POST', '/api/workflows/wf_host/run', {});
    assert.equal(r.body.status, 'failed');
    assert.match(r.body.error, /may only be sent to api\.example\.com, not to 127\.0\.0\.1:\d+; nothing was sent/);
    assert.equal(up.requests.length, before);
    assert.equal((await call('DELETE', '/api/credentials/cred_custom')).status, 204);
    assert.equal((await call('GET', '/api/credentials/cred_custom')).status, 404);
    const gone = await call('POST', '/api/workflows/wf_host/run', {});
    assert.match(gone.body.error, /credential "cred_custom" does not exist/);
  });

  it('records audit events for created, rotated, tested and deleted credentials', async () => {
    const r = await call('GET', '/api/audit?limit=500');
    assert.equal(r.status, 200, r.text);
    const events = new Set(r.body.map((e: { event: string; target: string | null }) => `${e.event}:${e.target}`));
    for (const e of [
      'credential.created:cred_gh',
      'credential.rotated:cred_gh',
      'credential.tested:cred_gh',
      'credential.deleted:cred_custom',
      'workflow.run:wf_cred',
    ])
      assert.ok(events.has(e), e);
  });

  it('runs on the server from the CLI (`flero run <id> --server`) with masked output', async () => {
    const r = await runCli(['run', 'wf_cred', '--server', srv.url, '--input', '{"i":"cli"}'], {
      env: { FLERO_API_KEY: owner },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ me \(github\.getUser\) succeeded/);
    assert.equal(JSON.parse(r.stdout).status, 'succeeded');
    seen.push(r.stdout, r.stderr);
    const file = `${keep.path}/upload.flero.json`;
    writeFileSync(
      file,
      JSON.stringify({
        id: 'wf_upload',
        name: 'Uploaded from the CLI',
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'me', type: 'github.getUser', credential: 'cred_gh' },
        ],
        connections: [{ from: 'start', to: 'me' }],
      }),
    );
    const uploaded = await runCli(['run', file, '--server', srv.url], { env: { FLERO_API_KEY: owner } });
    assert.equal(uploaded.code, 0, uploaded.stderr);
    assert.match(uploaded.stderr, /uploaded wf_upload/);
    assert.equal((await call('GET', '/api/workflows/wf_upload')).body.name, 'Uploaded from the CLI');
    seen.push(uploaded.stdout, uploaded.stderr);
    const denied = await runCli(['run', 'wf_cred', '--server', srv.url], {
      env: { FLERO_API_KEY: 'flero_sk_invalid' },
    });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Could not run the workflow wf_cred: the server did not accept the key/);
  });

  it('keeps values only encrypted: no form of any secret in API responses, server output or the data dir', async () => {
    const hits = [
      ...seen.flatMap((t, i) => scanString(t, { canaries, flagValidKeys: false }, `response ${i}`)),
      ...scanString(srv.output(), { canaries, flagValidKeys: false }, 'server output'),
      ...sweep([dirname(srv.dataDir!)], { canaries, flagValidKeys: false }),
    ];
    assert.deepEqual(hits, [], describeHits(hits));
    assert.ok(seen.length > 60, `the sweep covered the whole suite (${seen.length} responses)`);
  });

  it('restarts on the same data dir and still decrypts; a wrong FLERO_MASTER_KEY is refused at start', async () => {
    const dataDir = srv.dataDir!;
    await srv.stop({ keepData: true });
    const wrong = await startServer({
      dataDir,
      env: { FLERO_MASTER_KEY: randomBytes(32).toString('base64') },
      timeoutMs: 60_000,
    }).then(
      (s) => s,
      (e: Error) => e,
    );
    assert.ok(wrong instanceof Error, 'the server must not start with the wrong key');
    assert.match(wrong.message, /master key does not match/);
    srv = await startServer({
      dataDir,
      env: { FLERO_SERVICE_BASE_URLS: `github=${up.url},slack=${up.url}/api`, FLERO_MASTER_KEY: '' },
    });
    const t = await call('POST', '/api/credentials/cred_gh/test');
    assert.equal(t.body.ok, true, t.text);
    assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${ROTATED}`);
  });
});
