// The analysis of each open document, cached per (uri, version, credentials generation): the parsed document and,
// once computed, its diagnostics (service shape and LSP shape). Pull and push both read diagnostics from here, so
// every client sees the same problems. No connection: the server hands in how to read a document's text.
import type { Diagnostic } from 'vscode-languageserver';
import { toLspDiagnostic } from './service/convert';
import { type Cancellation, computeDiagnostics, computeDiagnosticsAsync } from './service/diagnostics';
import { type FleroDocument, parseDocument } from './service/document';
import type { FleroDiagnostic, ServiceContext } from './service/types';

export interface Analysis {
  version: number;
  doc: FleroDocument;
  /** The credentials generation the diagnostics were computed for. */
  gen: number;
  diagnostics?: FleroDiagnostic[];
  lsp?: Diagnostic[];
}

/** An open document as the server sees it (vscode-languageserver's TextDocument satisfies this). */
export interface OpenDocument {
  readonly version: number;
  getText(): string;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Analysis>();
  private generation = 0;

  constructor(
    private readonly open: (uri: string) => OpenDocument | undefined,
    private readonly ctx: ServiceContext,
  ) {}

  /** The credentials changed: every cached diagnostic is stale (documents stay parsed). */
  invalidate(): void {
    this.generation++;
  }

  /** The document was closed. */
  delete(uri: string): void {
    this.entries.delete(uri);
  }

  /** The current analysis of an open document (parsed again when its version changed), undefined when not open. */
  get(uri: string): Analysis | undefined {
    const td = this.open(uri);
    if (!td) return undefined;
    let a = this.entries.get(uri);
    if (!a || a.version !== td.version) {
      a = { version: td.version, doc: parseDocument(uri, td.getText(), td.version), gen: this.generation };
      this.entries.set(uri, a);
    }
    if (a.gen !== this.generation) {
      a.gen = this.generation;
      a.diagnostics = undefined;
      a.lsp = undefined;
    }
    return a;
  }

  /** Diagnostics of an analysis, synchronously (push path, code actions). */
  diagnosticsOf(a: Analysis): Diagnostic[] {
    if (!a.lsp) {
      a.diagnostics = computeDiagnostics(a.doc, this.ctx);
      a.lsp = a.diagnostics.map((d) => toLspDiagnostic(a.doc, d));
    }
    return a.lsp;
  }

  /**
   * Pull path: big documents are checked in slices so a cancellation, a newer version or new credentials stop the
   * work (throws CancelledError).
   */
  async diagnosticsOfAsync(a: Analysis, token: Cancellation): Promise<Diagnostic[]> {
    if (a.lsp) return a.lsp;
    const gen = a.gen;
    const entries = this.entries;
    const stale: Cancellation = {
      get isCancellationRequested() {
        return token.isCancellationRequested || entries.get(a.doc.uri) !== a || a.gen !== gen;
      },
    };
    const diagnostics = await computeDiagnosticsAsync(a.doc, this.ctx, stale);
    if (a.gen === gen && !a.lsp) {
      a.diagnostics = diagnostics;
      a.lsp = diagnostics.map((d) => toLspDiagnostic(a.doc, d));
    }
    return a.lsp ?? diagnostics.map((d) => toLspDiagnostic(a.doc, d));
  }
}
