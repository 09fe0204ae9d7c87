// Checking many files across cores: a small pool of worker threads (./worker.ts, dist/flero-lintWorker.mjs) takes
// files from one queue, the main thread too while they start, so a lint never waits for a worker it does not need;
// only when a core is idle for them (spareCore) and there is enough to check to pay for their start
// (MIN_BYTES_FOR_WORKERS).
// Results are kept by the file's position: the output and the exit code do not depend on who checked what.
// FLERO_LINT_WORKERS=N: exactly N workers and the main thread checks nothing (0 = everything on the main thread, no
// worker at all); =auto: as unset, but whatever the load average. Fewer files: checkOnMain, where one large file's
// Code nodes are shared with a worker (./codeOffload).
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ServiceContext } from '../../lsp/service/types';
import { parseDocument } from '../../lsp/service/document';
import { checkFile, type FileResult, lintDocument, readText } from './check';
import type { LintTask } from './worker';

/** Fewer files than this are checked on the main thread: a worker's start (a fresh V8 and the checks' code) costs more. */
export const MIN_FILES_FOR_WORKERS = 4;

/**
 * Less text than this in all is checked on the main thread, unless FLERO_LINT_WORKERS says otherwise. A worker repeats
 * the cold start (its own V8, the checks compiled and warmed up again, ~0.1 s on this kind of machine), so it pays only
 * when the serial checks take well over that. Measured on 2 idle cores (`npm run bench`, three rounds): 200 small files
 * (1.5 MiB) took 0.25 s serially and 0.35–0.39 s with a worker; one 0.8 MiB file 0.31 s alone and 0.36–0.37 s with
 * its Code nodes shared with a worker. 8 MiB is about 2.5 s of cold serial checks.
 */
export const MIN_BYTES_FOR_WORKERS = 8 * 1024 * 1024;

/** The worker script beside this module (the bundle's dist/); undefined when running from source. */
export function workerScript(): string | undefined {
  try {
    const file = fileURLToPath(new URL('./flero-lintWorker.mjs', import.meta.url));
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** How many workers, and whether the main thread checks files too. */
export function poolPlan(
  files: number,
  env: NodeJS.ProcessEnv = process.env,
  bytes = Number.POSITIVE_INFINITY,
): { workers: number; main: boolean } {
  const forced = env.FLERO_LINT_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) {
    const n = Math.min(Number(forced), files);
    return { workers: n, main: n === 0 };
  }
  const enough = env.FLERO_LINT_WORKERS === 'auto' || bytes >= MIN_BYTES_FOR_WORKERS;
  if (files < MIN_FILES_FOR_WORKERS || !enough || !spareCore(env)) return { workers: 0, main: true };
  // min(files, cores) checkers in all: the main thread and the workers.
  return { workers: Math.min(files, availableParallelism()) - 1, main: true };
}

/**
 * Whether a core is idle for a worker: more than one core and a 1-minute load average that leaves one free. On a
 * machine busy with other work a worker only competes for the same cores and repeats the cold start (its own V8,
 * the checks' code compiled and warmed up again): measured on 2 busy cores (load 9), 200 files took 0.68 s with a
 * worker and 0.46 s without (bench/lint.bench.ts). Windows reports no load average (0): a core counts as free.
 */
export function spareCore(env: NodeJS.ProcessEnv = process.env): boolean {
  const cores = availableParallelism();
  // FLERO_LINT_WORKERS=auto: more than one core is enough (a container reports its host's load, not its own).
  return cores > 1 && (env.FLERO_LINT_WORKERS === 'auto' || loadavg()[0]! <= cores - 1);
}

/**
 * A file at least this large shares its Code nodes' analysis with a worker (./codeOffload.ts); with
 * FLERO_LINT_WORKERS=auto, from 128 KiB. The 0.8 MiB bench file is faster alone (see MIN_BYTES_FOR_WORKERS).
 */
export const MIN_BYTES_FOR_CODE_WORKER = 8 * 1024 * 1024;
const MIN_BYTES_FOR_CODE_WORKER_AUTO = 128 * 1024;

/** Few files on the main thread: a large one's Code nodes are analysed on a worker too (unless FLERO_LINT_WORKERS=N). */
async function checkOnMain(files: string[], ctx: ServiceContext): Promise<FileResult[]> {
  const mode = process.env.FLERO_LINT_WORKERS;
  const script = (mode === undefined || mode === 'auto') && spareCore() ? workerScript() : undefined;
  const min = mode === 'auto' ? MIN_BYTES_FOR_CODE_WORKER_AUTO : MIN_BYTES_FOR_CODE_WORKER;
  const large = script && files.some((f) => sizeOf(f) >= min);
  if (!large) return Promise.all(files.map((f) => checkFile(f, ctx)));
  const { CodeWorker, codeStrings, MIN_CODE_NODES_FOR_WORKER } = await import('./codeOffload');
  const worker = new CodeWorker(script);
  try {
    const out: FileResult[] = [];
    for (const file of files) {
      const r = await readText(file);
      if (!('text' in r)) {
        out.push(r);
        continue;
      }
      const doc = parseDocument(pathToFileURL(file).href, r.text);
      const shared = codeStrings(doc).length >= MIN_CODE_NODES_FOR_WORKER;
      out.push({ problems: shared ? await worker.lint(file, doc, ctx) : lintDocument(file, doc, ctx) });
    }
    return out;
  } finally {
    await worker.terminate();
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export async function checkFiles(files: string[], ctx: ServiceContext): Promise<FileResult[]> {
  const forced = process.env.FLERO_LINT_WORKERS;
  const measured = files.length >= MIN_FILES_FOR_WORKERS && (forced === undefined || forced === 'auto');
  let plan = poolPlan(files.length, process.env, measured ? files.reduce((n, f) => n + sizeOf(f), 0) : undefined);
  const script = plan.workers ? workerScript() : undefined;
  if (!script) plan = { workers: 0, main: true };
  if (!plan.workers) return checkOnMain(files, ctx);
  const results: FileResult[] = new Array(files.length);
  let next = 0;
  const take = () => (next < files.length ? next++ : -1);
  const workers: Worker[] = [];
  let done = 0;
  let settle: (err?: Error) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  const record = (index: number, result: FileResult) => {
    results[index] = result;
    if (++done === files.length) settle();
  };
  const feed = (w: Worker) => {
    const index = take();
    if (index >= 0) w.postMessage({ index, file: files[index]! } satisfies LintTask);
  };
  for (let i = 0; i < plan.workers; i++) {
    const w = new Worker(script!, { workerData: { mode: 'files', ctx } });
    w.on('message', (m: { ready?: true; index: number; result?: FileResult; failed?: string }) => {
      if (m.ready) return feed(w);
      if (m.failed !== undefined) return settle(new Error(m.failed));
      record(m.index, m.result!);
      feed(w);
    });
    w.on('error', (err) => settle(err));
    workers.push(w);
  }
  try {
    if (plan.main) {
      for (let index = take(); index >= 0; index = take()) {
        record(index, await checkFile(files[index]!, ctx));
        // Let the workers' answers in between files (and hand them the next ones).
        if (workers.length) await new Promise<void>((r) => setImmediate(r));
      }
    }
    if (files.length) await finished;
    return results;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
