// Diagnostics over LSP: pulled by clients that can (`textDocument/diagnostic`, cancellable, `Unchanged` when the
// result id matches), pushed (`publishDiagnostics`, debounced) to the others. Both read the same analysis cache.
import { DocumentDiagnosticReportKind, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { PushScheduler } from '../pushScheduler';
import { CancelledError } from '../service/diagnostics';
import type { ServerContext } from './context';

export interface DiagnosticsHandle {
  /** The credentials changed (the cache is already invalidated): ask pull clients to pull, push to the others. */
  refresh(): void;
}

export function registerDiagnostics(server: ServerContext): DiagnosticsHandle {
  const { connection, documents, cache } = server;

  function push(uri: string): void {
    const a = cache.get(uri);
    if (!a) return;
    void connection.sendDiagnostics({ uri, version: a.version, diagnostics: cache.diagnosticsOf(a) });
  }
  const pushes = new PushScheduler(push);

  documents.onDidChangeContent((e) => {
    if (!server.features.pullDiagnostics) pushes.schedule(e.document.uri);
  });
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    pushes.cancel(e.document.uri);
    if (!server.features.pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on(async (params, token) => {
    const a = cache.get(params.textDocument.uri);
    if (!a) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const resultId = `${a.version}:${a.gen}`;
    if (params.previousResultId === resultId && a.lsp)
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    try {
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items: await cache.diagnosticsOfAsync(a, token) };
    } catch (err) {
      if (err instanceof CancelledError) {
        if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
        // A newer version or new credentials arrived meanwhile: ask the client to pull again.
        throw new ResponseError(LSPErrorCodes.ServerCancelled, 'the document changed', { retriggerRequest: true });
      }
      throw err;
    }
  });

  return {
    refresh() {
      if (server.features.pullDiagnostics) {
        if (server.features.diagnosticRefresh) void connection.languages.diagnostics.refresh();
      } else for (const td of documents.all()) push(td.uri);
    },
  };
}
