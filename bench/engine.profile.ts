// A profiling and comparison driver for the engine bench's http case (not a bench module: bench/run.ts only runs
// *.bench.ts). The same loop as bench/engine.bench.ts: 32 concurrent loops, a trigger + http node workflow with a
// bearer credential injected, against the same bare upstream in its own process.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/engine.profile.ts engine|undici [seconds]
//     one side for a fixed time (default 8 s), printing runs/s: the thing to profile;
//   node --import tsx bench/engine.profile.ts ab [rounds] [seconds] [other checkout]
//     interleaved rounds in one process of raw undici, this checkout's engine and, given another checkout's root
//     (e.g. `git archive <commit> server/src | tar -x -C /tmp/before`, node_modules linked in), that one's engine:
//     median runs/s, median CPU µs per run (process.cpuUsage: less sensitive to other processes than throughput),
//     ratios, load average.
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { runWorkflow } from '../server/src/engine/runner';
import { startBareServer } from './lib/bare';
import { httpNodeLoop } from './lib/engineLoop';
import { median } from './lib/stats';

const CONCURRENCY = 32;
type Run = typeof runWorkflow;

async function loop(seconds: number, op: () => Promise<void>): Promise<{ rate: number; cpuUs: number }> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        await op();
        done++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { rate: done / seconds, cpuUs: (cpu.user + cpu.system) / done };
}

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'engine';
  const body = Buffer.from(
    JSON.stringify({ ok: true, items: Array.from({ length: 10 }, (_, i) => ({ i, v: `v${i}` })) }),
  );
  const upstream = await startBareServer(body);
  const { url, credential, workflow, headers } = httpNodeLoop(upstream.url);
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 128 });
  const viaEngine = (run: Run) => async () => {
    const ex = await run(workflow, { credentials: async () => credential });
    if (ex.status !== 'succeeded') throw new Error(ex.error);
  };
  const ops: Record<string, () => Promise<void>> = {
    undici: async () => {
      const res = await request(url, {
        dispatcher: agent,
        headers,
      });
      await res.body.json();
    },
    engine: viaEngine(runWorkflow),
  };
  try {
    if (mode !== 'ab') {
      const op = ops[mode];
      if (!op) throw new Error(`unknown mode ${mode}: engine, undici or ab`);
      const { rate, cpuUs } = await loop(Number(process.argv[3] ?? '8'), op);
      console.log(`${mode}: ${Math.round(rate)} /s, ${cpuUs.toFixed(1)} µs CPU per run`);
      return;
    }
    const rounds = Number(process.argv[3] ?? '5');
    const seconds = Number(process.argv[4] ?? '2');
    const other = process.argv[5];
    if (other) {
      const mod = (await import(join(resolve(other), 'server/src/engine/runner.ts'))) as { runWorkflow: Run };
      ops.other = viaEngine(mod.runWorkflow);
    }
    const names = Object.keys(ops);
    const rate: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (const n of names) await loop(1, ops[n]!);
    const load0 = loadavg()[0]!;
    for (let r = 0; r < rounds; r++)
      for (const n of names) {
        const x = await loop(seconds, ops[n]!);
        rate[n]!.push(x.rate);
        cpu[n]!.push(x.cpuUs);
      }
    const label = (n: string) => (n === 'other' ? `engine at ${other}` : n === 'engine' ? 'engine (this checkout)' : n);
    for (const n of names)
      console.log(
        `${label(n)}: median ${Math.round(median(rate[n]!))} /s, ${median(cpu[n]!).toFixed(1)} µs CPU per run; ` +
          `rounds ${rate[n]!.map(Math.round).join(', ')}`,
      );
    for (const n of names)
      if (n !== 'undici')
        console.log(
          `${label(n)} / undici: throughput ${(median(rate[n]!) / median(rate.undici!)).toFixed(2)}, ` +
            `CPU ${(median(cpu.undici!) / median(cpu[n]!)).toFixed(2)}`,
        );
    console.log(`load average ${load0.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end`);
  } finally {
    await agent.close();
    await upstream.stop();
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
