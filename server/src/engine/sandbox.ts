// Code nodes run in worker threads, never on the thread that answers requests: a small pool of code workers
// (codeWorker.ts, each running QuickJS in WASM — quickjs.ts) sized to the machine, with a bounded queue beyond it.
// Each worker keeps its compiled WASM module and a fresh sandbox ready between runs. The limits are enforced twice:
// inside the worker (the interrupt handler's deadline, the WASM memory maximum) and here, as a backstop: a worker
// that does not answer within the node's timeout + a grace is terminated and replaced, and a worker that dies fails
// only its own task. Aborting a run's signal terminates the worker running its code node.
//
// Not a pool library: piscina and tinypool load their own worker wrapper from their package folder at run time,
// which our single-file bundles (and the VSIX, packaged without node_modules) do not have; what we need of a pool —
// one task per worker, log lines streamed while it runs, terminate-on-abort and a per-task backstop — is this file.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CodeTask, WorkerMessage } from './codeWorker';
import { DEFAULT_CODE_MEMORY_MB, DEFAULT_CODE_TIMEOUT_MS, MAX_OUTPUT_CHARS } from './codeLimits';
import type { StopSignal } from './stop';
import type { LogLine } from './types';
import { codeWorkerEntry, type Entry } from './workerEntry';

export { DEFAULT_CODE_MEMORY_MB, DEFAULT_CODE_TIMEOUT_MS } from './codeLimits';
export { codeWorkerEntry, type Entry } from './workerEntry';

/** Past the node's own timeout, how long a worker may take to answer before it is terminated. */
const GRACE_MS = 2_000;
/** A worker that has not loaded yet gets this much more for its first task (load + WASM compile on a busy machine). */
const STARTUP_MS = 15_000;
/** An idle worker beyond the first is stopped after this long. */
const IDLE_MS = 30_000;
const MAX_WORKERS = 8;
/** Code nodes waiting for a worker beyond this are refused (each holds its input until it runs). */
export const QUEUE_LIMIT = 256;
/** The worker's own JS heap (strings and JSON crossing the boundary; QuickJS's memory is WASM memory, bounded apart). */
const WORKER_HEAP_MB = 256;

export interface SandboxInput {
  code: string;
  input: unknown;
  nodes: Record<string, unknown>;
  timeoutMs?: number;
  memoryLimitMb?: number;
  /** Each console line, as it is produced (raw, capped at 100,000 characters; the caller masks it). */
  onLog?: (line: LogLine) => void;
  /** Aborting stops the code at once (its worker is terminated and replaced). */
  signal?: StopSignal;
}

type Outcome = { ok: true; output: unknown } | { ok: false; error: string };
export type SandboxResult = Outcome & { logs: LogLine[] };

export const CANCELLED_ERROR = 'the code node was stopped (the run was cancelled)';

/**
 * Worker threads for code nodes unless `configureSandbox({ workers })` set them (the CLI does, from
 * FLERO_CODE_WORKERS): one per core but one (for the event loop), 1 to 8.
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism() - 1, MAX_WORKERS));
}

interface Job {
  task: CodeTask;
  logs: LogLine[];
  onLog: ((line: LogLine) => void) | undefined;
  signal: StopSignal | undefined;
  onAbort: (() => void) | undefined;
  slot: Slot | undefined;
  resolve: (r: SandboxResult) => void;
  settled: boolean;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  backstop: NodeJS.Timeout | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  dead: boolean;
  /** Called once the worker has compiled its WASM module and made a sandbox ready. */
  onReady: (() => void)[];
}

export interface PoolStats {
  size: number;
  workers: number;
  busy: number;
  queued: number;
  /** Workers started since the process began (replacements included). */
  started: number;
}

/**
 * The pool. One per process in use (`runCode`); a test may make its own with another worker script, to see how the
 * pool handles a worker that hangs or dies (the QuickJS worker itself always answers).
 */
export class CodePool {
  private readonly slots = new Set<Slot>();
  private queue: Job[] = [];
  private nextId = 1;
  private started = 0;

  constructor(
    public size: number,
    private readonly entry: () => Entry = codeWorkerEntry,
  ) {}

  runCode(opts: SandboxInput): Promise<SandboxResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_CODE_TIMEOUT_MS;
    const memoryMb = opts.memoryLimitMb ?? DEFAULT_CODE_MEMORY_MB;
    let inputJson: string;
    let nodesJson: string;
    try {
      inputJson = JSON.stringify(opts.input ?? null);
      nodesJson = JSON.stringify(opts.nodes);
    } catch (e) {
      return Promise.resolve({
        ok: false,
        error: `cannot pass data to the code node: ${(e as Error).message}`,
        logs: [],
      });
    }
    return new Promise<SandboxResult>((resolve) => {
      this.run({
        task: { id: 0, code: opts.code, inputJson, nodesJson, timeoutMs, memoryMb },
        logs: [],
        onLog: opts.onLog,
        signal: opts.signal,
        onAbort: undefined,
        slot: undefined,
        resolve,
        settled: false,
      });
    });
  }

  stats(): PoolStats {
    let busy = 0;
    for (const s of this.slots) if (s.job) busy++;
    return { size: this.size, workers: this.slots.size, busy, queued: this.queue.length, started: this.started };
  }

  private run(job: Job): void {
    job.task.id = this.nextId++;
    if (job.signal?.aborted) {
      this.settle(job, { ok: false, error: CANCELLED_ERROR });
      return;
    }
    if (job.signal) {
      job.onAbort = () => this.abort(job);
      job.signal.addEventListener('abort', job.onAbort, { once: true });
    }
    let slot: Slot | undefined;
    for (const s of this.slots) if (!s.job && !s.dead && (!slot || (s.ready && !slot.ready))) slot = s;
    if (!slot && this.slots.size < this.size) {
      try {
        slot = this.spawn();
      } catch (e) {
        this.settle(job, { ok: false, error: (e as Error).message });
        return;
      }
    }
    if (slot) this.start(slot, job);
    else if (this.queue.length >= QUEUE_LIMIT)
      this.settle(job, {
        ok: false,
        error: `the code sandbox is busy (${QUEUE_LIMIT} code nodes are waiting for a worker); try again later`,
      });
    else this.queue.push(job);
  }

  /** Makes sure one worker is loaded and ready (starting one if none is); resolves when it is. */
  warm(): Promise<void> {
    let slot: Slot | undefined;
    for (const s of this.slots) if (!s.dead && (!slot || s.ready)) slot = s;
    if (slot?.ready) return Promise.resolve();
    const target = slot ?? this.spawn();
    return new Promise((resolve) => target.onReady.push(resolve));
  }

  /** Terminates every worker; their tasks and the queued ones fail with `reason`. */
  async close(reason = 'the code sandbox was shut down'): Promise<void> {
    const queued = this.queue;
    this.queue = [];
    for (const job of queued) this.settle(job, { ok: false, error: reason });
    const stopping: Promise<number>[] = [];
    for (const s of [...this.slots]) stopping.push(this.kill(s, reason, false));
    await Promise.allSettled(stopping);
  }

  private spawn(): Slot {
    const entry = this.entry();
    const worker = new Worker(entry.filename, {
      eval: entry.eval,
      name: 'flero-code',
      // The worker writes nothing; never let anything reach our stdout (the language server speaks LSP on it).
      // The streams are left unread: reading them would keep the process alive while the worker idles.
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      // Nothing of this process's environment (API keys, the language server's run key) goes to the worker.
      env: {},
    });
    const slot: Slot = {
      worker,
      ready: false,
      job: undefined,
      backstop: undefined,
      idleTimer: undefined,
      dead: false,
      onReady: [],
    };
    this.slots.add(slot);
    this.started++;
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (err: Error & { code?: string }) => {
      const job = slot.job;
      const error =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `code exceeded the memory limit of ${job?.task.memoryMb ?? DEFAULT_CODE_MEMORY_MB} MB (its worker ran out of memory and was replaced)`
          : `the code sandbox crashed (${err.code ?? err.name}); its worker was replaced`;
      void this.kill(slot, error);
    });
    worker.on('exit', (code) => {
      if (!slot.dead)
        void this.kill(slot, `the code sandbox stopped unexpectedly (exit code ${code}); its worker was replaced`);
    });
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    slot.job = job;
    job.slot = slot;
    slot.worker.ref();
    const limit = job.task.timeoutMs + GRACE_MS + (slot.ready ? 0 : STARTUP_MS);
    slot.backstop = setTimeout(() => {
      void this.kill(slot, `code timed out after ${job.task.timeoutMs} ms`);
    }, limit);
    slot.worker.postMessage(job.task);
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    if (m.t === 'ready') {
      slot.ready = true;
      for (const fn of slot.onReady.splice(0)) fn();
      if (!slot.job && !slot.dead) this.idle(slot);
      return;
    }
    const job = slot.job;
    if (!job || job.task.id !== m.id || job.settled) return;
    if (m.t === 'log') {
      job.logs.push(m.line);
      try {
        job.onLog?.(m.line);
      } catch {
        // A listener's failure never breaks the run.
      }
      return;
    }
    clearTimeout(slot.backstop);
    slot.backstop = undefined;
    slot.job = undefined;
    this.settle(job, toResult(m.result));
    this.idle(slot);
  }

  private idle(slot: Slot): void {
    const next = this.queue.shift();
    if (next) {
      this.start(slot, next);
      return;
    }
    slot.worker.unref();
    if (this.slots.size > 1) {
      slot.idleTimer = setTimeout(() => {
        if (!slot.job && this.slots.size > 1) void this.kill(slot, 'idle', false);
      }, IDLE_MS);
      slot.idleTimer.unref();
    }
  }

  /** Stops a worker for good; its task (if any) fails with `error`. Queued work moves to a replacement. */
  private kill(slot: Slot, error: string, replace = true): Promise<number> {
    const wasDead = slot.dead;
    slot.dead = true;
    this.slots.delete(slot);
    clearTimeout(slot.backstop);
    clearTimeout(slot.idleTimer);
    const job = slot.job;
    slot.job = undefined;
    if (job) this.settle(job, { ok: false, error });
    for (const fn of slot.onReady.splice(0)) fn();
    if (replace) this.refill();
    return wasDead ? Promise.resolve(0) : slot.worker.terminate();
  }

  /** Starts workers for queued tasks, up to the pool size. */
  private refill(): void {
    while (this.queue.length && this.slots.size < this.size) {
      const job = this.queue.shift()!;
      let slot: Slot;
      try {
        slot = this.spawn();
      } catch (e) {
        this.settle(job, { ok: false, error: (e as Error).message });
        continue;
      }
      this.start(slot, job);
    }
  }

  private abort(job: Job): void {
    if (job.settled) return;
    if (job.slot) {
      void this.kill(job.slot, CANCELLED_ERROR);
      return;
    }
    this.queue = this.queue.filter((j) => j !== job);
    this.settle(job, { ok: false, error: CANCELLED_ERROR });
  }

  private settle(job: Job, r: Outcome): void {
    if (job.settled) return;
    job.settled = true;
    job.slot = undefined;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    job.resolve({ ...r, logs: job.logs });
  }
}

function toResult(r: { ok: true; outputJson: string } | { ok: false; error: string }): Outcome {
  if (!r.ok) return { ok: false, error: r.error };
  if (r.outputJson.length > MAX_OUTPUT_CHARS)
    return { ok: false, error: `code output is larger than ${MAX_OUTPUT_CHARS} characters` };
  try {
    return { ok: true, output: JSON.parse(r.outputJson) as unknown };
  } catch {
    return { ok: false, error: 'code output is not valid JSON' };
  }
}

let pool: CodePool | undefined;
let configuredSize: number | undefined;

function thePool(): CodePool {
  pool ??= new CodePool(configuredSize ?? defaultWorkerCount());
  return pool;
}

/** Sets the number of code workers (from now on; running workers beyond it finish their task and stay idle). */
export function configureSandbox(opts: { workers?: number }): void {
  if (opts.workers !== undefined) {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new Error('workers must be a whole number ≥ 1');
    configuredSize = opts.workers;
    if (pool) pool.size = opts.workers;
  }
}

export function sandboxStats(): PoolStats {
  return pool
    ? pool.stats()
    : { size: configuredSize ?? defaultWorkerCount(), workers: 0, busy: 0, queued: 0, started: 0 };
}

/** Terminates the code workers (the API server's close, the CLI after a run); the next code node starts new ones. */
export async function closeSandbox(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}

/**
 * Starts a code worker ahead of the first code node (it compiles the QuickJS WASM module and readies a sandbox);
 * returns the time it took in ms. The worker then waits idle without keeping the process alive.
 */
export async function warmUpSandbox(): Promise<number> {
  const started = performance.now();
  await thePool().warm();
  return performance.now() - started;
}

export function runCode(opts: SandboxInput): Promise<SandboxResult> {
  return thePool().runCode(opts);
}
