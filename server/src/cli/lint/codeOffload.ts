// One large workflow file on two cores: its Code nodes' analysis (acorn and the log-leak analysis, the largest part
// of a cold check) is shared with one lint worker (./worker.ts in "code" mode). The main thread runs the checks as
// always, front to back (computeDiagnosticsAsync, which gives the event loop a turn between slices of nodes); the
// worker analyses the code strings from the back, and its results go into the checks' memo (seedCodeCache), where
// the main thread finds them when it gets there. The results are the same function's (analyseCode), so the
// diagnostics are identical whoever computed them; a worker that is slow, or fails, only leaves more to the checks.
import { Worker } from 'node:worker_threads';
import { type CodeResult, isCodeAnalysed, seedCodeCache } from '../../lsp/service/checks/code';
import { computeDiagnosticsAsync } from '../../lsp/service/diagnostics';
import type { FleroDocument } from '../../lsp/service/document';
import type { ServiceContext } from '../../lsp/service/types';
import { type LintProblem, toProblems } from './check';

/** Fewer Code nodes than this are analysed on the main thread alone (a worker's start costs more). */
export const MIN_CODE_NODES_FOR_WORKER = 64;
const BATCH = 8;

/** The distinct code strings of a workflow's Code nodes, in document order. */
export function codeStrings(doc: FleroDocument): string[] {
  const nodes = (doc.value as { nodes?: unknown } | undefined)?.nodes;
  if (!Array.isArray(nodes)) return [];
  const out = new Set<string>();
  for (const n of nodes) {
    const node = n as { type?: unknown; code?: unknown } | null;
    if (node && typeof node === 'object' && node.type === 'code' && typeof node.code === 'string') out.add(node.code);
  }
  return [...out];
}

/** A lint worker in "code" mode, started before the file is read so that its start overlaps reading and parsing. */
export class CodeWorker {
  private readonly worker: Worker;
  private ready = false;
  private failed = false;
  private readonly started: Promise<void>;
  /** How many code strings the worker has analysed (for tests). */
  analysed = 0;

  constructor(script: string) {
    this.worker = new Worker(script, { workerData: { mode: 'code' } });
    this.started = new Promise((resolve) => this.worker.once('message', () => resolve()));
    this.worker.on('message', (m: { ready?: true; codes?: string[]; results?: CodeResult[]; failed?: string }) => {
      if (m.failed !== undefined) this.failed = true;
      if (m.ready) this.ready = true;
      if (m.codes && m.results) {
        for (let i = 0; i < m.codes.length; i++) seedCodeCache(m.codes[i]!, m.results[i]!);
        this.analysed += m.codes.length;
      }
      if (!this.failed) this.feed?.();
    });
    this.worker.on('error', () => {
      this.failed = true;
    });
  }

  private feed?: () => void;

  /** `doc`'s problems, its Code nodes analysed on this thread and on the worker (one document at a time). */
  async lint(file: string, doc: FleroDocument, ctx: ServiceContext): Promise<LintProblem[]> {
    const codes = codeStrings(doc);
    let back = codes.length;
    this.feed = () => {
      const batch: string[] = [];
      while (back > 0 && batch.length < BATCH) {
        const code = codes[--back]!;
        if (!isCodeAnalysed(code)) batch.push(code);
      }
      if (batch.length) this.worker.postMessage({ codes: batch });
    };
    // A worker already running gets its first batch now; a new one asks for it when it is ready.
    if (this.ready && !this.failed) this.feed();
    try {
      return toProblems(file, doc, await computeDiagnosticsAsync(doc, ctx));
    } finally {
      this.feed = undefined;
    }
  }

  /** Resolves when the worker has loaded (or failed): tests wait for it, the CLI never does. */
  whenReady(): Promise<void> {
    return this.started;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
