// Code nodes run in QuickJS compiled to WASM: a separate JS engine with its own heap, no Node APIs (no process,
// require, fs, network, timers), a wall-clock deadline enforced by an interrupt handler, a heap limit and a stack
// limit. The WASM module is loaded once per process; every run gets a fresh runtime + context, disposed afterwards.
// Data crosses the boundary only as JSON strings (`$input`, `$node` in; the return value and log lines out).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import variant from '@jitl/quickjs-wasmfile-release-sync';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import type { LogLine } from './types';

export const DEFAULT_CODE_TIMEOUT_MS = 5_000;
export const DEFAULT_CODE_MEMORY_MB = 64;
const STACK_BYTES = 512 * 1024;
const MAX_LOG_LINES = 1_000;
/** Raw lines are capped here only to bound memory; the runner masks, then cuts them to 10,000 characters. */
const MAX_LOG_CHARS = 100_000;
const MAX_OUTPUT_CHARS = 10 * 1024 * 1024;
const PAGE = 64 * 1024;
/** The QuickJS build's own minimum memory (its stack and static data live here too). */
const BASE_MEMORY_MB = 16;
const IDLE_INSTANCES_PER_LIMIT = 2;
const IDLE_INSTANCES_TOTAL = 6;
/** An instance whose memory grew beyond this is not kept idle (its memory cannot shrink). */
const IDLE_MAX_MEMORY_BYTES = (BASE_MEMORY_MB + 16) * 1024 * 1024;

// Memory: QuickJS's own `setMemoryLimit` only bounds single allocations in the Emscripten build (its accounting
// reads malloc_usable_size, which is 0 there), so a loop of small allocations would grow the process without bound.
// The hard limit is therefore the WASM linear memory itself: every sandbox instance gets its own
// `WebAssembly.Memory` with `maximum` = base + the node's limit. When it cannot grow, malloc fails inside QuickJS
// and the code gets "out of memory". The compiled `WebAssembly.Module` is shared; instances are pooled per limit
// and an instance that hit a limit (or did not shut down cleanly) is thrown away, never reused.

// tsconfig's lib has no DOM/WebAssembly types: the two calls we make, typed here.
type WasmModule = object;
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
type VariantOptions = Parameters<typeof newVariant>[1];

let compiled: Promise<WasmModule> | undefined;
interface Instance {
  qjs: QuickJSWASMModule;
  memory: { buffer: ArrayBuffer };
}
const idle = new Map<number, Instance[]>();
let idleCount = 0;

function wasmPath(): string {
  const candidates: string[] = [];
  try {
    // The ESM bundles (dist/flero.mjs, dist/languageServer.mjs): esbuild.mjs copies the file beside them.
    const here = import.meta.url;
    if (here) candidates.push(fileURLToPath(new URL('emscripten-module.wasm', here)));
  } catch {
    // import.meta is empty when this file runs as CommonJS (tsx).
  }
  try {
    candidates.push(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
  } catch {
    // Not in a checkout with node_modules.
  }
  for (const c of candidates) {
    try {
      readFileSync(c, { flag: 'r' }).subarray(0, 0);
      return c;
    } catch {
      // try the next one
    }
  }
  throw new Error(`the code sandbox cannot find emscripten-module.wasm (looked in: ${candidates.join(', ')})`);
}

function compile(): Promise<WasmModule> {
  if (!compiled) {
    compiled = Promise.resolve().then(() => Wasm.compile(readFileSync(wasmPath())));
    compiled.catch(() => {
      compiled = undefined;
    });
  }
  return compiled;
}

const quiet = { print: () => {}, printErr: () => {} };

async function instance(memoryMb: number): Promise<Instance> {
  const pooled = idle.get(memoryMb)?.pop();
  if (pooled) {
    idleCount--;
    return pooled;
  }
  const wasmModule = await compile();
  const pages = ((BASE_MEMORY_MB + memoryMb) * 1024 * 1024) / PAGE;
  const memory = new Wasm.Memory({ initial: (BASE_MEMORY_MB * 1024 * 1024) / PAGE, maximum: pages });
  const qjs = await newQuickJSWASMModuleFromVariant(
    newVariant(variant, { wasmModule, wasmMemory: memory, emscriptenModule: quiet } as VariantOptions),
  );
  return { qjs, memory };
}

function release(memoryMb: number, inst: Instance): void {
  if (idleCount >= IDLE_INSTANCES_TOTAL || inst.memory.buffer.byteLength > IDLE_MAX_MEMORY_BYTES) return;
  const list = idle.get(memoryMb) ?? [];
  if (list.length >= IDLE_INSTANCES_PER_LIMIT) return;
  list.push(inst);
  idle.set(memoryMb, list);
  idleCount++;
}

/** Loads (compiles) the sandbox ahead of the first code node; returns the time it took in ms. */
export async function warmUpSandbox(memoryMb = DEFAULT_CODE_MEMORY_MB): Promise<number> {
  const started = performance.now();
  release(memoryMb, await instance(memoryMb));
  return performance.now() - started;
}

export interface SandboxInput {
  code: string;
  input: unknown;
  nodes: Record<string, unknown>;
  timeoutMs?: number;
  memoryLimitMb?: number;
  /** Each console line, as it is produced (the caller masks it). */
  onLog?: (line: LogLine) => void;
}

export type SandboxResult =
  | { ok: true; output: unknown; logs: LogLine[] }
  | { ok: false; error: string; logs: LogLine[] };

const LEVELS = ['log', 'info', 'warn', 'error', 'debug'] as const;

// Runs before the user's code, in the sandbox. Builds `console` over one host function, then removes that function
// from the global object so user code cannot reach it by name.
const PRELUDE = `(function (emit) {
  "use strict";
  const fmt = (v) => {
    if (typeof v === "string") return v;
    if (v instanceof Error) return v.name + ": " + v.message + (v.stack ? "\\n" + v.stack : "");
    if (typeof v === "function") return "[Function " + (v.name || "anonymous") + "]";
    if (typeof v === "undefined") return "undefined";
    try { const s = JSON.stringify(v); return s === undefined ? String(v) : s; } catch (e) { return String(v); }
  };
  const make = (level) => function () { emit(level, Array.prototype.map.call(arguments, fmt).join(" ")); };
  const c = {};
  for (const level of ${JSON.stringify(LEVELS)}) c[level] = make(level);
  Object.freeze(c);
  Object.defineProperty(globalThis, "console", { value: c, writable: false, configurable: false });
})(globalThis.__flero_emit); delete globalThis.__flero_emit;`;

/** The user's code is the body of an async function with `$input` and `$node` as parameters. */
function wrap(code: string, inputJson: string, nodesJson: string): string {
  return `(async function ($input, $node) {\n${code}\n})(JSON.parse(${JSON.stringify(inputJson)}), JSON.parse(${JSON.stringify(nodesJson)}))
  .then((v) => { const s = JSON.stringify(v === undefined ? null : v); return s === undefined ? "null" : s; })`;
}

const SANDBOX_HINT = 'code nodes run in a sandbox without process, require, file system, network or credentials';

function describeError(raw: unknown, timeoutMs: number, memoryMb: number, timedOut: boolean): string {
  const err = raw as { name?: string; message?: string; stack?: string } | string | null | undefined;
  const name = typeof err === 'object' && err ? (err.name ?? 'Error') : 'Error';
  const message = typeof err === 'object' && err ? (err.message ?? String(err)) : String(err);
  if (timedOut || (name === 'InternalError' && /interrupted/.test(message)))
    return `code timed out after ${timeoutMs} ms`;
  if (/out of memory/i.test(message) || raw === null) return `code exceeded the memory limit of ${memoryMb} MB`;
  if (/stack overflow|call stack size/i.test(message)) return 'code exceeded the stack limit (too deep recursion)';
  // Only the head: this pattern backtracks quadratically over a long identifier-like message (a 1 MB error text).
  const notDefined = /'?([A-Za-z_$][\w$]{0,100})'? is not defined/.exec(message.slice(0, 300));
  if (
    name === 'ReferenceError' &&
    notDefined &&
    /^(process|require|module|exports|global|fetch|Buffer)$/.test(notDefined[1]!)
  )
    return `ReferenceError: ${notDefined[1]} is not defined (${SANDBOX_HINT})`;
  // The user's code starts on line 2 of code.js (line 1 is the wrapper).
  const line = typeof err === 'object' && err?.stack ? /code\.js:(\d+)/.exec(err.stack) : null;
  const where = line && Number(line[1]) > 1 ? ` (line ${Number(line[1]) - 1})` : '';
  return `${name}: ${message}${where}`;
}

function dumpError(ctx: QuickJSContext, handle: QuickJSHandle): unknown {
  try {
    return ctx.dump(handle);
  } catch {
    return null;
  }
}

export async function runCode(opts: SandboxInput): Promise<SandboxResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CODE_TIMEOUT_MS;
  const memoryMb = opts.memoryLimitMb ?? DEFAULT_CODE_MEMORY_MB;
  const logs: LogLine[] = [];
  let inputJson: string;
  let nodesJson: string;
  try {
    inputJson = JSON.stringify(opts.input ?? null);
    nodesJson = JSON.stringify(opts.nodes);
  } catch (e) {
    return { ok: false, error: `cannot pass data to the code node: ${(e as Error).message}`, logs };
  }
  const inst = await instance(memoryMb);
  const qjs = inst.qjs;
  // From here on everything is synchronous: one sandbox executes at a time on this thread.
  let clean = true;
  const fail = (raw: unknown, timedOut: boolean): SandboxResult => {
    const error = describeError(raw, timeoutMs, memoryMb, timedOut);
    if (/timed out|memory limit|stack limit|never settles/.test(error)) clean = false;
    return { ok: false, error, logs };
  };
  let runtime: ReturnType<QuickJSWASMModule['newRuntime']> | undefined;
  let ctx: QuickJSContext | undefined;
  try {
    runtime = qjs.newRuntime();
    const deadline = Date.now() + timeoutMs;
    let timedOut = false;
    runtime.setInterruptHandler(() => {
      if (Date.now() > deadline) timedOut = true;
      return timedOut;
    });
    runtime.setMemoryLimit(memoryMb * 1024 * 1024);
    runtime.setMaxStackSize(STACK_BYTES);
    const vm: QuickJSContext = runtime.newContext();
    ctx = vm;
    const emit = vm.newFunction('emit', (levelH, textH) => {
      if (logs.length >= MAX_LOG_LINES) return;
      const level = vm.getString(levelH) as LogLine['level'];
      let message = vm.getString(textH);
      const truncated = message.length > MAX_LOG_CHARS;
      if (truncated) message = message.slice(0, MAX_LOG_CHARS);
      if (logs.length === MAX_LOG_LINES - 1) message = `(log limit of ${MAX_LOG_LINES} lines reached) ${message}`;
      const line: LogLine = { level, message, at: new Date().toISOString() };
      if (truncated) line.truncated = true;
      logs.push(line);
      opts.onLog?.(line);
    });
    vm.setProp(vm.global, '__flero_emit', emit);
    emit.dispose();
    const prelude = vm.evalCode(PRELUDE, 'prelude.js');
    if (prelude.error) {
      const e = dumpError(vm, prelude.error);
      prelude.error.dispose();
      clean = false;
      return { ok: false, error: `sandbox set-up failed: ${describeError(e, timeoutMs, memoryMb, timedOut)}`, logs };
    }
    prelude.value.dispose();

    const evaluated = vm.evalCode(wrap(opts.code, inputJson, nodesJson), 'code.js');
    if (evaluated.error) {
      const e = dumpError(vm, evaluated.error);
      evaluated.error.dispose();
      return fail(e, timedOut);
    }
    const promise = evaluated.value;
    try {
      // No timers or I/O exist in the sandbox, so the promise settles by running pending jobs only.
      for (;;) {
        const state = vm.getPromiseState(promise);
        if (state.type === 'fulfilled') {
          const json = vm.getString(state.value);
          state.value.dispose();
          if (json.length > MAX_OUTPUT_CHARS)
            return { ok: false, error: `code output is larger than ${MAX_OUTPUT_CHARS} characters`, logs };
          return { ok: true, output: JSON.parse(json) as unknown, logs };
        }
        if (state.type === 'rejected') {
          const e = dumpError(vm, state.error);
          state.error.dispose();
          return fail(e, timedOut);
        }
        if (!runtime.hasPendingJob()) {
          clean = false;
          return { ok: false, error: 'code returned a promise that never settles', logs };
        }
        const jobs = runtime.executePendingJobs(64);
        if (jobs.error) {
          const e = dumpError(vm, jobs.error);
          jobs.error.dispose();
          return fail(e, timedOut);
        }
        if (timedOut) return fail(null, true);
      }
    } finally {
      promise.dispose();
    }
  } catch (e) {
    // The WASM side can throw on the host when a limit is hit while building a value.
    clean = false;
    return { ok: false, error: describeError(e, timeoutMs, memoryMb, false), logs };
  } finally {
    if (clean) {
      try {
        ctx?.dispose();
        runtime?.dispose();
        release(memoryMb, inst);
      } catch {
        // Not reusable; dropped with its memory.
      }
    }
    // An instance that hit a limit is dropped without disposing: its whole WASM memory goes with it.
  }
}
