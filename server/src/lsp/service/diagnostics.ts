// All checks of a workflow document: runs the check modules (./checks, one per diagnostic family) in order.
// Pure: a parsed document + what the client told us in, diagnostics (offsets) out.
import { codeDiagnostics } from './checks/code';
import { credentialDiagnostics, transportDiagnostics } from './checks/credentials';
import { graphDiagnostics } from './checks/graph';
import { secretDiagnostics } from './checks/hardcodedSecret';
import { schemaDiagnostics } from './checks/schema';
import { child, type FleroDocument } from './document';
import type { FleroDiagnostic, ServiceContext } from './types';

export { clearCodeCache } from './checks/code';

export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Nodes checked between two yields of the incremental version (lets a cancellation in between be seen). */
const SLICE = 128;

/** The checks as steps: yields between slices of nodes; the finished, sorted list is the return value. */
function* diagnosticSteps(doc: FleroDocument, ctx: ServiceContext): Generator<void, FleroDiagnostic[]> {
  const out = schemaDiagnostics(doc);
  const root = doc.root;
  if (!root || root.type !== 'object') return finish(doc, out);
  const nodes = child(root, 'nodes');
  const nodeList = nodes?.type === 'array' ? (nodes.children ?? []) : [];
  out.push(...graphDiagnostics(nodeList, child(root, 'connections')));
  const credentials = ctx.credentials ? new Map(ctx.credentials.map((c) => [c.id, c])) : undefined;
  for (let i = 0; i < nodeList.length; i++) {
    if (i > 0 && i % SLICE === 0) yield;
    const n = nodeList[i]!;
    if (n.type !== 'object') continue;
    const type = child(n, 'type')?.value;
    out.push(...credentialDiagnostics(doc, n, i, type, credentials));
    if (type === 'http') out.push(...transportDiagnostics(doc, n));
    if (type === 'code') out.push(...codeDiagnostics(doc, n, i));
    out.push(...secretDiagnostics(doc, n, i, type));
  }
  return finish(doc, out);
}

/**
 * Every span inside the document (a parser error at the end of a truncated file points one past it), then sorted.
 * One place for all checks, so no client is ever sent a range outside the text.
 */
function finish(doc: FleroDocument, out: FleroDiagnostic[]): FleroDiagnostic[] {
  const len = doc.text.length;
  const clamp = (s: { start: number; end: number }) => {
    s.start = Math.min(Math.max(0, s.start), len);
    s.end = Math.min(Math.max(s.start, s.end), len);
  };
  for (const d of out) {
    clamp(d);
    d.related?.forEach(clamp);
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** All diagnostics of a document, synchronously (CLI, tests, small documents). */
export function computeDiagnostics(doc: FleroDocument, ctx: ServiceContext, cancel?: Cancellation): FleroDiagnostic[] {
  const steps = diagnosticSteps(doc, ctx);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (cancel?.isCancellationRequested) throw new CancelledError();
  }
}

/**
 * The same, giving the event loop a turn between slices of nodes, so that a `$/cancelRequest` (or a newer edit)
 * that arrives meanwhile is read and honoured: throws CancelledError.
 */
export async function computeDiagnosticsAsync(
  doc: FleroDocument,
  ctx: ServiceContext,
  cancel?: Cancellation,
): Promise<FleroDiagnostic[]> {
  const steps = diagnosticSteps(doc, ctx);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (cancel?.isCancellationRequested) throw new CancelledError();
  }
}
