// A lint worker thread (./pool.ts): built as dist/flero-lintWorker.mjs, an entry of the split CLI bundle that shares
// the lint command's chunks. Checks the files the pool sends, one message each, and answers with the result.
import { parentPort, workerData } from 'node:worker_threads';
import type { ServiceContext } from '../../lsp/service/types';
import { checkFile } from './check';

export interface LintTask {
  index: number;
  file: string;
}

const ctx = (workerData as { ctx?: ServiceContext } | undefined)?.ctx ?? {};
parentPort?.on('message', (task: LintTask) => {
  checkFile(task.file, ctx).then(
    (result) => parentPort!.postMessage({ index: task.index, result }),
    (err: unknown) =>
      parentPort!.postMessage({ index: task.index, failed: err instanceof Error ? err.message : String(err) }),
  );
});
// Loaded and listening: the pool sends the first file only now (until then the main thread keeps checking).
parentPort?.postMessage({ ready: true });
