// A lint worker thread: built as dist/flero-lintWorker.mjs, an entry of the split CLI bundle that shares the lint
// command's chunks. "files" mode (./pool.ts): checks the files the pool sends, one message each. "code" mode
// (./codeOffload.ts): analyses batches of one large file's Code nodes. Each mode loads only what it needs.
import { parentPort, workerData } from 'node:worker_threads';
import type { ServiceContext } from '../../lsp/service/types';

export interface LintTask {
  index: number;
  file: string;
}

const data = (workerData ?? {}) as { mode?: 'files' | 'code'; ctx?: ServiceContext };
const port = parentPort;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function main(): Promise<void> {
  if (!port) return;
  if (data.mode === 'code') {
    const { analyseCode } = await import('../../lsp/service/checks/code');
    port.on('message', (m: { codes: string[] }) => {
      try {
        port.postMessage({ codes: m.codes, results: m.codes.map(analyseCode) });
      } catch (err) {
        port.postMessage({ failed: message(err) });
      }
    });
  } else {
    const { checkFile } = await import('./check');
    const ctx = data.ctx ?? {};
    port.on('message', (task: LintTask) => {
      checkFile(task.file, ctx).then(
        (result) => port.postMessage({ index: task.index, result }),
        (err: unknown) => port.postMessage({ index: task.index, failed: message(err) }),
      );
    });
  }
  // Loaded and listening: the first task comes only now (until then the main thread keeps checking).
  port.postMessage({ ready: true });
}

main().catch((err: unknown) => port?.postMessage({ failed: message(err) }));
