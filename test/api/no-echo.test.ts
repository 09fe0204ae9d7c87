// No error ever repeats a key or secret. A canary sweep generated from THE route table (core/routes.ts ROUTES): a
// canary Flero key (valid checksum) and a canary non-key secret go into the path, the query, every body field (names
// from the served OpenAPI document), a malformed body, the Content-Type and the Authorization header of every route,
// with the owner key and with an allow-listed key; no response — status line, headers, body — may contain either.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { BASE62, generateKey } from '../../server/src/core/keys';
import { SCOPES } from '../../server/src/core/scopes';
import { ROUTES, type RouteSpec } from '../../server/src/core/routes';
import { type RunningServer, startServer } from '../helpers/server';

const random62 = (n: number) => [...randomBytes(n)].map((b) => BASE62[b % 62]).join('');
const CANARIES = {
  key: generateKey(),
  // A realistic secret: it fits every id format of the API (workflow, credential, node ids), so only not echoing
  // helps. 37 characters: longer than the 32 a field name may have to be repeated in an error.
  secret: `s3cretCanary_${random62(24)}`,
};

let srv: RunningServer;
let owner: string;
let narrow: string;
let executionId: string;
// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read as plain JSON
let openapi: any;
const checked = { requests: 0, byStatus: new Map<number, number>() };
const hits: string[] = [];

interface Probe {
  what: string;
  method: string;
  path: string;
  key?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one probe and records where a canary shows up (labels only, never the value). */
async function probe(p: Probe): Promise<void> {
  const headers: Record<string, string> = { ...p.headers };
  if (p.key && !headers.authorization) headers.authorization = `Bearer ${p.key}`;
  if (p.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(srv.url + p.path, { method: p.method, headers, body: p.body });
  const text = await res.text();
  checked.requests++;
  checked.byStatus.set(res.status, (checked.byStatus.get(res.status) ?? 0) + 1);
  if (res.status >= 500) hits.push(`${p.what}: ${res.status}`);
  const seen = [`${res.status} ${res.statusText}`, ...[...res.headers].map(([k, v]) => `${k}: ${v}`), text].join('\n');
  for (const [label, value] of Object.entries(CANARIES))
    if ([value, encodeURIComponent(value), value.slice(9, 30)].some((form) => seen.includes(form)))
      hits.push(`${p.what} → ${res.status} repeats the ${label} canary`);
}

const hasBody = (r: RouteSpec) => r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';

/** A path for the route with `{id}` = `id`. */
const pathOf = (r: RouteSpec, id: string) => r.path.replace('{id}', encodeURIComponent(id));

/** Top-level body field names of the route, from the served OpenAPI document. */
function bodyFields(r: RouteSpec): string[] {
  const schema = openapi.paths[r.path]?.[r.method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
  return Object.keys(schema?.properties ?? {});
}

/** Every probe of one route for one canary and one key. */
function probesFor(r: RouteSpec, c: string, key: string, who: string): Probe[] {
  const at = `${who} ${r.method} ${r.path}`;
  const missing = `none_${random62(6)}`; // an id that does not exist: nothing is created or changed
  const id = r.path.startsWith('/api/executions/') ? executionId : missing;
  const out: Probe[] = [];
  // The canary as the path parameter (a key pasted into a path), and after the route (no such route).
  if (r.path.includes('{id}'))
    out.push({ what: `${at} path`, method: r.method, path: pathOf(r, c), key, body: hasBody(r) ? '{}' : undefined });
  out.push({ what: `${at} sub-path`, method: r.method, path: `${pathOf(r, id)}/${encodeURIComponent(c)}`, key });
  // In the query, as names and as values of every known parameter.
  const q = new URLSearchParams({ [c]: c, limit: c, before: c, event: c, cursor: c, id: c, workflowId: c }).toString();
  out.push({ what: `${at} query`, method: r.method, path: `${pathOf(r, id)}?${q}`, key });
  // As the Authorization header (an unknown key / a non-key token).
  out.push({
    what: `${at} authorization`,
    method: r.method,
    path: pathOf(r, id),
    key,
    headers: { authorization: `Bearer ${c}` },
  });
  if (!hasBody(r)) return out;
  // In every body field, one at a time and all at once, as an unknown field's name and value, and nested.
  const fields = bodyFields(r);
  for (const f of fields)
    out.push({ what: `${at} body.${f}`, method: r.method, path: pathOf(r, id), key, body: JSON.stringify({ [f]: c }) });
  const all: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, c]));
  all[c] = c;
  out.push({ what: `${at} every field`, method: r.method, path: pathOf(r, id), key, body: JSON.stringify(all) });
  const nested = {
    id: missing,
    name: c,
    input: { [c]: c },
    scopes: [c],
    workflows: [c],
    hosts: [c],
    header: { name: c, prefix: c, [c]: 1 },
    nodes: [
      { id: c, type: 'trigger' },
      { id: c, type: 'http', method: 'GET', url: c, headers: { [c]: 5 }, credential: c },
    ],
    connections: [{ from: c, to: `${c}x` }],
  };
  out.push({ what: `${at} nested`, method: r.method, path: pathOf(r, id), key, body: JSON.stringify(nested) });
  // A valid-looking workflow whose graph is wrong (duplicate node id, a connection to an unknown node) or whose id
  // differs from the path: the graph and id checks run too.
  const graph = {
    id: r.method === 'PUT' ? `${missing}_other` : missing,
    name: 'graph',
    nodes: [
      { id: c, type: 'trigger' },
      { id: c, type: 'trigger' },
    ],
    connections: [{ from: 'start', to: c }],
  };
  out.push({ what: `${at} graph`, method: r.method, path: pathOf(r, id), key, body: JSON.stringify(graph) });
  // Bodies that pass the schema and fail a later check: minting on workflows beyond the caller's allow-list, an
  // unknown service, a run input.
  const semantic: Record<string, unknown> = {
    // Only the allow-listed key is refused this (the owner would mint it: then the id is data, not an echo).
    ...(who === 'allow-listed' ? { createApiKey: { name: 'x', scopes: ['workflows:read'], workflows: [c] } } : {}),
    createCredential: { name: 'x', service: c, authType: 'bearer', value: 'abcdefgh1234' },
    runWorkflow: { input: { [c]: c } },
  };
  if (semantic[r.operationId])
    out.push({
      what: `${at} semantic`,
      method: r.method,
      path: pathOf(r, id),
      key,
      body: JSON.stringify(semantic[r.operationId]),
    });
  // Malformed JSON (V8's parse error quotes a snippet of the text), and a Content-Type naming the canary.
  for (const [n, body] of [
    ['unterminated', `{"name": "${c}", `],
    ['bare token', `{"name": ${c}}`],
    ['bare text', c],
    ['trailing', `{"name": "x"} ${c}`],
  ] as const)
    out.push({ what: `${at} malformed ${n}`, method: r.method, path: pathOf(r, id), key, body });
  out.push({
    what: `${at} content-type`,
    method: r.method,
    path: pathOf(r, id),
    key,
    headers: { 'content-type': `application/x-${c}` },
    body: JSON.stringify({ name: c }),
  });
  return out;
}

async function inBatches(probes: Probe[], size = 8) {
  for (let i = 0; i < probes.length; i += size) await Promise.all(probes.slice(i, i + size).map(probe));
}

before(async () => {
  srv = await startServer({ env: { FLERO_MASTER_KEY: '', FLERO_RUN_WAIT_MS: '5000' } });
  owner = srv.ownerKey!;
  const post = (path: string, body: unknown) =>
    fetch(srv.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON response fields
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  assert.equal(
    (await post('/api/workflows', { id: 'wfA', name: 'A', nodes: [{ id: 'start', type: 'trigger' }] })).status,
    201,
  );
  const run = await post('/api/workflows/wfA/run', {});
  assert.equal(run.status, 200);
  executionId = run.body.id;
  const k = await post('/api/api-keys', {
    name: 'narrow',
    scopes: [...SCOPES],
    workflows: ['wfA'],
  });
  assert.equal(k.status, 201);
  narrow = k.body.key;
  openapi = await (await fetch(`${srv.url}/api-docs/openapi.json`)).json();
});
after(async () => {
  await srv?.stop();
});

describe('no response repeats a key or secret sent by the client', () => {
  for (const [label, c] of Object.entries(CANARIES))
    test(`every route, the ${label} canary in path, query, body, malformed body, Content-Type and Authorization`, async () => {
      const probes = ROUTES.flatMap((r) => [
        ...probesFor(r, c, owner, 'owner'),
        ...probesFor(r, c, narrow, 'allow-listed'),
      ]);
      hits.length = 0;
      await inBatches(probes);
      assert.deepEqual(hits, []);
    });

  test('the sweep reached the checks it is meant to exercise', () => {
    assert.ok(checked.requests > ROUTES.length * 20, `${checked.requests} requests`);
    for (const status of [400, 401, 403, 404, 415])
      assert.ok((checked.byStatus.get(status) ?? 0) > 0, `some probes answered ${status}: ${[...checked.byStatus]}`);
  });

  test('conflicts do not repeat the id either', async () => {
    const c = CANARIES.secret;
    const send = (path: string, body: unknown) =>
      fetch(srv.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const wf = { id: c, name: 'dup', nodes: [{ id: 'start', type: 'trigger' }] };
    assert.equal((await send('/api/workflows', wf)).status, 201); // the id is data now; the conflict must not echo it
    const again = await send('/api/workflows', wf);
    assert.equal(again.status, 409);
    assert.ok(!(await again.text()).includes(c));
    const cred = { id: c, name: 'dup', service: 'github', authType: 'bearer', value: 'ghp_notARealToken123' };
    assert.equal((await send('/api/credentials', cred)).status, 201);
    const dup = await send('/api/credentials', cred);
    assert.equal(dup.status, 409);
    assert.ok(!(await dup.text()).includes(c));
  });

  test('no canary in the server output', () => {
    for (const c of Object.values(CANARIES)) assert.ok(!srv.output().includes(c));
  });
});
