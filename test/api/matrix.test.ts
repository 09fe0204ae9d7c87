// The route × scope × allow-list matrix, generated from THE route table (core/routes.ts), against the real built
// server over HTTP. For every authenticated route: no key → 401 with the bare challenge; a key holding every scope
// but the needed one → 403 insufficient_scope naming it; the needed scope alone → allowed; and the workflow
// allow-list where the table says it applies (param, list, execution, needsAllWorkflows).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROUTES, type RouteSpec } from '../../server/src/core/routes';
import { type Scope, SCOPES } from '../../server/src/core/scopes';
import { api, type RunningServer, startServer } from '../helpers/server';

let srv: RunningServer;
let owner: string;
const wf = (id: string) => ({
  id,
  name: `Workflow ${id}`,
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'shape', type: 'code', code: 'return { seen: $input.n ?? 0 };' },
  ],
  connections: [{ from: 'start', to: 'shape' }],
});
const executions: Record<string, string> = {};
let seq = 0;

async function mint(scopes: Scope[], workflows: 'all' | string[] = 'all'): Promise<string> {
  const r = await api(srv.url, 'POST', '/api/api-keys', {
    key: owner,
    body: { name: `matrix ${++seq}`, scopes, workflows },
  });
  assert.equal(r.status, 201, r.text);
  return r.body.key;
}

async function freshExecution(workflowId: string): Promise<string> {
  const r = await api(srv.url, 'POST', `/api/workflows/${workflowId}/run`, { key: owner, body: { input: { n: 2 } } });
  assert.equal(r.status, 200, r.text);
  return r.body.id;
}

async function createWorkflow(id: string) {
  const r = await api(srv.url, 'POST', '/api/workflows', { key: owner, body: wf(id) });
  assert.equal(r.status, 201, r.text);
}

/** A fresh target for a route, so destructive routes (DELETE, revoke) never disturb the others. */
async function target(route: RouteSpec): Promise<{ id?: string; body?: unknown; workflowId?: string }> {
  const n = ++seq;
  if (route.path.startsWith('/api/workflows/{id}')) {
    const id = `wf_${route.operationId}_${n}`;
    await createWorkflow(id);
    return {
      id,
      workflowId: id,
      body: route.method === 'PUT' ? wf(id) : route.path.endsWith('/run') ? { input: { n } } : undefined,
    };
  }
  if (route.path === '/api/workflows' && route.method === 'POST') return { body: wf(`wf_new_${n}`) };
  // Deleting or cancelling one acts on a fresh execution, so the shared ones stay for the other routes.
  if (route.path.startsWith('/api/executions/{id}') && route.method !== 'GET')
    return { id: await freshExecution('wfA'), workflowId: 'wfA' };
  if (route.path === '/api/executions/{id}') return { id: executions.wfA, workflowId: 'wfA' };
  if (route.path === '/api/api-keys/{id}') {
    const r = await api(srv.url, 'POST', '/api/api-keys', {
      key: owner,
      // Within the reach of a key holding only the route's scope (reach: test/api/reach.test.ts).
      body: { name: `target ${n}`, scopes: [route.scope] },
    });
    return { id: r.body.id };
  }
  if (route.path === '/api/api-keys' && route.method === 'POST')
    return { body: { name: `minted ${n}`, scopes: [route.scope] } };
  if (route.path.includes('{id}')) return { id: `none_${n}`, body: route.method === 'GET' ? undefined : {} };
  return { body: route.method === 'GET' ? undefined : {} };
}

const pathFor = (route: RouteSpec, id: string | undefined) => route.path.replace('{id}', encodeURIComponent(id ?? 'x'));

/** What the allowed request must answer, for the routes this area owns (others: anything but 401/403/5xx). */
const SUCCESS: Record<string, number> = {
  listWorkflows: 200,
  createWorkflow: 201,
  getWorkflow: 200,
  putWorkflow: 200,
  deleteWorkflow: 204,
  runWorkflow: 200,
  listExecutions: 200,
  getExecution: 200,
  deleteExecution: 204,
  whoami: 200,
  listApiKeys: 200,
  createApiKey: 201,
  getApiKey: 200,
  revokeApiKey: 204,
  listAudit: 200,
};

function assertAllowed(route: RouteSpec, r: { status: number; text: string }) {
  const want = SUCCESS[route.operationId];
  if (want) assert.equal(r.status, want, `${route.method} ${route.path}: ${r.text}`);
  else
    assert.ok(![401, 403].includes(r.status) && r.status < 500, `${route.method} ${route.path}: ${r.status} ${r.text}`);
}

before(async () => {
  srv = await startServer();
  owner = srv.ownerKey!;
  await createWorkflow('wfA');
  await createWorkflow('wfB');
  for (const id of ['wfA', 'wfB']) {
    const r = await api(srv.url, 'POST', `/api/workflows/${id}/run`, { key: owner, body: { input: { n: 1 } } });
    assert.equal(r.status, 200, r.text);
    executions[id] = r.body.id;
  }
});
after(async () => {
  await srv?.stop();
});

const authenticated = ROUTES.filter((r) => r.scope !== 'none');

describe('public routes need no key', () => {
  for (const route of ROUTES.filter((r) => r.scope === 'none'))
    test(`${route.method} ${route.path} → answered without a key`, async () => {
      const leak = route.operationId === 'reportLeakedKeys';
      const r = await api(srv.url, route.method, route.path, leak ? { body: { keys: [] } } : {});
      // The OAuth2 callback without the provider's state is a 400 page; a leak report is 202; every other is a 200.
      assert.equal(r.status, route.operationId === 'oauth2Callback' ? 400 : leak ? 202 : 200, r.text);
      assert.equal(r.headers.get('www-authenticate'), null, 'no challenge: no key is asked for');
    });
});

describe('no credentials → 401 with the bare challenge', () => {
  for (const route of authenticated)
    test(`${route.method} ${route.path}`, async () => {
      const t = await target(route);
      const r = await api(srv.url, route.method, pathFor(route, t.id), { body: t.body });
      assert.equal(r.status, 401, r.text);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="flero"');
      assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(r.body.status, 401);
      assert.equal(r.body.code, 'missing_credentials');
    });
});

describe('missing scope → 403 insufficient_scope naming it', () => {
  for (const route of authenticated.filter((r) => r.scope !== 'any'))
    test(`${route.method} ${route.path} needs ${route.scope}`, async () => {
      const t = await target(route);
      const key = await mint(SCOPES.filter((s) => s !== route.scope));
      const r = await api(srv.url, route.method, pathFor(route, t.id), { key, body: t.body });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.code, 'insufficient_scope');
      assert.equal(r.body.scope, route.scope);
      assert.match(r.body.detail, new RegExp(route.scope.replace(':', ':')));
      const challenge = r.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer realm="flero", error="insufficient_scope"/);
      assert.ok(challenge.includes(`scope="${route.scope}"`), challenge);
    });
});

describe('the needed scope alone is enough', () => {
  for (const route of authenticated)
    test(`${route.method} ${route.path} with only ${route.scope === 'any' ? 'an unrelated scope' : route.scope}`, async () => {
      const t = await target(route);
      const scope = (route.scope === 'any' ? 'audit:read' : route.scope) as Scope;
      // Minting needs the minted scopes too: the key's own single scope is what it mints.
      const key = await mint([scope]);
      const r = await api(srv.url, route.method, pathFor(route, t.id), { key, body: t.body });
      assertAllowed(route, r);
    });
});

describe('workflow allow-lists', () => {
  for (const route of authenticated.filter((r) => r.workflowScoped === 'param')) {
    test(`${route.method} ${route.path}: a workflow outside the list → 403 workflow_not_allowed`, async () => {
      const t = await target(route);
      const key = await mint([route.scope as Scope], ['wfB']);
      const r = await api(srv.url, route.method, pathFor(route, t.id), { key, body: t.body });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.code, 'workflow_not_allowed');
      // Nothing happened to it.
      const still = await api(srv.url, 'GET', `/api/workflows/${t.id}`, { key: owner });
      assert.equal(still.status, 200);
    });
    test(`${route.method} ${route.path}: a workflow on the list is allowed`, async () => {
      const t = await target(route);
      const key = await mint([route.scope as Scope], ['wfB', t.id!]);
      assertAllowed(route, await api(srv.url, route.method, pathFor(route, t.id), { key, body: t.body }));
    });
  }

  for (const route of authenticated.filter((r) => r.needsAllWorkflows))
    test(`${route.method} ${route.path}: needs "all" workflows`, async () => {
      const t = await target(route);
      const key = await mint([route.scope as Scope], ['wfA']);
      const r = await api(srv.url, route.method, pathFor(route, t.id), { key, body: t.body });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.code, 'workflow_not_allowed');
      const all = await mint([route.scope as Scope]);
      assertAllowed(route, await api(srv.url, route.method, pathFor(route, t.id), { key: all, body: t.body }));
    });

  for (const route of authenticated.filter((r) => r.workflowScoped === 'list'))
    test(`${route.method} ${route.path}: lists only allowed workflows`, async () => {
      const key = await mint([route.scope as Scope], ['wfA']);
      const r = await api(srv.url, route.method, route.path, { key });
      assert.equal(r.status, 200, r.text);
      const ids = (r.body as { id: string; workflowId?: string }[]).map((x) => x.workflowId ?? x.id);
      assert.ok(ids.length > 0);
      assert.deepEqual([...new Set(ids)], ['wfA']);
      const everything = await api(srv.url, route.method, route.path, { key: owner });
      const allIds = (everything.body as { id: string; workflowId?: string }[]).map((x) => x.workflowId ?? x.id);
      assert.ok(allIds.includes('wfB'), 'the owner sees the other workflow');
    });

  for (const route of authenticated.filter((r) => r.workflowScoped === 'execution'))
    test(`${route.method} ${route.path}: by the execution's workflow`, async () => {
      const key = await mint([route.scope as Scope], ['wfA']);
      const reads = route.method === 'GET';
      const [a, b] = reads
        ? [executions.wfA, executions.wfB]
        : [await freshExecution('wfA'), await freshExecution('wfB')];
      const denied = await api(srv.url, route.method, pathFor(route, b), { key });
      assert.equal(denied.status, 403, denied.text);
      assert.equal(denied.body.code, 'workflow_not_allowed');
      assert.equal((await api(srv.url, 'GET', `/api/executions/${b}`, { key: owner })).status, 200, 'still there');
      const ok = await api(srv.url, route.method, pathFor(route, a), { key });
      if (reads) {
        assert.equal(ok.status, 200, ok.text);
        assert.equal(ok.body.workflowId, 'wfA');
      } else if (route.operationId === 'deleteExecution') assert.equal(ok.status, 204, ok.text);
      // A finished execution cannot be cancelled: past the allow-list, the answer says why.
      else assert.equal(ok.body.code, 'execution_finished', ok.text);
    });
});

test('every route of the table is covered above', () => {
  assert.equal(authenticated.length + ROUTES.filter((r) => r.scope === 'none').length, ROUTES.length);
  assert.ok(authenticated.some((r) => r.workflowScoped === 'param'));
  assert.ok(authenticated.some((r) => r.needsAllWorkflows));
});
