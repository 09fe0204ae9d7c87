// Checking many files across cores: a small pool of worker threads (./worker.ts, dist/flero-lintWorker.mjs) takes
// files from one queue, the main thread too while they start, so a lint never waits for a worker it does not need.
// Results are kept by the file's position: the output and the exit code do not depend on who checked what.
// FLERO_LINT_WORKERS=N: exactly N workers and the main thread checks nothing (0 = everything on the main thread).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ServiceContext } from '../../lsp/service/types';
import { checkFile, type FileResult } from './check';
import type { LintTask } from './worker';

/** Fewer files than this are checked on the main thread: a worker's start (a fresh V8 and the checks' code) costs more. */
export const MIN_FILES_FOR_WORKERS = 4;

/** The worker script beside this module (the bundle's dist/); undefined when running from source. */
function workerScript(): string | undefined {
  try {
    const file = fileURLToPath(new URL('./flero-lintWorker.mjs', import.meta.url));
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** How many workers, and whether the main thread checks files too. */
export function poolPlan(files: number, env: NodeJS.ProcessEnv = process.env): { workers: number; main: boolean } {
  const forced = env.FLERO_LINT_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) {
    const n = Math.min(Number(forced), files);
    return { workers: n, main: n === 0 };
  }
  if (files < MIN_FILES_FOR_WORKERS) return { workers: 0, main: true };
  // min(files, cores) checkers in all: the main thread and the workers.
  return { workers: Math.min(files, availableParallelism()) - 1, main: true };
}

export async function checkFiles(files: string[], ctx: ServiceContext): Promise<FileResult[]> {
  const results: FileResult[] = new Array(files.length);
  let plan = poolPlan(files.length);
  const script = plan.workers ? workerScript() : undefined;
  if (!script) plan = { workers: 0, main: true };
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
    const w = new Worker(script!, { workerData: { ctx } });
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
