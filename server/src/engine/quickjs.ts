// Code nodes run in QuickJS compiled to WASM: a separate JS engine with its own heap, no Node APIs (no process,
// require, fs, network, timers), a wall-clock deadline enforced by an interrupt handler, a heap limit and a stack
// limit. This file runs inside a code worker (codeWorker.ts; sandbox.ts is the main thread's side): the WASM module
// is compiled once per worker; every run gets a fresh runtime + context, disposed afterwards (one is made ready
// ahead of time while the worker is idle). Data crosses the boundary only as JSON strings (`$input`, `$node` in;
// the return value and log lines out).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import variant from '@jitl/quickjs-wasmfile-release-sync';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import {
  DEFAULT_CODE_MEMORY_MB,
  MAX_LOG_LINE_CHARS,
  MAX_LOG_LINES,
  MAX_LOG_TOTAL_CHARS,
  MAX_OUTPUT_CHARS,
} from './codeLimits';
import type { LogLine } from './types';

const STACK_BYTES = 512 * 1024;
const PAGE = 64 * 1024;
/** The QuickJS build's own minimum memory (its stack and static data live here too). */
const BASE_MEMORY_MB = 16;
// Per worker (there is one worker per core): idle instances keep their WASM memory.
const IDLE_INSTANCES_PER_LIMIT = 2;
const IDLE_INSTANCES_TOTAL = 3;
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

/** One run's task as the worker receives it: data already as JSON strings. */
export interface QuickJsTask {
  code: string;
  inputJson: string;
  nodesJson: string;
  timeoutMs: number;
  memoryMb: number;
  /** Each console line as it is produced (raw: the caller masks it). */
  onLog?: (line: LogLine) => void;
}

export type QuickJsResult = { ok: true; outputJson: string } | { ok: false; error: string };

const LEVELS = ['log', 'info', 'warn', 'error', 'debug'] as const;

// Runs before the user's code, in the sandbox. Builds `console` over one host function, then removes that function
// from the global object so user code cannot reach it by name. A line longer than the cap is cut here already (with
// one character to spare, so the host sees it was longer) so a huge string is never copied out of the sandbox.
const PRELUDE = `(function (emit) {
  "use strict";
  const cut = Function.prototype.call.bind(String.prototype.slice);
  const fmt = (v) => {
    if (typeof v === "string") return v;
    if (v instanceof Error) return v.name + ": " + v.message + (v.stack ? "\\n" + v.stack : "");
    if (typeof v === "function") return "[Function " + (v.name || "anonymous") + "]";
    if (typeof v === "undefined") return "undefined";
    try { const s = JSON.stringify(v); return s === undefined ? String(v) : s; } catch (e) { return String(v); }
  };
  const make = (level) => function () {
    const s = Array.prototype.map.call(arguments, fmt).join(" ");
    emit(level, s.length > ${MAX_LOG_LINE_CHARS} ? cut(s, 0, ${MAX_LOG_LINE_CHARS + 1}) : s);
  };
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

/** Where a run's console lines go; swapped in when a prepared sandbox is taken for a run. */
interface LogSink {
  onLog: ((line: LogLine) => void) | undefined;
  lines: number;
  chars: number;
}

/** A fresh runtime + context with `console` installed and the limits set, not yet used: one run's sandbox. */
interface Prepared {
  inst: Instance;
  memoryMb: number;
  runtime: QuickJSRuntime;
  vm: QuickJSContext;
  sink: LogSink;
  deadline: number;
  timedOut: boolean;
}

function onConsole(p: Prepared, level: string, raw: string): void {
  const sink = p.sink;
  if (sink.lines >= MAX_LOG_LINES || sink.chars >= MAX_LOG_TOTAL_CHARS) return;
  let message = raw;
  let truncated = false;
  const room = Math.min(MAX_LOG_LINE_CHARS, MAX_LOG_TOTAL_CHARS - sink.chars);
  if (message.length > room) {
    message = message.slice(0, room);
    truncated = true;
  }
  sink.lines++;
  sink.chars += message.length;
  // The note goes first: the end of a capped line is cut again after masking.
  if (sink.lines === MAX_LOG_LINES) message = `(log limit of ${MAX_LOG_LINES} lines reached) ${message}`;
  else if (sink.chars >= MAX_LOG_TOTAL_CHARS)
    message = `(log limit of ${MAX_LOG_TOTAL_CHARS} characters reached) ${message}`;
  const line: LogLine = {
    level: (LEVELS as readonly string[]).includes(level) ? (level as LogLine['level']) : 'log',
    message,
    at: new Date().toISOString(),
  };
  if (truncated) line.truncated = true;
  sink.onLog?.(line);
}

async function prepare(memoryMb: number): Promise<Prepared> {
  const inst = await instance(memoryMb);
  const runtime = inst.qjs.newRuntime();
  const vm = runtime.newContext();
  const p: Prepared = {
    inst,
    memoryMb,
    runtime,
    vm,
    sink: { onLog: undefined, lines: 0, chars: 0 },
    deadline: Number.POSITIVE_INFINITY,
    timedOut: false,
  };
  runtime.setInterruptHandler(() => {
    if (Date.now() > p.deadline) p.timedOut = true;
    return p.timedOut;
  });
  runtime.setMemoryLimit(memoryMb * 1024 * 1024);
  runtime.setMaxStackSize(STACK_BYTES);
  const emit = vm.newFunction('emit', (levelH, textH) => onConsole(p, vm.getString(levelH), vm.getString(textH)));
  vm.setProp(vm.global, '__flero_emit', emit);
  emit.dispose();
  const prelude = vm.evalCode(PRELUDE, 'prelude.js');
  if (prelude.error) {
    const e = dumpError(vm, prelude.error);
    prelude.error.dispose();
    // Not reusable: dropped with its memory.
    throw new Error(`sandbox set-up failed: ${describeError(e, 0, memoryMb, false)}`);
  }
  prelude.value.dispose();
  return p;
}

/** The next run's sandbox for the default memory limit, made while the worker is idle. */
let ahead: Promise<Prepared> | undefined;

/** Makes the next default sandbox ready now (the worker calls this when it has nothing to do). */
export function prepareAhead(): void {
  if (ahead) return;
  ahead = prepare(DEFAULT_CODE_MEMORY_MB);
  ahead.catch(() => {
    ahead = undefined;
  });
}

async function take(memoryMb: number): Promise<Prepared> {
  if (memoryMb === DEFAULT_CODE_MEMORY_MB && ahead) {
    const p = ahead;
    ahead = undefined;
    try {
      return await p;
    } catch {
      // made afresh below
    }
  }
  return prepare(memoryMb);
}

/** Compiles the WASM module and readies a sandbox; returns the time it took in ms. */
export async function warmUp(memoryMb = DEFAULT_CODE_MEMORY_MB): Promise<number> {
  const started = performance.now();
  if (memoryMb === DEFAULT_CODE_MEMORY_MB) {
    prepareAhead();
    await ahead;
  } else release(memoryMb, await instance(memoryMb));
  return performance.now() - started;
}

/** Runs one code node's code to the end, synchronously once its sandbox is ready. */
export async function runInQuickJs(task: QuickJsTask): Promise<QuickJsResult> {
  const { timeoutMs, memoryMb } = task;
  let p: Prepared;
  try {
    p = await take(memoryMb);
  } catch (e) {
    return { ok: false, error: `the code sandbox could not start: ${(e as Error).message}` };
  }
  const { vm, runtime } = p;
  p.sink.onLog = task.onLog;
  // From here on everything is synchronous: one sandbox executes at a time on this thread.
  let clean = true;
  const fail = (raw: unknown, timedOut: boolean): QuickJsResult => {
    const error = describeError(raw, timeoutMs, memoryMb, timedOut);
    if (/timed out|memory limit|stack limit|never settles/.test(error)) clean = false;
    return { ok: false, error };
  };
  try {
    p.deadline = Date.now() + timeoutMs;
    const evaluated = vm.evalCode(wrap(task.code, task.inputJson, task.nodesJson), 'code.js');
    if (evaluated.error) {
      const e = dumpError(vm, evaluated.error);
      evaluated.error.dispose();
      return fail(e, p.timedOut);
    }
    const promise = evaluated.value;
    try {
      // No timers or I/O exist in the sandbox, so the promise settles by running pending jobs only.
      for (;;) {
        const state = vm.getPromiseState(promise);
        if (state.type === 'fulfilled') {
          // The length first: an oversized output is never copied out of the sandbox.
          const lengthH = vm.getProp(state.value, 'length');
          const length = vm.getNumber(lengthH);
          lengthH.dispose();
          if (length > MAX_OUTPUT_CHARS) {
            state.value.dispose();
            return { ok: false, error: `code output is larger than ${MAX_OUTPUT_CHARS} characters` };
          }
          const json = vm.getString(state.value);
          state.value.dispose();
          return { ok: true, outputJson: json };
        }
        if (state.type === 'rejected') {
          const e = dumpError(vm, state.error);
          state.error.dispose();
          return fail(e, p.timedOut);
        }
        if (!runtime.hasPendingJob()) {
          clean = false;
          return { ok: false, error: 'code returned a promise that never settles' };
        }
        const jobs = runtime.executePendingJobs(64);
        if (jobs.error) {
          const e = dumpError(vm, jobs.error);
          jobs.error.dispose();
          return fail(e, p.timedOut);
        }
        if (p.timedOut) return fail(null, true);
      }
    } finally {
      promise.dispose();
    }
  } catch (e) {
    // The WASM side can throw on the host when a limit is hit while building a value.
    clean = false;
    return { ok: false, error: describeError(e, timeoutMs, memoryMb, false) };
  } finally {
    p.sink.onLog = undefined;
    if (clean) {
      try {
        vm.dispose();
        runtime.dispose();
        release(memoryMb, p.inst);
      } catch {
        // Not reusable; dropped with its memory.
      }
    }
    // An instance that hit a limit is dropped without disposing: its whole WASM memory goes with it.
  }
}
