// Executions as a user manages them, on the real server over HTTP: bounded records (a Code node returning 9 MiB),
// listing that keeps working (cursor pages + Link), delete and cancel, retention, deep JSON bodies, and masking that
// happens before any cut (a secret straddling a log line's cut, the \uXXXX and double-URL-encoded forms).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { api, type RunningServer, startServer } from '../helpers/server';
import { startUpstream, type Upstream } from '../helpers/upstream';

const MiB = 1024 * 1024;
let srv: RunningServer;
let owner: string;
let upstream: Upstream;
let release: (() => void) | undefined;

const trigger = { id: 'start', type: 'trigger' };
const codeWf = (id: string, code: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  nodes: [trigger, { id: 'code', type: 'code', code, ...extra }],
  connections: [{ from: 'start', to: 'code' }],
});

async function put(wf: { id: string }) {
  const r = await api(srv.url, 'PUT', `/api/workflows/${wf.id}`, { key: owner, body: wf });
  assert.ok(r.status === 200 || r.status === 201, r.text);
}

async function run(id: string, input: Record<string, unknown> = {}) {
  return api(srv.url, 'POST', `/api/workflows/${id}/run`, { key: owner, body: { input } });
}

/**
 * A run to its end: the answer when it finished within the server's wait (3 s here), else the execution read from
 * its Location once finished (big runs can outlast the wait on a busy machine; these tests are about the record).
 */
async function runFinished(id: string) {
  let r = await run(id);
  if (r.status !== 202) return r;
  const location = r.headers.get('location')!;
  for (let i = 0; i < 600 && (r.status === 202 || r.body?.status === 'running'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    r = await api(srv.url, 'GET', location, { key: owner });
  }
  return r;
}

/** A workflow whose http node waits on the gated upstream until `release()`: a run that stays `running`. */
async function startGatedRun(): Promise<string> {
  const gate = new Promise<void>((r) => {
    release = r;
  });
  upstream.respond(async () => {
    await gate;
    return { status: 200, body: { ok: true } };
  });
  await put({
    id: 'wf_gated',
    name: 'Gated',
    nodes: [
      trigger,
      { id: 'wait', type: 'http', method: 'GET', url: `${upstream.url}/slow` },
      { id: 'after', type: 'code', code: 'return 1;' },
    ],
    connections: [
      { from: 'start', to: 'wait' },
      { from: 'wait', to: 'after' },
    ],
  } as never);
  const r = await run('wf_gated');
  assert.equal(r.status, 202, r.text);
  return r.body.id as string;
}

before(async () => {
  upstream = await startUpstream();
  srv = await startServer({ env: { FLERO_RUN_WAIT_MS: '3000' } });
  owner = srv.ownerKey!;
});
after(async () => {
  release?.();
  await srv?.stop();
  await upstream?.close();
});

describe('bounded records', () => {
  test('a Code node returning 9 MiB stores a marker, and listing keeps working after many such runs', async () => {
    await put(codeWf('wf_huge', "return 'x'.repeat(9 * 1024 * 1024);"));
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await runFinished('wf_huge');
      assert.equal(r.status, 200, r.text.slice(0, 300));
      assert.equal(r.body.status, 'succeeded');
      ids.push(r.body.id);
      assert.ok(r.text.length < 2 * MiB, `the run answer is ${r.text.length} bytes`);
      const node = r.body.nodes.find((n: { id: string }) => n.id === 'code');
      assert.deepEqual(node.output, { truncated: true, bytes: 9 * MiB + 2 });
      assert.deepEqual(r.body.output, { truncated: true, bytes: 9 * MiB + 2 });
    }
    const one = await api(srv.url, 'GET', `/api/executions/${ids[0]}`, { key: owner });
    assert.equal(one.status, 200);
    assert.ok(one.text.length < 2 * MiB);
    const list = await api(srv.url, 'GET', '/api/executions?workflowId=wf_huge&limit=500', { key: owner });
    assert.equal(list.status, 200, list.text.slice(0, 300));
    assert.equal(list.body.length, 7);
    console.log(`largest stored record: ${Math.max(...list.body.map((e: unknown) => JSON.stringify(e).length))} bytes`);
  });

  test('many large outputs and log lines keep the whole record under 2 MiB, saying what was cut', async () => {
    // 12 nodes of 200 KiB each (each under the node limit, 2.4 MiB together) plus a code node logging 1,000 × 5 KB.
    const nodes: Record<string, unknown>[] = [trigger];
    const connections: { from: string; to: string }[] = [];
    let prev = 'start';
    for (let i = 0; i < 12; i++) {
      nodes.push({ id: `n${i}`, type: 'code', code: "return 'y'.repeat(200 * 1024);" });
      connections.push({ from: prev, to: `n${i}` });
      prev = `n${i}`;
    }
    nodes.push({
      id: 'logs',
      type: 'code',
      code: "for (let i = 0; i < 1000; i++) console.log('z'.repeat(5000)); return 1;",
    });
    connections.push({ from: prev, to: 'logs' });
    await put({ id: 'wf_wide', name: 'Wide', nodes, connections } as never);
    const r = await runFinished('wf_wide');
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.body.status, 'succeeded');
    assert.ok(Buffer.byteLength(r.text) <= 2 * MiB, `${Buffer.byteLength(r.text)} bytes`);
    const markers = r.body.nodes.filter((n: { output?: { truncated?: boolean } }) => n.output?.truncated === true);
    assert.ok(markers.length >= 1, 'the largest outputs became markers');
    const kept = r.body.nodes.filter((n: { output?: unknown }) => typeof n.output === 'string');
    assert.ok(kept.length >= 1, 'smaller outputs are kept');
    const logs = r.body.nodes.find((n: { id: string }) => n.id === 'logs').logs;
    assert.match(logs.at(-1).message, /more log line\(s\) cut: an execution record is limited to 2097152 bytes/);
  });

  test('an error message of 1 MB is cut (after masking), not stored whole', async () => {
    await put(codeWf('wf_bigerr', "throw new Error('e'.repeat(1000000));"));
    const r = await run('wf_bigerr');
    assert.equal(r.body.status, 'failed');
    assert.ok(r.body.error.length < 11_000, `${r.body.error.length}`);
    assert.match(r.body.error, /… \(truncated\)$/);
  });
});

describe('listing pages', () => {
  test('limit + cursor pages through every execution once, with Link rel="next"', async () => {
    await put(codeWf('wf_page', 'return $input.n;'));
    const made: string[] = [];
    for (let n = 0; n < 5; n++) made.push((await run('wf_page', { n })).body.id);
    const seen: string[] = [];
    let next: string | undefined = '/api/executions?workflowId=wf_page&limit=2';
    let pages = 0;
    while (next) {
      const r = await api(srv.url, 'GET', next, { key: owner });
      assert.equal(r.status, 200, r.text);
      assert.ok(Array.isArray(r.body));
      assert.ok(r.body.length <= 2);
      seen.push(...r.body.map((e: { id: string }) => e.id));
      const link = r.headers.get('link');
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      if (link) assert.ok(next, link);
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...made].reverse());
  });

  test('a bad cursor or an unknown query parameter is a 400 naming it', async () => {
    for (const [q, field] of [
      ['cursor=nonsense', 'cursor'],
      [`cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'cursor'],
      ['status=done', 'status'],
      ['limit=0', 'limit'],
      ['page=2', 'page'],
    ]) {
      const r = await api(srv.url, 'GET', `/api/executions?${q}`, { key: owner });
      assert.equal(r.status, 400, `${q}: ${r.text}`);
      assert.equal(r.body.code, 'validation_failed');
      assert.ok(
        r.body.errors.some((e: { field: string }) => e.field === field),
        r.text,
      );
    }
  });

  test('status filter', async () => {
    await put(codeWf('wf_fail', "throw new Error('no');"));
    await run('wf_fail');
    const r = await api(srv.url, 'GET', '/api/executions?status=failed', { key: owner });
    assert.equal(r.status, 200);
    assert.ok(r.body.length >= 1);
    assert.ok(r.body.every((e: { status: string }) => e.status === 'failed'));
  });
});

describe('delete and cancel', () => {
  test('DELETE removes a finished execution (204, then 404); unknown ids are 404 without echoing junk', async () => {
    await put(codeWf('wf_del', 'return 1;'));
    const id = (await run('wf_del')).body.id;
    const del = await api(srv.url, 'DELETE', `/api/executions/${id}`, { key: owner });
    assert.equal(del.status, 204, del.text);
    assert.equal((await api(srv.url, 'GET', `/api/executions/${id}`, { key: owner })).status, 404);
    assert.equal((await api(srv.url, 'DELETE', `/api/executions/${id}`, { key: owner })).status, 404);
    const junk = `flero_sk_${randomBytes(18).toString('base64url')}`;
    const nf = await api(srv.url, 'DELETE', `/api/executions/${junk}`, { key: owner });
    assert.equal(nf.status, 404);
    assert.ok(!nf.text.includes(junk));
    const audit = await api(srv.url, 'GET', '/api/audit?event=execution.deleted', { key: owner });
    assert.ok(
      audit.body.some(
        (e: { target: string; detail: { workflowId: string } }) => e.target === id && e.detail.workflowId === 'wf_del',
      ),
    );
  });

  test('cancel stops a running execution (200 cancelled); DELETE of a running one is 409; cancel again is 409', async () => {
    const id = await startGatedRun();
    const running = await api(srv.url, 'DELETE', `/api/executions/${id}`, { key: owner });
    assert.equal(running.status, 409, running.text);
    assert.equal(running.body.code, 'execution_running');
    const c = await api(srv.url, 'POST', `/api/executions/${id}/cancel`, { key: owner });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.status, 'cancelled');
    const nodes = Object.fromEntries(c.body.nodes.map((n: { id: string; status: string }) => [n.id, n.status]));
    assert.equal(nodes.start, 'succeeded');
    assert.equal(nodes.wait, 'cancelled');
    assert.equal(nodes.after, 'cancelled');
    const stored = await api(srv.url, 'GET', `/api/executions/${id}`, { key: owner });
    assert.equal(stored.body.status, 'cancelled');
    const again = await api(srv.url, 'POST', `/api/executions/${id}/cancel`, { key: owner });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'execution_finished');
    release?.();
    assert.equal((await api(srv.url, 'DELETE', `/api/executions/${id}`, { key: owner })).status, 204);
  });

  test('a key with executions:read only cannot delete or cancel (403 insufficient_scope)', async () => {
    const minted = await api(srv.url, 'POST', '/api/api-keys', {
      key: owner,
      body: { name: 'reader', scopes: ['executions:read'] },
    });
    await put(codeWf('wf_ro', 'return 1;'));
    const id = (await run('wf_ro')).body.id;
    for (const [m, p] of [
      ['DELETE', `/api/executions/${id}`],
      ['POST', `/api/executions/${id}/cancel`],
    ]) {
      const r = await api(srv.url, m!, p!, { key: minted.body.key });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.scope, 'executions:write');
    }
  });
});

describe('JSON depth', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

  test('bodies nested 5,000 levels deep are a 400 on every route with a body, never a 500', async () => {
    for (const [method, path] of [
      ['POST', '/api/workflows'],
      ['PUT', '/api/workflows/wf_x'],
      ['POST', '/api/workflows/wf_page/run'],
      ['POST', '/api/credentials'],
      ['PATCH', '/api/credentials/cred_x'],
      ['POST', '/api/api-keys'],
    ]) {
      for (const body of [deep(5000), deepObject(5000), `{"input":{"x":${deep(200)}}}`]) {
        const r = await api(srv.url, method!, path!, { key: owner, body });
        assert.equal(r.status, 400, `${method} ${path}: ${r.text.slice(0, 200)}`);
        assert.equal(r.body.code, 'validation_failed');
        assert.match(r.body.errors[0].message, /nested deeper than 128 levels/);
      }
    }
    assert.equal((await api(srv.url, 'GET', '/healthz')).status, 200);
  });

  test('128 levels are fine; brackets inside strings do not count', async () => {
    const r = await run('wf_page', { n: JSON.parse(deep(120)), s: '[[[[[[[[[['.repeat(100) } as never);
    assert.equal(r.status, 200, r.text.slice(0, 300));
  });
});

describe('masking before any cut', () => {
  const SECRET = `canaryMask_${randomBytes(18).toString('base64url')}`;

  before(async () => {
    const cred = {
      id: 'cred_mask',
      name: 'Mask',
      service: 'custom',
      authType: 'apiKey',
      header: { name: 'X-API-Key', prefix: '' },
      hosts: [upstream.host],
      value: SECRET,
    };
    const r = await api(srv.url, 'POST', '/api/credentials', { key: owner, body: cred });
    assert.equal(r.status, 201, r.text);
  });

  test('a secret straddling the 10,000-character cut of a log line leaves no head behind', async () => {
    // The code holds the secret literally (a hard-coded copy of a credential in use): its log line is masked
    // before it is cut, at every offset around the cut.
    const code = `for (let k = 9980; k <= 10001; k++) console.log('x'.repeat(k) + ${JSON.stringify(SECRET)} + ' end'); return 1;`;
    upstream.respond(() => ({ status: 200, body: { ok: true } }));
    await put({
      id: 'wf_straddle',
      name: 'Straddle',
      nodes: [
        trigger,
        { id: 'call', type: 'http', method: 'GET', url: `${upstream.url}/x`, credential: 'cred_mask' },
        { id: 'log', type: 'code', code },
      ],
      connections: [
        { from: 'start', to: 'call' },
        { from: 'call', to: 'log' },
      ],
    } as never);
    const r = await run('wf_straddle');
    assert.equal(r.body.status, 'succeeded', r.text.slice(0, 500));
    const logs = r.body.nodes.find((n: { id: string }) => n.id === 'log').logs as { message: string }[];
    assert.equal(logs.length, 22);
    for (const l of logs) assert.ok(l.message.length <= 10_000 + 20);
    for (let n = 6; n <= SECRET.length; n++)
      assert.ok(!r.text.includes(SECRET.slice(0, n)), `a ${n}-character head of the secret survived`);
  });

  test('an upstream echoing the key as all-\\uXXXX JSON escapes or double URL-encoded is masked', async () => {
    const uAll = [...SECRET].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const twice = encodeURIComponent(encodeURIComponent(SECRET));
    upstream.respond(() => ({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: `{"k":"${uAll}"} next=${twice}`,
    }));
    await put({
      id: 'wf_echo',
      name: 'Echo',
      nodes: [
        trigger,
        { id: 'call', type: 'http', method: 'GET', url: `${upstream.url}/echo`, credential: 'cred_mask' },
      ],
      connections: [{ from: 'start', to: 'call' }],
    } as never);
    const r = await run('wf_echo');
    assert.equal(r.body.status, 'succeeded', r.text.slice(0, 500));
    const body = r.body.nodes.find((n: { id: string }) => n.id === 'call').output.body as string;
    assert.equal(body, '{"k":"***"} next=***');
  });
});
