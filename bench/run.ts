// `npm run bench`: runs every bench/*.bench.ts module one by one, each in its own process, and writes BENCHMARKS.md.
// `npm run bench -- auth engine` runs only the named modules. `FLERO_BENCH_SCALE=4` lengthens every measurement.
// Every module runs FLERO_BENCH_ROUNDS times (default 3), the modules in turn; the report keeps the median round of
// each figure (bench/lib/rounds.ts).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from './lib/machine';
import { scale } from './lib/knobs';
import { REPO_ROOT } from './lib/paths';
import { type ModuleRun, renderReport } from './lib/report';
import { mergeRounds, rounds } from './lib/rounds';
import type { BenchResult } from './lib/types';

const BENCH_DIR = join(REPO_ROOT, 'bench');
const TMP = join(BENCH_DIR, '.tmp');
/** A module that runs longer than this (scaled) is stopped and reported as an error. */
const MODULE_TIMEOUT_MS = 240_000;

function collect(only: string[]): string[] {
  const all = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const picked = only.length ? all.filter((f) => only.includes(f.replace(/\.bench\.ts$/, ''))) : all;
  if (only.length && picked.length !== only.length) {
    const names = all.map((f) => f.replace(/\.bench\.ts$/, ''));
    throw new Error(`unknown bench in ${only.join(', ')}; available: ${names.join(', ')}`);
  }
  return picked;
}

/** JSON turns NaN into null: turn it back. */
function revive(r: BenchResult): BenchResult {
  const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
  return { ...r, ours: num(r.ours), baseline: num(r.baseline), ratio: num(r.ratio) };
}

function runModule(file: string): Promise<ModuleRun> {
  const module = file.replace(/\.bench\.ts$/, '');
  const outFile = join(TMP, `${module}.json`);
  rmSync(outFile, { force: true });
  const started = Date.now();
  return new Promise((resolve) => {
    // Own process group, so a stuck bench and everything it started can be stopped together.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(BENCH_DIR, 'lib/child.ts'), join(BENCH_DIR, file), outFile],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'pipe'],
        detached: true,
      },
    );
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      process.stderr.write(c);
    });
    const limit = MODULE_TIMEOUT_MS * scale();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, limit);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      if (timedOut) return resolve({ module, results: [], seconds, error: `timed out after ${limit / 1000} s` });
      try {
        const parsed = JSON.parse(readFileSync(outFile, 'utf8')) as {
          description?: string;
          results?: BenchResult[];
          error?: string;
        };
        if (parsed.error) return resolve({ module, results: [], seconds, error: parsed.error });
        resolve({ module, description: parsed.description, results: (parsed.results ?? []).map(revive), seconds });
      } catch {
        const last = stderr.trim().split('\n').slice(-3).join(' / ') || `exit code ${code}`;
        resolve({ module, results: [], seconds, error: last });
      }
    });
  });
}

async function main(): Promise<number> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const files = collect(only);
  mkdirSync(TMP, { recursive: true });
  const machine = describeMachine();
  const started = Date.now();
  console.log(
    `bench: ${files.length} module(s) × ${rounds()} round(s), scale ${scale()}, ${machine.cpu} × ${machine.cores}, node ${machine.node}`,
  );
  const n = rounds();
  const perModule = new Map<string, ModuleRun[]>(files.map((f) => [f, []]));
  for (let round = 1; round <= n; round++) {
    for (const file of files) {
      console.log(`bench: ${file}${n > 1 ? ` (round ${round} of ${n})` : ''} …`);
      const load = loadavg()[0]!;
      const run = { ...(await runModule(file)), load: [load] };
      perModule.get(file)!.push(run);
      if (run.error) console.log(`bench: ${file} failed: ${run.error}`);
      for (const r of run.results)
        console.log(
          `  ${r.name}: ours ${r.ours} ${r.unit}, baseline ${r.baseline} ${r.unit}, ratio ${r.ratio} (goal ${r.goal})`,
        );
    }
  }
  const runs = files.map((f) => mergeRounds(perModule.get(f)!));
  const total = (Date.now() - started) / 1000;
  const report = renderReport(machine, runs, scale(), total, n);
  writeFileSync(join(REPO_ROOT, 'BENCHMARKS.md'), report);
  writeFileSync(join(TMP, 'last-run.json'), JSON.stringify({ machine, runs }, null, 2));
  console.log(`bench: wrote BENCHMARKS.md in ${Math.round(total)} s`);
  // Benches measure; they do not gate. A module that failed to run is an error, though.
  return runs.some((r) => r.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
