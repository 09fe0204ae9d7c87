// A code worker: the thread that runs code nodes (QuickJS in WASM, quickjs.ts) off the main thread. sandbox.ts owns
// the pool of these. Protocol (structured clone over the worker's port; data as JSON strings):
//   main → worker  { id, code, inputJson, nodesJson, timeoutMs, memoryMb }   one task at a time
//   worker → main  { t: 'ready', ms, error? }   once, after the WASM module is compiled and a sandbox is ready
//                  { t: 'log', id, line }        each console line as it is produced (raw, capped)
//                  { t: 'done', id, result }     the task's end: { ok, outputJson } or { ok: false, error }
// It never receives credential values: only the masked `$input` and `$node` of the run.
import { parentPort } from 'node:worker_threads';
import { prepareAhead, type QuickJsResult, runInQuickJs, warmUp } from './quickjs';
import type { LogLine } from './types';

export interface CodeTask {
  id: number;
  code: string;
  inputJson: string;
  nodesJson: string;
  timeoutMs: number;
  memoryMb: number;
}

export type WorkerMessage =
  | { t: 'ready'; ms: number; error?: string }
  | { t: 'log'; id: number; line: LogLine }
  | { t: 'done'; id: number; result: QuickJsResult };

const port = parentPort;
if (!port) throw new Error('codeWorker is a worker thread entry: sandbox.ts starts it');
const post = (m: WorkerMessage) => port.postMessage(m);

let chain: Promise<void> = warmUp().then(
  (ms) => post({ t: 'ready', ms }),
  (e: unknown) => post({ t: 'ready', ms: 0, error: (e as Error).message }),
);

port.on('message', (task: CodeTask) => {
  chain = chain.then(async () => {
    const result = await runInQuickJs({ ...task, onLog: (line) => post({ t: 'log', id: task.id, line }) });
    post({ t: 'done', id: task.id, result });
    // The next run's sandbox is made now, while nothing waits for this worker.
    setImmediate(prepareAhead);
  });
});
