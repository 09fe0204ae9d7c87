// Code nodes in worker threads: the main thread stays free while code runs, a run's signal and time limit stop the
// code node in flight (its worker is terminated and replaced), console lines stream out capped (not cut at 10,000),
// and the pool's backstop handles a worker that hangs or dies.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Workflow } from '../../server/src/core/workflow';
import { DEFAULT_RUN_TIME_LIMIT_MS, runWorkflow } from '../../server/src/engine/runner';
import { CodePool, codeWorkerEntry, QUEUE_LIMIT, runCode, sandboxStats } from '../../server/src/engine/sandbox';
import type { CredentialForRun, LogLine } from '../../server/src/engine/types';
import { tmpDir } from '../helpers/tmp';
import { startUpstream } from '../helpers/upstream';

const noCredentials = async (): Promise<CredentialForRun | undefined> => undefined;
const MISBEHAVING = join(__dirname, '..', 'fixtures', 'workers', 'misbehaving.mjs');

function wf(nodes: Workflow['nodes']): Workflow {
  return {
    id: 'wf_worker',
    name: 'Worker',
    nodes,
    connections: nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id })),
  };
}

/** Polls `check` every 10 ms for up to `ms`. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

describe('code nodes in worker threads', () => {
  it('leaves the main thread free while a code node busy-loops', async () => {
    let last = performance.now();
    let maxGap = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 20);
    try {
      const ex = await runWorkflow(
        wf([
          { id: 'start', type: 'trigger' },
          {
            id: 'spin',
            type: 'code',
            code: 'const end = Date.now() + 1500; while (Date.now() < end) {} return "done";',
            timeoutMs: 5_000,
          },
        ]),
        { credentials: noCredentials },
      );
      assert.equal(ex.status, 'succeeded', ex.error);
      assert.equal(ex.output, 'done');
      assert.ok(ex.durationMs! >= 1_500);
    } finally {
      clearInterval(tick);
    }
    assert.ok(maxGap < 300, `the main thread's timers stalled for ${Math.round(maxGap)} ms while the code ran`);
  });

  it('one warm worker serves run after run, and nothing one run leaves in its sandbox is seen by the next', async () => {
    const pool = new CodePool(1);
    try {
      const pollute = `
        globalThis.leak = $input.tag;
        var topLevel = 'var';
        Object.prototype.polluted = 'proto';
        Array.prototype.map = function () { return ['hijacked']; };
        JSON.parse = () => 'hijacked';
        console.log = () => {};
        return 'polluted';`;
      const probe = `return {
        leak: typeof globalThis.leak,
        topLevel: typeof topLevel,
        polluted: ({}).polluted === undefined,
        map: [1, 2].map((x) => x * 2),
        json: $input.tag,
        logs: (console.log('still logs'), 'ok'),
      };`;
      for (const memoryLimitMb of [undefined, 32]) {
        for (let i = 0; i < 3; i++) {
          const first = await pool.runCode({ code: pollute, input: { tag: `run-${i}` }, nodes: {}, memoryLimitMb });
          assert.deepEqual(first.ok && first.output, 'polluted');
          const next = await pool.runCode({ code: probe, input: { tag: 'fresh' }, nodes: {}, memoryLimitMb });
          assert.ok(next.ok, JSON.stringify(next));
          assert.deepEqual(next.output, {
            leak: 'undefined',
            topLevel: 'undefined',
            polluted: true,
            map: [2, 4],
            json: 'fresh',
            logs: 'ok',
          });
          assert.deepEqual(
            next.logs.map((l) => l.message),
            ['still logs'],
          );
        }
      }
      // Twelve runs, one worker: it stayed warm (no start per run).
      assert.equal(pool.stats().started, 1);
    } finally {
      await pool.close();
    }
  });

  it('cancelling the run terminates the code node in flight at once; the next run works', async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    const startedBefore = sandboxStats().started;
    const ex = await runWorkflow(
      wf([
        { id: 'start', type: 'trigger' },
        { id: 'spin', type: 'code', code: 'while (true) {}', timeoutMs: 30_000 },
        { id: 'after', type: 'code', code: 'return 1' },
      ]),
      {
        credentials: noCredentials,
        signal: ac.signal,
        onProgress: (e) => {
          if (e.nodeId === 'spin' && e.status === 'running')
            setTimeout(() => {
              abortedAt = performance.now();
              ac.abort();
            }, 300);
        },
      },
    );
    const tookMs = performance.now() - abortedAt;
    assert.equal(ex.status, 'cancelled');
    assert.equal(ex.error, 'the run was cancelled');
    assert.deepEqual(
      ex.nodes.map((n) => [n.id, n.status]),
      [
        ['start', 'succeeded'],
        ['spin', 'cancelled'],
        ['after', 'cancelled'],
      ],
    );
    assert.ok(tookMs < 1_000, `the run ended ${Math.round(tookMs)} ms after the abort`);
    // Its worker was terminated (not left spinning for 30 s) and a new one serves the next run.
    assert.ok(await until(() => sandboxStats().busy === 0, 2_000), JSON.stringify(sandboxStats()));
    const next = await runCode({ code: 'return 41 + 1', input: {}, nodes: {} });
    assert.deepEqual(next.ok && next.output, 42);
    assert.ok(sandboxStats().started > startedBefore, 'a replacement worker was started');
  });

  it('a run past its time limit fails with the limit named, its code node stopped', async () => {
    const t0 = performance.now();
    const ex = await runWorkflow(
      wf([
        { id: 'start', type: 'trigger' },
        { id: 'spin', type: 'code', code: 'while (true) {}', timeoutMs: 30_000 },
        { id: 'after', type: 'code', code: 'return 1' },
      ]),
      { credentials: noCredentials, timeLimitMs: 500 },
    );
    assert.ok(performance.now() - t0 < 3_000, `took ${Math.round(performance.now() - t0)} ms`);
    assert.equal(ex.status, 'failed');
    assert.equal(ex.error, 'the run exceeded its time limit of 500 ms');
    assert.equal(ex.nodes[1]!.status, 'failed');
    assert.equal(ex.nodes[1]!.error, 'the run exceeded its time limit of 500 ms');
    assert.equal(ex.nodes[2]!.status, 'skipped');
    assert.equal(DEFAULT_RUN_TIME_LIMIT_MS, 600_000);
  });

  it('the time limit stops an http node in flight too', async () => {
    const up = await startUpstream(() => ({ delayMs: 3_000, body: 'late' }));
    try {
      const t0 = performance.now();
      const ex = await runWorkflow(
        wf([
          { id: 'start', type: 'trigger' },
          { id: 'slow', type: 'http', method: 'GET', url: `${up.url}/slow` },
        ]),
        { credentials: noCredentials, timeLimitMs: 300 },
      );
      assert.ok(performance.now() - t0 < 2_000);
      assert.equal(ex.status, 'failed');
      assert.equal(ex.error, 'the run exceeded its time limit of 300 ms');
    } finally {
      await up.close();
    }
  });

  it('streams console lines while the code runs, capped at 100,000 characters (not cut at 10,000)', async () => {
    const arrived: { line: LogLine; at: number }[] = [];
    const r = await runCode({
      code: `console.log("early"); console.log("y".repeat(20000)); console.log("z".repeat(150000));
             const end = Date.now() + 800; while (Date.now() < end) {} return "late";`,
      input: {},
      nodes: {},
      timeoutMs: 5_000,
      onLog: (line) => arrived.push({ line, at: performance.now() }),
    });
    const doneAt = performance.now();
    assert.ok(r.ok);
    assert.equal(arrived.length, 3);
    assert.ok(doneAt - arrived[0]!.at > 500, 'the first line arrived while the code was still running');
    const [early, mid, big] = arrived.map((a) => a.line);
    assert.deepEqual([early!.message, early!.truncated], ['early', undefined]);
    assert.deepEqual([mid!.message.length, mid!.truncated], [20_000, undefined]);
    assert.deepEqual([big!.message, big!.truncated], ['z'.repeat(100_000), true]);
    assert.equal(r.logs.length, 3);
  });

  it("bounds a run's raw console text at 10 MiB", async () => {
    const r = await runCode({
      code: 'for (let i = 0; i < 300; i++) console.log("w".repeat(150000)); return "done"',
      input: {},
      nodes: {},
      timeoutMs: 10_000,
    });
    assert.ok(r.ok);
    const total = r.logs.reduce((n, l) => n + l.message.length, 0);
    assert.equal(r.logs.length, Math.ceil((10 * 1024 * 1024) / 100_000));
    assert.ok(total <= 10 * 1024 * 1024 + 100, `${total} characters`);
    assert.ok(r.logs.every((l) => l.truncated === true));
    assert.match(r.logs.at(-1)!.message, /^\(log limit of 10485760 characters reached\) w/);
  });

  it('refuses an output over 10 MiB without copying it out of the sandbox', async () => {
    const r = await runCode({ code: 'return "o".repeat(11 * 1024 * 1024)', input: {}, nodes: {} });
    assert.deepEqual(r.ok ? r.output : r.error, 'code output is larger than 10485760 characters');
    const fits = await runCode({ code: 'return "o".repeat(1024 * 1024)', input: {}, nodes: {} });
    assert.equal(fits.ok && (fits.output as string).length, 1024 * 1024);
  });

  it('keeps the 1,000-line limit', async () => {
    const r = await runCode({
      code: 'for (let i = 0; i < 5000; i++) console.log("l" + i); return 1',
      input: {},
      nodes: {},
    });
    assert.ok(r.ok);
    assert.equal(r.logs.length, 1_000);
    assert.equal(r.logs[999]!.message, '(log limit of 1000 lines reached) l999');
  });
});

describe('the code worker pool backstop', () => {
  const pools: CodePool[] = [];
  after(async () => {
    for (const p of pools) await p.close();
  });
  const misbehaving = (size: number) => {
    const p = new CodePool(size, () => ({ filename: MISBEHAVING, eval: false }));
    pools.push(p);
    return p;
  };
  const run = (p: CodePool, code: string, timeoutMs = 5_000) => p.runCode({ code, input: {}, nodes: {}, timeoutMs });

  it('terminates and replaces a worker that does not answer within the timeout + grace', async () => {
    const p = misbehaving(1);
    await p.warm();
    const t0 = performance.now();
    const r = await run(p, 'hang', 100);
    const took = performance.now() - t0;
    assert.deepEqual(r.ok ? r.output : r.error, 'code timed out after 100 ms');
    assert.ok(took >= 2_000 && took < 5_000, `took ${Math.round(took)} ms (100 ms + 2 s grace)`);
    const next = await run(p, 'fine');
    assert.deepEqual(next.ok && next.output, 'fine');
    assert.equal(next.logs[0]!.message, 'hello');
    assert.equal(p.stats().started, 2);
  });

  it('a worker that crashes fails only its own task and is replaced', async () => {
    const p = misbehaving(2);
    const [crashed, fine] = await Promise.all([run(p, 'crash'), run(p, 'fine')]);
    assert.equal(crashed.ok, false);
    if (!crashed.ok) assert.match(crashed.error, /^the code sandbox crashed \(Error\); its worker was replaced$/);
    assert.deepEqual(fine.ok && fine.output, 'fine');
    const exited = await run(p, 'exit');
    assert.deepEqual(
      exited.ok ? exited.output : exited.error,
      'the code sandbox stopped unexpectedly (exit code 7); its worker was replaced',
    );
    const again = await run(p, 'again');
    assert.deepEqual(again.ok && again.output, 'again');
  });

  it('bounds the queue, and closing fails what is queued', async () => {
    const p = misbehaving(1);
    await p.warm();
    const hung = run(p, 'hang', 60_000);
    const queued = Array.from({ length: QUEUE_LIMIT }, () => run(p, 'fine'));
    assert.equal(p.stats().queued, QUEUE_LIMIT);
    const refused = await run(p, 'fine');
    assert.deepEqual(
      refused.ok ? refused.output : refused.error,
      `the code sandbox is busy (${QUEUE_LIMIT} code nodes are waiting for a worker); try again later`,
    );
    await p.close();
    const results = await Promise.all([hung, ...queued]);
    assert.ok(results.every((r) => !r.ok && r.error === 'the code sandbox was shut down'));
    assert.equal(p.stats().workers, 0);
  });

  it('names the missing worker script clearly', async () => {
    const empty = tmpDir('flero-no-worker');
    try {
      assert.throws(() => codeWorkerEntry([empty.path]), /cannot find its worker script codeWorker\.mjs \(looked in: /);
      const p = new CodePool(1, () => codeWorkerEntry([empty.path]));
      pools.push(p);
      const r = await run(p, 'return 1');
      assert.equal(r.ok, false);
      if (!r.ok)
        assert.match(r.error, /cannot find its worker script codeWorker\.mjs.*rebuild with `node esbuild\.mjs`/);
    } finally {
      empty.remove();
    }
  });
});
