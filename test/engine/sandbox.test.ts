// Code nodes in the QuickJS WASM sandbox: what they can do, and escape attempts contained with a clear error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Workflow } from '../../server/src/core/workflow';
import { runWorkflow } from '../../server/src/engine/runner';
import { runCode } from '../../server/src/engine/sandbox';
import type { CredentialForRun } from '../../server/src/engine/types';
import { startUpstream } from '../helpers/upstream';

const CANARY = 'canarySandbox_8d7Fq2Lx9Vb4';

async function fails(code: string, pattern: RegExp, opts: { timeoutMs?: number; memoryLimitMb?: number } = {}) {
  const r = await runCode({ code, input: {}, nodes: {}, ...opts });
  assert.equal(r.ok, false, `expected a failure for: ${code}`);
  if (!r.ok) assert.match(r.error, pattern);
}

describe('code sandbox', () => {
  it('sees $input and $node as data, returns JSON, captures every console level', async () => {
    const r = await runCode({
      code: `console.log('a', 1, {x: [1]}); console.info('i'); console.warn('w'); console.error(new Error('e')); console.debug(undefined);
             return { sum: $input.a + $node.prev.b, arr: [1, 'two', null], nested: { ok: true } };`,
      input: { a: 2 },
      nodes: { prev: { b: 40 } },
    });
    assert.ok(r.ok);
    assert.deepEqual(r.output, { sum: 42, arr: [1, 'two', null], nested: { ok: true } });
    assert.deepEqual(
      r.logs.map((l) => [l.level, l.message.split('\n')[0]]),
      [
        ['log', 'a 1 {"x":[1]}'],
        ['info', 'i'],
        ['warn', 'w'],
        ['error', 'Error: e'],
        ['debug', 'undefined'],
      ],
    );
  });

  it('supports async code and undefined results', async () => {
    const r = await runCode({ code: 'const v = await Promise.resolve(5); return v * 2', input: {}, nodes: {} });
    assert.deepEqual(r.ok && r.output, 10);
    const u = await runCode({ code: 'const x = 1;', input: {}, nodes: {} });
    assert.deepEqual(u.ok && u.output, null);
  });

  it('contains process, require, fetch and module access', async () => {
    await fails('return process.env', /process is not defined \(code nodes run in a sandbox/);
    await fails('return require("fs").readFileSync("/etc/passwd", "utf8")', /require is not defined/);
    await fails('return fetch("http://127.0.0.1/")', /fetch is not defined/);
    await fails('return await import("fs")', /could not load module|not supported|import/i);
  });

  it('contains constructor and prototype tricks', async () => {
    await fails("return globalThis.constructor.constructor('return process')()", /process is not defined/);
    await fails(
      "return (() => {}).constructor('return this.process.mainModule')()",
      /cannot read property|undefined|not/i,
    );
    const proto = await runCode({
      code: "Object.prototype.polluted = 'yes'; const g = Function('return this')(); return { keys: Object.getOwnPropertyNames(g).filter(k => /^(process|require|module|Buffer|fetch|__flero_emit|global)$/.test(k)), own: typeof console.log }",
      input: {},
      nodes: {},
    });
    assert.ok(proto.ok);
    assert.deepEqual(proto.output, { keys: [], own: 'function' });
    // The pollution stayed inside that sandbox: a fresh run does not see it, nor does the host.
    const next = await runCode({ code: 'return ({}).polluted ?? "clean"', input: {}, nodes: {} });
    assert.deepEqual(next.ok && next.output, 'clean');
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });

  it('stops an infinite loop with a time-out', async () => {
    const t0 = performance.now();
    await fails('while (true) {}', /^code timed out after 200 ms$/, { timeoutMs: 200 });
    assert.ok(performance.now() - t0 < 2_000);
    await fails('for (;;) { try { while (true) {} } catch (e) {} }', /timed out after 200 ms/, { timeoutMs: 200 });
  });

  it('stops a memory bomb at the memory limit, and the next run still works', async () => {
    await fails('const a = []; while (true) a.push("x".repeat(100000) + a.length);', /memory limit of 8 MB/, {
      memoryLimitMb: 8,
      timeoutMs: 20_000,
    });
    await fails('const a = []; while (true) a.push({ n: a.length, s: [1, 2, 3] });', /memory limit of 8 MB|timed out/, {
      memoryLimitMb: 8,
      timeoutMs: 20_000,
    });
    const ok = await runCode({ code: 'return 1 + 1', input: {}, nodes: {}, memoryLimitMb: 8 });
    assert.deepEqual(ok.ok && ok.output, 2);
  });

  it('stops runaway recursion and reports syntax errors and throws with a line', async () => {
    await fails('function f() { return f() } return f()', /stack limit/);
    await fails('let x = ;', /^SyntaxError/);
    await fails('const a = 1;\nthrow new TypeError("bad " + a)', /^TypeError: bad 1 \(line 2\)$/);
    await fails('return new Promise(() => {})', /never settles/);
  });

  it('cannot read credential values: a code node sees only masked input and node outputs', async () => {
    const up = await startUpstream((req) => ({ body: { echoed: req.headers.authorization } }));
    try {
      const cred: CredentialForRun = {
        id: 'c',
        name: 'c',
        service: 'custom',
        authType: 'bearer',
        hosts: [up.host],
        value: CANARY,
      };
      const probe = CANARY.slice(0, 12);
      const wf: Workflow = {
        id: 'wf',
        name: 'wf',
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'call', type: 'http', method: 'GET', url: `${up.url}/me`, credential: 'c' },
          {
            id: 'peek',
            type: 'code',
            code: `const found = []; const seen = new Set();
                 const walk = (o, path, d) => { if (d > 6 || o === null || typeof o !== 'object' || seen.has(o)) return; seen.add(o);
                   for (const k of Object.getOwnPropertyNames(o)) { try { const v = o[k]; if (typeof v === 'string' && v.includes('${probe}')) found.push(path + '.' + k); walk(v, path + '.' + k, d + 1); } catch (e) {} } };
                 walk(globalThis, 'globalThis', 0); walk($input, '$input', 0); walk($node, '$node', 0);
                 console.log(JSON.stringify($node.call.body));
                 return { found, input: $input, echoed: $node.call.body.echoed };`,
          },
        ],
        connections: [
          { from: 'start', to: 'call' },
          { from: 'call', to: 'peek' },
        ],
      };
      const ex = await runWorkflow(wf, { input: { echo: `token=${CANARY}` }, credentials: async () => cred });
      assert.equal(ex.status, 'succeeded', ex.error);
      assert.equal(up.requests[0]!.headers.authorization, `Bearer ${CANARY}`, 'the upstream did get the key');
      assert.deepEqual(ex.output, { found: [], input: { echo: 'token=***' }, echoed: 'Bearer ***' });
      assert.equal(ex.nodes[2]!.logs[0]!.message, '{"echoed":"Bearer ***"}');
      assert.ok(!JSON.stringify(ex).includes(CANARY));
    } finally {
      await up.close();
    }
  });

  it('runs a workflow’s failing code node as a failed node with its logs kept', async () => {
    const ex = await runWorkflow(
      {
        id: 'wf',
        name: 'wf',
        nodes: [
          { id: 'c', type: 'code', code: 'console.warn("about to fail"); return process.exit(1)', timeoutMs: 1000 },
        ],
        connections: [],
      },
      { credentials: async () => undefined },
    );
    assert.equal(ex.status, 'failed');
    assert.match(ex.error!, /node "c" failed: ReferenceError: process is not defined/);
    assert.equal(ex.nodes[0]!.logs[0]!.message, 'about to fail');
  });
});
