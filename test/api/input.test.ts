// Bad input of every kind gets a specific 4xx problem body and changes nothing; workflow validation; the OpenAPI
// document covers the route table; /api-docs loads only this server's files.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROUTES } from '../../server/src/core/routes';
import { api, rawRequest, type RunningServer, startServer } from '../helpers/server';

let srv: RunningServer;
let owner: string;
const good = {
  id: 'wf_good',
  name: 'Good',
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'call', type: 'http', method: 'GET', url: 'https://api.example.com/x' },
  ],
  connections: [{ from: 'start', to: 'call' }],
};

before(async () => {
  srv = await startServer();
  owner = srv.ownerKey!;
  assert.equal((await api(srv.url, 'POST', '/api/workflows', { key: owner, body: good })).status, 201);
});
after(async () => {
  await srv?.stop();
});

/** The state a bad request must not change. */
async function state() {
  const [wfs, keys, one] = await Promise.all([
    api(srv.url, 'GET', '/api/workflows', { key: owner }),
    api(srv.url, 'GET', '/api/api-keys', { key: owner }),
    api(srv.url, 'GET', '/api/workflows/wf_good', { key: owner }),
  ]);
  return JSON.stringify([
    wfs.body,
    keys.body.map((k: Record<string, unknown>) => ({ ...k, lastUsedAt: null })),
    one.body,
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: problem bodies are read field by field
function assertProblem(r: { status: number; headers: unknown; body: any; text: string }, status: number, code: string) {
  assert.equal(r.status, status, r.text);
  const type =
    r.headers instanceof Headers
      ? r.headers.get('content-type')
      : (r.headers as Record<string, string>)['content-type'];
  assert.match(String(type), /^application\/problem\+json/);
  assert.equal(r.body.status, status);
  assert.equal(r.body.code, code);
  assert.equal(typeof r.body.title, 'string');
  assert.equal(typeof r.body.detail, 'string');
  assert.match(r.body.type, /^https:\/\//);
}

describe('bad bodies → specific 4xx, nothing changed', () => {
  const auth = () => ({ authorization: `Bearer ${owner}` });
  const cases: [string, string, string, Record<string, string>, string | Buffer, number, string, string[]?][] = [
    [
      'malformed JSON',
      'POST',
      '/api/workflows',
      { 'content-type': 'application/json' },
      '{"id": "x",',
      400,
      'malformed_json',
    ],
    [
      'a JSON string, not an object',
      'POST',
      '/api/workflows',
      { 'content-type': 'application/json' },
      '"hi"',
      400,
      'validation_failed',
      ['(body)'],
    ],
    [
      'wrong types',
      'POST',
      '/api/workflows',
      { 'content-type': 'application/json' },
      JSON.stringify({ id: 5, name: [], nodes: {} }),
      400,
      'validation_failed',
      ['id', 'name', 'nodes'],
    ],
    [
      'unknown fields',
      'POST',
      '/api/workflows',
      { 'content-type': 'application/json' },
      JSON.stringify({ ...good, id: 'wf_x', owner: 'me' }),
      400,
      'validation_failed',
      ['owner'],
    ],
    [
      'unknown field in a node',
      'POST',
      '/api/workflows',
      { 'content-type': 'application/json' },
      JSON.stringify({ ...good, id: 'wf_x', nodes: [{ id: 'start', type: 'trigger', evil: 1 }] }),
      400,
      'validation_failed',
    ],
    [
      'a cycle',
      'POST',
      '/api/workflows',
      { 'content-type': 'application/json' },
      JSON.stringify({
        ...good,
        id: 'wf_x',
        connections: [
          { from: 'start', to: 'call' },
          { from: 'call', to: 'start' },
        ],
      }),
      400,
      'validation_failed',
      ['connections.1'],
    ],
    [
      'a connection to a missing node',
      'POST',
      '/api/workflows',
      { 'content-type': 'application/json' },
      JSON.stringify({ ...good, id: 'wf_x', connections: [{ from: 'start', to: 'ghost' }] }),
      400,
      'validation_failed',
      ['connections.0.to'],
    ],
    [
      'duplicate node ids',
      'POST',
      '/api/workflows',
      { 'content-type': 'application/json' },
      JSON.stringify({
        ...good,
        id: 'wf_x',
        nodes: [good.nodes[0], { ...good.nodes[1], id: 'start' }],
        connections: [],
      }),
      400,
      'validation_failed',
      ['nodes.1.id'],
    ],
    ['no body where one is needed', 'POST', '/api/workflows', {}, '', 400, 'validation_failed', ['(body)']],
    [
      'text/plain',
      'POST',
      '/api/workflows',
      { 'content-type': 'text/plain' },
      JSON.stringify({ ...good, id: 'wf_x' }),
      415,
      'unsupported_media_type',
    ],
    [
      'form-encoded',
      'POST',
      '/api/api-keys',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'name=x&scopes=all',
      415,
      'unsupported_media_type',
    ],
    [
      'an existing id',
      'POST',
      '/api/workflows',
      { 'content-type': 'application/json' },
      JSON.stringify(good),
      409,
      'conflict',
    ],
    [
      'PUT with another id than the path',
      'PUT',
      '/api/workflows/wf_good',
      { 'content-type': 'application/json' },
      JSON.stringify({ ...good, id: 'wf_other' }),
      400,
      'validation_failed',
      ['id'],
    ],
    [
      'an unknown scope',
      'POST',
      '/api/api-keys',
      { 'content-type': 'application/json' },
      JSON.stringify({ name: 'x', scopes: ['root'] }),
      400,
      'validation_failed',
      ['scopes.0'],
    ],
    [
      'an empty allow-list',
      'POST',
      '/api/api-keys',
      { 'content-type': 'application/json' },
      JSON.stringify({ name: 'x', scopes: ['workflows:read'], workflows: [] }),
      400,
      'validation_failed',
      ['workflows'],
    ],
    [
      'a non-date expiry',
      'POST',
      '/api/api-keys',
      { 'content-type': 'application/json' },
      JSON.stringify({ name: 'x', scopes: ['workflows:read'], expiresAt: 'tomorrow' }),
      400,
      'validation_failed',
      ['expiresAt'],
    ],
    [
      'run input that is not an object',
      'POST',
      '/api/workflows/wf_good/run',
      { 'content-type': 'application/json' },
      JSON.stringify({ input: 3 }),
      400,
      'validation_failed',
      ['input'],
    ],
    [
      'run with unknown fields',
      'POST',
      '/api/workflows/wf_good/run',
      { 'content-type': 'application/json' },
      JSON.stringify({ inputs: {} }),
      400,
      'validation_failed',
      ['inputs'],
    ],
  ];
  for (const [what, method, path, headers, body, status, code, fields] of cases)
    test(what, async () => {
      const before = await state();
      const r = await rawRequest(srv.url, { method, path, headers: { ...auth(), ...headers }, body });
      assertProblem(r, status, code);
      if (fields)
        for (const f of fields)
          assert.ok(
            r.body.errors.some((e: { field: string }) => e.field === f),
            `field ${f} in ${r.text}`,
          );
      if (code === 'validation_failed') for (const f of fields ?? []) assert.ok(r.body.detail.includes(f));
      assert.equal(await state(), before);
    });

  test('a body over 1 MiB → 413 (declared length)', async () => {
    const before = await state();
    const huge = JSON.stringify({ ...good, id: 'wf_huge', description: 'x'.repeat(1024 * 1024) });
    const r = await rawRequest(srv.url, {
      method: 'POST',
      path: '/api/workflows',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: huge,
    });
    assertProblem(r, 413, 'payload_too_large');
    assert.equal(await state(), before);
  });

  test('a body over 1 MiB → 413 (chunked, no length)', async () => {
    const before = await state();
    const r = await rawRequest(srv.url, {
      method: 'POST',
      path: '/api/workflows',
      headers: { ...auth(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(1024 * 1024 + 10, 0x20),
    });
    assertProblem(r, 413, 'payload_too_large');
    assert.equal(await state(), before);
  });

  test('a body just under 1 MiB is read (then validated)', async () => {
    const body = JSON.stringify({ ...good, id: 'wf_big', description: 'x'.repeat(1024 * 1024 - 400) });
    const r = await rawRequest(srv.url, {
      method: 'POST',
      path: '/api/workflows',
      headers: { ...auth(), 'content-type': 'application/json' },
      body,
    });
    assertProblem(r, 400, 'validation_failed'); // description is limited to 2000 characters
    assert.ok(r.body.errors.some((e: { field: string }) => e.field === 'description'));
  });
});

describe('odd paths and methods', () => {
  const cases: [string, string, number, string][] = [
    ['GET', '/nope', 404, 'not_found'],
    ['GET', '/api/workflows/', 404, 'not_found'],
    ['GET', '//api/workflows', 404, 'not_found'],
    ['GET', '/api/workflows/a/b/c', 404, 'not_found'],
    ['GET', '/API/WORKFLOWS', 404, 'not_found'],
    ['GET', '/api/workflows/%E0%A4%A', 400, 'bad_path'],
    ['GET', `/${'a'.repeat(5000)}`, 404, 'not_found'],
    ['GET', '/api/workflows/..%2F..%2Fetc%2Fpasswd', 404, 'not_found'],
    ['PATCH', '/api/workflows', 405, 'method_not_allowed'],
    ['DELETE', '/healthz', 405, 'method_not_allowed'],
    ['OPTIONS', '/api/workflows/wf_good', 405, 'method_not_allowed'],
    ['BREW', '/api/workflows', 405, 'method_not_allowed'],
  ];
  for (const [method, path, status, code] of cases)
    test(`${method} ${path.slice(0, 40)} → ${status}`, async () => {
      const r = await rawRequest(srv.url, { method, path, headers: { authorization: `Bearer ${owner}` } });
      if (method === 'BREW' && r.status === 400) return assertProblem(r, 400, 'bad_request'); // not an HTTP method
      assertProblem(r, status, code);
      if (status === 405) assert.ok(String(r.headers.allow).length > 0);
    });

  test('unknown workflow and execution ids → 404', async () => {
    for (const path of ['/api/workflows/wf_missing', '/api/executions/exe_missing', '/api/workflows/wf_missing/run']) {
      const r = await api(srv.url, path.endsWith('run') ? 'POST' : 'GET', path, { key: owner });
      assertProblem(r, 404, 'not_found');
    }
  });

  test('headers too large → 431 problem', async () => {
    const r = await rawRequest(srv.url, { path: '/healthz', headers: { 'x-junk': 'x'.repeat(40_000) } });
    assert.equal(r.status, 431);
    assert.equal(r.body.code, 'headers_too_large');
  });

  test('the server is still healthy afterwards', async () => {
    const r = await api(srv.url, 'GET', '/healthz');
    assert.deepEqual(r.body, { status: 'ok' });
  });
});

describe('OpenAPI and /api-docs', () => {
  test('openapi.json: 3.1, servers, every served route with its scope and statuses, bearer scheme', async () => {
    const r = await api(srv.url, 'GET', '/api-docs/openapi.json');
    assert.equal(r.status, 200);
    const doc = r.body;
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.servers[0].url, srv.url);
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    const mine = ROUTES.filter((x) => !x.path.startsWith('/api/credentials') && x.path !== '/api/services');
    for (const route of mine) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${route.path} documented`);
      assert.equal(op.operationId, route.operationId);
      assert.equal(op['x-flero-scope'], route.scope);
      const statuses = Object.keys(op.responses);
      assert.ok(
        statuses.some((s) => s.startsWith('2')),
        `${route.operationId} has a success status`,
      );
      if (route.scope !== 'none') {
        assert.ok(statuses.includes('401') && statuses.includes('429'), route.operationId);
        if (route.scope !== 'any') assert.deepEqual(op.security, [{ bearer: [route.scope] }]);
      }
      if (route.path.includes('{id}')) assert.ok(statuses.includes('404'), route.operationId);
    }
    const create = doc.paths['/api/workflows'].post;
    assert.ok(['400', '413', '415'].every((s) => s in create.responses));
    assert.deepEqual(create.requestBody.content['application/json'].schema.required.sort(), ['id', 'name', 'nodes']);
    assert.equal(create.requestBody.content['application/json'].schema.additionalProperties, false);
    const key = doc.paths['/api/api-keys'].post;
    assert.ok(key.responses['201'].content['application/json'].schema.properties.key);
  });

  test('/api-docs is HTML under a strict CSP, loads its renderer from /api-docs/assets only, nothing from elsewhere', async () => {
    const res = await fetch(`${srv.url}/api-docs`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 3, html);
    for (const ref of refs) assert.match(ref, /^\/api-docs\/(assets\/[\w.-]+\?v=[0-9a-f]{16}|openapi\.json)$/);
    assert.doesNotMatch(html, /<script>|<style|style=|@import|url\(/i);
    assert.doesNotMatch(html, /https?:\/\//);
  });
});
