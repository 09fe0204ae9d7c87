// Code nodes run off the request thread (issue #10, item 2): while four chained 4 s busy-loop code nodes run,
// GET /healthz keeps answering (p99 < 50 ms), and with FLERO_RUN_WAIT_MS=2000 a 6 s code node answers 202 + Location
// after the wait, not 200 after 6 s. Against the real built server (`node esbuild.mjs` first).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, type RunningServer, startServer } from '../helpers/server';

let srv: RunningServer;
let owner: string;

before(async () => {
  srv = await startServer({ env: { FLERO_RUN_WAIT_MS: '2000' } });
  owner = srv.ownerKey!;
});
after(async () => {
  await srv?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function busy(id: string, ms: number) {
  return {
    id,
    type: 'code',
    code: `const end = Date.now() + ${ms}; let n = 0; while (Date.now() < end) n++; return { spun: ${ms} };`,
    timeoutMs: ms + 500,
  };
}

async function createWorkflow(id: string, nodes: { id: string }[]): Promise<void> {
  const all = [{ id: 'start', type: 'trigger' }, ...nodes];
  const body = {
    id,
    name: id,
    nodes: all,
    connections: all.slice(1).map((n, i) => ({ from: all[i]!.id, to: n.id })),
  };
  const r = await api(srv.url, 'POST', '/api/workflows', { key: owner, body });
  assert.equal(r.status, 201, r.text);
}

/** Polls an execution until it is no longer running (every 200 ms, at most `ms`). */
// biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON response fields
async function settled(location: string, ms: number): Promise<any> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await api(srv.url, 'GET', location, { key: owner });
    assert.equal(r.status, 200, r.text);
    if (r.body.status !== 'running' || Date.now() > end) return r.body;
    await sleep(200);
  }
}

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

// On the request thread each node held every request for 4 s (the issue: /healthz stalled 15.9 s). Here the
// functional claim is checked with a margin no machine load reaches (no probe waits even 1 s); the latency target
// (p99 < 50 ms) is asserted by the reliability suite's hostile-code test, which runs with nothing beside it, and this
// test prints the p99 it saw.
test('GET /healthz keeps answering while four chained 4 s busy-loop code nodes run (never held)', async (t) => {
  await createWorkflow('wf_busy_chain', [busy('a', 4_000), busy('b', 4_000), busy('c', 4_000), busy('d', 4_000)]);
  const samples: number[] = [];
  let done = false;
  const probe = (async () => {
    // Bounded: the run takes ~16 s; stop after 40 s whatever happens.
    for (let i = 0; i < 800 && !done; i++) {
      const t0 = performance.now();
      const r = await fetch(`${srv.url}/healthz`);
      await r.arrayBuffer();
      samples.push(performance.now() - t0);
      assert.equal(r.status, 200);
      await sleep(50);
    }
  })();
  try {
    const run = await api(srv.url, 'POST', '/api/workflows/wf_busy_chain/run', { key: owner });
    assert.equal(run.status, 202, run.text);
    const ex = await settled(run.headers.get('location')!, 40_000);
    assert.equal(ex.status, 'succeeded', JSON.stringify(ex.error));
    assert.deepEqual(ex.output, { spun: 4_000 });
  } finally {
    done = true;
    await probe;
  }
  const worst = Math.max(...samples);
  const p = p99(samples);
  t.diagnostic(`/healthz during the run: ${samples.length} probes, p99 ${p.toFixed(1)} ms, max ${worst.toFixed(1)} ms`);
  console.log(`# /healthz p99 ${p.toFixed(1)} ms (max ${worst.toFixed(1)} ms, ${samples.length} probes)`);
  assert.ok(samples.length >= 100, `only ${samples.length} probes`);
  assert.ok(worst < 1_000, `a /healthz probe waited ${worst.toFixed(1)} ms (p99 ${p.toFixed(1)} ms)`);
});

test('with FLERO_RUN_WAIT_MS=2000 a 6 s code node answers 202 + Location after ~2 s, and later succeeds', async () => {
  await createWorkflow('wf_six_seconds', [busy('six', 6_000)]);
  const t0 = performance.now();
  const run = await api(srv.url, 'POST', '/api/workflows/wf_six_seconds/run', { key: owner });
  const took = performance.now() - t0;
  assert.equal(run.status, 202, run.text);
  assert.ok(took >= 1_900 && took < 4_000, `answered after ${Math.round(took)} ms`);
  const location = run.headers.get('location');
  assert.match(location ?? '', /^\/api\/executions\/exe_[0-9a-f]{32}$/);
  assert.equal(run.body.status, 'running');
  const ex = await settled(location!, 20_000);
  assert.equal(ex.status, 'succeeded', JSON.stringify(ex.error));
  assert.deepEqual(ex.output, { spun: 6_000 });
});
