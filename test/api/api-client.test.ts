// The typed API client (server/src/apiClient) against the real, built server: typed answers, errors as FleroApiError
// values of the right kind (http, network, protocol, cancelled) and sentences that never contain the key, paging by
// `Link`, and running a workflow that outlasts the server's run wait (202 + polling). No redirect is followed, so a
// key never travels to another server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { FleroClient } from '../../server/src/apiClient/client';
import { explainApiError } from '../../server/src/apiClient/errors';
import { FleroApiError } from '../../server/src/apiClient/transport';
import { SCOPES } from '../../server/src/core/scopes';
import { type RunningServer, startServer } from '../helpers/server';
import { startUpstream, type Upstream } from '../helpers/upstream';

let srv: RunningServer;
let owner: FleroClient;
let upstream: Upstream;

const trigger = { id: 'start', type: 'trigger' };

/** Resolves to the FleroApiError `p` rejects with (fails the test when it resolves or throws something else). */
async function failure(p: Promise<unknown>): Promise<FleroApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FleroApiError, `not a FleroApiError: ${e}`);
    return e;
  }
  assert.fail('the call did not reject');
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

before(async () => {
  upstream = await startUpstream();
  srv = await startServer({ args: ['--run-wait-ms', '200'] });
  owner = new FleroClient({ baseUrl: srv.url, key: srv.ownerKey });
});
after(async () => {
  await srv?.stop();
  await upstream?.close();
});

describe('typed answers', () => {
  test("whoami is the owner key's metadata, the same as its listing", async () => {
    const me = await owner.call('whoami');
    assert.deepEqual([...me.scopes].sort(), [...SCOPES].sort());
    assert.equal(me.workflows, 'all');
    assert.equal(me.revokedAt, null);
    assert.ok(srv.ownerKey!.startsWith(me.start), 'start is the beginning of the key');
    const listed = (await owner.call('listApiKeys')).find((k) => k.id === me.id);
    assert.ok(listed, 'the owner key is listed');
    assert.deepEqual({ ...listed, lastUsedAt: null }, { ...me, lastUsedAt: null });
    assert.ok(!('key' in me) && !JSON.stringify(me).includes(srv.ownerKey!));
  });

  test('createApiKey returns the key exactly once; getApiKey and the listing never have it', async () => {
    const created = await owner.call('createApiKey', { body: { name: 'typed', scopes: ['workflows:read'] } });
    assert.match(created.key, /^flero_sk_/);
    assert.equal(created.workflows, 'all', 'the default of the request schema');
    const read = await owner.call('getApiKey', { params: { id: created.id } });
    assert.ok(!('key' in read), JSON.stringify(read));
    const { key, ...meta } = created;
    assert.deepEqual(read, meta);
    assert.ok(!JSON.stringify(await owner.call('listApiKeys')).includes(key));
    const asIt = new FleroClient({ baseUrl: srv.url, key });
    assert.equal((await asIt.call('whoami')).name, 'typed');
    assert.deepEqual(await asIt.call('listWorkflows'), []);
  });
});

describe('errors', () => {
  test('a 404 rejects with kind http, status 404 and the problem code not_found', async () => {
    const e = await failure(owner.call('getWorkflow', { params: { id: 'wf_missing' } }));
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 404);
    assert.equal(e.problem?.code, 'not_found');
    assert.match(explainApiError(e), /^Could not read the workflow wf_missing: not found on the server/);
  });

  test('a refused key (401) is explained without the key text', async () => {
    const canary = `flero_sk_${randomBytes(27).toString('base64url').slice(0, 36)}`;
    const stranger = new FleroClient({ baseUrl: srv.url, key: canary });
    const e = await failure(stranger.call('listWorkflows'));
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 401);
    const sentence = explainApiError(e, { onUnauthorized: 'Set FLERO_API_KEY to a valid key.' });
    assert.match(sentence, /the server did not accept the key \(unknown, revoked or expired\)\. Set FLERO_API_KEY/);
    for (const text of [sentence, e.message, JSON.stringify(e), String(e.stack)])
      assert.ok(!text.includes(canary) && !text.includes(canary.slice(9)), `the key is in: ${text}`);
  });

  test('a 403 names the missing scope', async () => {
    const { key } = await owner.call('createApiKey', { body: { name: 'reader', scopes: ['workflows:read'] } });
    const reader = new FleroClient({ baseUrl: srv.url, key });
    const e = await failure(reader.call('listApiKeys'));
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 403);
    assert.match(
      explainApiError(e, { keyName: 'the signed-in key' }),
      /the signed-in key lacks the scope "api-keys:read"/,
    );
    assert.ok(!explainApiError(e).includes(key));
  });

  test('nothing listening: kind network, with the URL in the message', async () => {
    const url = `http://127.0.0.1:${await deadPort()}`;
    const e = await failure(new FleroClient({ baseUrl: url, key: 'x' }).call('whoami'));
    assert.equal(e.kind, 'network');
    assert.ok(e.message.includes(url), e.message);
    assert.equal(explainApiError(e), e.message);
  });

  test('a server that is not Flero (HTML 200 on /api/me): kind protocol', async () => {
    const other = await startUpstream(() => ({
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><html><body>Welcome to nginx!</body></html>',
    }));
    try {
      const e = await failure(new FleroClient({ baseUrl: other.url, key: 'k' }).call('whoami'));
      assert.equal(e.kind, 'protocol');
      assert.match(e.message, /did not answer like a Flero server \(HTTP 200, text\/html/);
      assert.equal(other.requests[0]?.path, '/api/me');
    } finally {
      await other.close();
    }
  });

  test('a redirect to another server is not followed: kind protocol, and the key never reaches the target', async () => {
    const target = await startUpstream(() => ({ status: 200, body: { id: 'k', name: 'stolen' } }));
    const redirector = await startUpstream(() => ({ status: 302, headers: { location: `${target.url}/api/me` } }));
    const key = `flero_sk_${'R'.repeat(36)}`;
    try {
      const e = await failure(new FleroClient({ baseUrl: redirector.url, key }).call('whoami'));
      assert.equal(e.kind, 'protocol');
      assert.equal(e.status, 302);
      assert.ok(e.message.includes(`${target.url}/api/me`), e.message);
      assert.equal(redirector.requests.length, 1);
      assert.equal(target.requests.length, 0, 'the redirect target got a request');
      assert.ok(!target.everything().includes(key) && !/authorization/i.test(target.everything()));
    } finally {
      await redirector.close();
      await target.close();
    }
  });
});

describe('paging and waiting', () => {
  test("pages('listExecutions') yields every execution once, two per page", async () => {
    await owner.call('putWorkflow', {
      params: { id: 'wf_pages' },
      body: {
        id: 'wf_pages',
        name: 'Pages',
        nodes: [trigger, { id: 'code', type: 'code', code: 'return $input.n;' }],
        connections: [{ from: 'start', to: 'code' }],
      },
    });
    const made: string[] = [];
    for (let n = 0; n < 5; n++) {
      const e = await owner.runAndWait('wf_pages', { n }, { pollMs: 100 });
      assert.equal(e.status, 'succeeded', JSON.stringify(e));
      assert.equal(e.output, n);
      made.push(e.id);
    }
    const pages: string[][] = [];
    for await (const page of owner.pages('listExecutions', { query: { limit: 2, workflowId: 'wf_pages' } }))
      pages.push(page.map((e) => e.id));
    assert.deepEqual(
      pages.map((p) => p.length),
      [2, 2, 1],
    );
    assert.deepEqual(pages.flat(), [...made].reverse(), 'newest first, each once');
  });

  test('runAndWait on a run longer than --run-wait-ms: 202, then polls until succeeded', async () => {
    upstream.respond(() => ({ status: 200, body: { slow: true }, delayMs: 1_500 }));
    await owner.call('putWorkflow', {
      params: { id: 'wf_slow' },
      body: {
        id: 'wf_slow',
        name: 'Slow',
        nodes: [trigger, { id: 'wait', type: 'http', method: 'GET', url: `${upstream.url}/slow` }],
        connections: [{ from: 'start', to: 'wait' }],
      },
    });
    const first = await owner.request('runWorkflow', { params: { id: 'wf_slow' }, body: {} });
    assert.equal(first.status, 202);
    assert.equal(first.body.status, 'running');
    assert.equal(first.headers.get('location'), `/api/executions/${first.body.id}`);

    const waiting: string[] = [];
    const started = Date.now();
    const done = await owner.runAndWait('wf_slow', undefined, {
      pollMs: 100,
      onWaiting: (e) => waiting.push(e.status),
    });
    assert.deepEqual(waiting, ['running'], 'the server answered 202 (still running) first');
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.ok(Date.now() - started >= 1_400, 'it waited for the slow upstream');
    assert.equal(done.nodes.find((n) => n.id === 'wait')?.status, 'succeeded');
  });

  test('an aborted signal rejects with kind cancelled (while waiting, and in flight)', async () => {
    upstream.respond(() => ({ status: 200, body: { slow: true }, delayMs: 3_000 }));
    const abort = new AbortController();
    const waiting = owner.runAndWait('wf_slow', undefined, {
      pollMs: 100,
      signal: abort.signal,
      onWaiting: () => setTimeout(() => abort.abort(), 200),
    });
    const e = await failure(waiting);
    assert.equal(e.kind, 'cancelled');

    const inFlight = new AbortController();
    const call = owner.call('runWorkflow', { params: { id: 'wf_slow' }, body: {}, signal: inFlight.signal });
    setTimeout(() => inFlight.abort(), 50);
    const e2 = await failure(call);
    assert.equal(e2.kind, 'cancelled');
    assert.match(e2.message, /^Cancelled: run the workflow/);
  });
});
