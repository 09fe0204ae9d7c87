// Hostile code nodes run concurrently (busy loops, memory hogs, deep recursion, endless promise chains, huge logs,
// oversized output) from a key with executions:write, while GET /healthz and an authenticated GET are probed: both
// keep answering (p99 < 50 ms) and every run ends with a clear error, or succeeds. Loopback only, < 60 s.
// Against the real built server (`node esbuild.mjs` first); run with `node test/run.mjs reliability`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, type RunningServer, startServer } from '../helpers/server';

let srv: RunningServer;
let runner: string;

// The huge-log cases stay within a record the server can store and serve quickly (5 lines capped at 100,000
// characters, 1,000 short lines); the cap and the 10 MiB log budget are covered in test/engine/code-worker.test.ts.
const HOSTILE: { id: string; node: Record<string, unknown>; expect: RegExp | unknown }[] = [
  {
    id: 'busy',
    node: { code: 'while (true) {}', timeoutMs: 3_000 },
    expect: /^node "x" failed: code timed out after 3000 ms$/,
  },
  {
    id: 'memory',
    node: { code: 'const a = []; while (true) a.push("x".repeat(100000) + a.length);', memoryLimitMb: 16 },
    expect: /^node "x" failed: code exceeded the memory limit of 16 MB$/,
  },
  {
    id: 'recursion',
    node: { code: 'function f(n) { return f(n + 1) + 1 } return f(0)' },
    expect: /^node "x" failed: code exceeded the stack limit \(too deep recursion\)$/,
  },
  {
    id: 'promises',
    node: {
      code: 'const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {});',
      timeoutMs: 3_000,
    },
    expect: /^node "x" failed: code (timed out after 3000 ms|returned a promise that never settles)$/,
  },
  {
    id: 'logs',
    node: { code: 'for (let i = 0; i < 5; i++) console.log("y".repeat(150000) + i); return "logged";' },
    expect: 'logged',
  },
  {
    id: 'lines',
    node: { code: 'for (let i = 0; i < 200000; i++) console.log("line " + i); return "many";' },
    expect: 'many',
  },
  {
    id: 'output',
    node: { code: 'return "z".repeat(11 * 1024 * 1024)', memoryLimitMb: 64 },
    expect: /^node "x" failed: code output is larger than 10485760 characters$/,
  },
  { id: 'benign', node: { code: 'return { doubled: $input.n * 2 }' }, expect: { doubled: 42 } },
];

before(async () => {
  srv = await startServer({ env: { FLERO_RUN_WAIT_MS: '1000' } });
  const owner = srv.ownerKey!;
  for (const h of HOSTILE) {
    const body = {
      id: `wf_hostile_${h.id}`,
      name: `hostile ${h.id}`,
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'x', type: 'code', ...h.node },
      ],
      connections: [{ from: 'start', to: 'x' }],
    };
    const r = await api(srv.url, 'POST', '/api/workflows', { key: owner, body });
    assert.equal(r.status, 201, r.text);
  }
  const key = await api(srv.url, 'POST', '/api/api-keys', {
    key: owner,
    body: { name: 'hostile', scopes: ['executions:write', 'executions:read', 'workflows:read'] },
  });
  assert.equal(key.status, 201, key.text);
  runner = key.body.key;
});
after(async () => {
  await srv?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

/** Requests `path` every ~50 ms until `stop()` says so (bounded to 1,200 probes); returns the latencies in ms. */
async function probe(path: string, key: string | undefined, stop: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < 1_200 && !stop(); i++) {
    const t0 = performance.now();
    const r = await fetch(srv.url + path, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    await r.arrayBuffer();
    samples.push(performance.now() - t0);
    assert.equal(r.status, 200, `${path} answered ${r.status}`);
    await sleep(50);
  }
  return samples;
}

test('hostile code nodes never stall the server, and each run ends clearly', { timeout: 60_000 }, async (t) => {
  const started = Date.now();
  let done = false;
  const health = probe('/healthz', undefined, () => done);
  const authed = probe('/api/workflows/wf_hostile_benign', runner, () => done);
  try {
    // Two of each at once.
    const runs = await Promise.all(
      [...HOSTILE, ...HOSTILE].map(async (h) => {
        const r = await api(srv.url, 'POST', `/api/workflows/wf_hostile_${h.id}/run`, {
          key: runner,
          body: { input: { n: 21 } },
        });
        assert.ok(r.status === 200 || r.status === 202, `${h.id}: ${r.status} ${r.text.slice(0, 300)}`);
        return { h, id: r.body.id as string };
      }),
    );
    const pending = new Map(runs.map((r, i) => [i, r]));
    // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON response fields
    const finished: { h: (typeof HOSTILE)[number]; ex: any }[] = [];
    while (pending.size && Date.now() - started < 50_000) {
      for (const [i, r] of pending) {
        const got = await api(srv.url, 'GET', `/api/executions/${r.id}`, { key: runner });
        assert.equal(got.status, 200, got.text.slice(0, 300));
        if (got.body.status !== 'running') {
          pending.delete(i);
          finished.push({ h: r.h, ex: got.body });
        }
      }
      if (pending.size) await sleep(500);
    }
    assert.equal(pending.size, 0, `still running after 50 s: ${[...pending.values()].map((r) => r.h.id).join(', ')}`);
    for (const { h, ex } of finished) {
      if (h.expect instanceof RegExp) {
        assert.equal(ex.status, 'failed', `${h.id}: ${ex.status}`);
        assert.match(ex.error, h.expect, h.id);
      } else {
        assert.equal(ex.status, 'succeeded', `${h.id}: ${ex.error}`);
        assert.deepEqual(ex.output, h.expect, h.id);
      }
      const logs = ex.nodes[1].logs as { message: string; truncated?: boolean }[];
      if (h.id === 'logs') {
        assert.equal(logs.length, 5);
        assert.ok(logs.every((l) => l.message.length <= 100_000 && l.truncated === true));
      }
      if (h.id === 'lines') {
        assert.equal(logs.length, 1_000);
        assert.equal(logs[999]!.message, '(log limit of 1000 lines reached) line 999');
      }
    }
  } finally {
    done = true;
  }
  const [h, a] = await Promise.all([health, authed]);
  const line = `/healthz p99 ${p99(h).toFixed(1)} ms (max ${Math.max(...h).toFixed(1)}, ${h.length} probes); authenticated GET p99 ${p99(a).toFixed(1)} ms (max ${Math.max(...a).toFixed(1)}, ${a.length} probes); ${((Date.now() - started) / 1000).toFixed(1)} s`;
  t.diagnostic(line);
  console.log(`# ${line}`);
  assert.ok(p99(h) < 50, line);
  assert.ok(p99(a) < 50, line);
});
