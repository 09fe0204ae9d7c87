// The language server: thin LSP handlers over the pure service layer (./service). Capabilities are decided in one
// function from the client's; diagnostics are pulled by clients that can, pushed to the others; results are cached
// per (uri, version, credentials generation).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type ClientCapabilities,
  CodeActionKind,
  type CodeAction,
  type CompletionItem,
  CompletionItemKind,
  type Connection,
  type Diagnostic,
  DocumentDiagnosticReportKind,
  type InitializeResult,
  LSPErrorCodes,
  ResponseError,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type CredentialMeta, CredentialMetaSchema } from '../core/credentials';
import {
  type InitializationOptions,
  RunProgressNotification,
  type RunProgressParams,
  RunWorkflowRequest,
  type RunWorkflowParams,
  SetCredentialsNotification,
  type SetCredentialsParams,
  SetServerNotification,
  type SetServerParams,
} from './protocol';
import { RunError, runDocument } from './run';
import { codeActions } from './service/actions';
import { completion, hover } from './service/assist';
import { toLspDiagnostic } from './service/convert';
import { CancelledError, computeDiagnostics, computeDiagnosticsAsync } from './service/diagnostics';
import { type FleroDocument, offsetAt, parseDocument, rangeOf } from './service/document';
import { codeLenses, documentSymbols } from './service/lenses';
import type { FleroDiagnostic, ServiceContext } from './service/types';
import { FLERO_VERSION } from '../core/version';

export interface ClientFeatures {
  pullDiagnostics: boolean;
  diagnosticRefresh: boolean;
  codeLensRefresh: boolean;
}

/** Everything the server offers, from what the client said it supports. */
export function capabilitiesFor(client: ClientCapabilities): { result: InitializeResult; features: ClientFeatures } {
  const features: ClientFeatures = {
    pullDiagnostics: client.textDocument?.diagnostic !== undefined,
    diagnosticRefresh: client.workspace?.diagnostics?.refreshSupport === true,
    codeLensRefresh: client.workspace?.codeLens?.refreshSupport === true,
  };
  return {
    features,
    result: {
      serverInfo: { name: 'flero-language-server', version: FLERO_VERSION },
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        ...(features.pullDiagnostics
          ? { diagnosticProvider: { identifier: 'flero', interFileDependencies: false, workspaceDiagnostics: false } }
          : {}),
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['"', '$', '.', '{'] },
        documentSymbolProvider: true,
      },
    },
  };
}

interface Analysis {
  version: number;
  doc: FleroDocument;
  gen: number;
  diagnostics?: FleroDiagnostic[];
  lsp?: Diagnostic[];
}

function validCredentials(list: unknown): CredentialMeta[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((c) => {
    const r = CredentialMetaSchema.safeParse(c);
    return r.success ? [r.data] : [];
  });
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const ctx: ServiceContext = {};
  let generation = 0;
  let features: ClientFeatures = { pullDiagnostics: false, diagnosticRefresh: false, codeLensRefresh: false };
  const cache = new Map<string, Analysis>();
  const pushTimers = new Map<string, NodeJS.Timeout>();

  function analysis(uri: string): Analysis | undefined {
    const td = documents.get(uri);
    if (!td) return undefined;
    let a = cache.get(uri);
    if (!a || a.version !== td.version) {
      a = { version: td.version, doc: parseDocument(uri, td.getText(), td.version), gen: generation };
      cache.set(uri, a);
    }
    if (a.gen !== generation) {
      a.gen = generation;
      a.diagnostics = undefined;
      a.lsp = undefined;
    }
    return a;
  }

  function diagnosticsOf(a: Analysis): Diagnostic[] {
    if (!a.lsp) {
      a.diagnostics = computeDiagnostics(a.doc, ctx);
      a.lsp = a.diagnostics.map((d) => toLspDiagnostic(a.doc, d));
    }
    return a.lsp;
  }

  /** Pull path: big documents are checked in slices so a cancellation or a newer version stops the work. */
  async function diagnosticsOfAsync(a: Analysis, token: { isCancellationRequested: boolean }): Promise<Diagnostic[]> {
    if (a.lsp) return a.lsp;
    const gen = a.gen;
    const stale = {
      get isCancellationRequested() {
        return token.isCancellationRequested || cache.get(a.doc.uri) !== a || a.gen !== gen;
      },
    };
    const diagnostics = await computeDiagnosticsAsync(a.doc, ctx, stale);
    if (a.gen === gen && !a.lsp) {
      a.diagnostics = diagnostics;
      a.lsp = diagnostics.map((d) => toLspDiagnostic(a.doc, d));
    }
    return a.lsp ?? diagnostics.map((d) => toLspDiagnostic(a.doc, d));
  }

  function push(uri: string): void {
    const a = analysis(uri);
    if (!a) return;
    void connection.sendDiagnostics({ uri, version: a.version, diagnostics: diagnosticsOf(a) });
  }

  function schedulePush(uri: string): void {
    clearTimeout(pushTimers.get(uri));
    pushTimers.set(
      uri,
      setTimeout(() => {
        pushTimers.delete(uri);
        push(uri);
      }, 20),
    );
  }

  function credentialsChanged(list: unknown): void {
    ctx.credentials = validCredentials(list);
    generation++;
    if (features.pullDiagnostics) {
      if (features.diagnosticRefresh) void connection.languages.diagnostics.refresh();
    } else for (const td of documents.all()) push(td.uri);
  }

  connection.onInitialize((params) => {
    const { result, features: f } = capabilitiesFor(params.capabilities);
    features = f;
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    if (init.credentials !== undefined) ctx.credentials = validCredentials(init.credentials);
    if (init.server) ctx.server = init.server;
    return result;
  });

  connection.onNotification(SetCredentialsNotification, (p: SetCredentialsParams) =>
    credentialsChanged(p?.credentials),
  );
  connection.onNotification(SetServerNotification, (p: SetServerParams) => {
    ctx.server = p;
    if (features.codeLensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  });

  documents.onDidChangeContent((e) => {
    if (!features.pullDiagnostics) schedulePush(e.document.uri);
  });
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    clearTimeout(pushTimers.get(e.document.uri));
    if (!features.pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on(async (params, token) => {
    const a = analysis(params.textDocument.uri);
    if (!a) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const resultId = `${a.version}:${a.gen}`;
    if (params.previousResultId === resultId && a.lsp)
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    try {
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items: await diagnosticsOfAsync(a, token) };
    } catch (err) {
      if (err instanceof CancelledError) {
        if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
        // A newer version or new credentials arrived meanwhile: ask the client to pull again.
        throw new ResponseError(LSPErrorCodes.ServerCancelled, 'the document changed', { retriggerRequest: true });
      }
      throw err;
    }
  });

  connection.onCodeAction((params) => {
    const a = analysis(params.textDocument.uri);
    if (!a) return [];
    diagnosticsOf(a);
    const span = { start: offsetAt(a.doc, params.range.start), end: offsetAt(a.doc, params.range.end) };
    return codeActions(a.doc, ctx, a.diagnostics ?? [], span).map(
      (x): CodeAction => ({
        title: x.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(a.doc, x.diagnostic)],
        edit: {
          changes: {
            [a.doc.uri]: x.edits.map((e) => ({ range: rangeOf(a.doc, e.start, e.end), newText: e.newText })),
          },
        },
        ...(x.command ? { command: x.command } : {}),
        ...(x.isPreferred ? { isPreferred: true } : {}),
      }),
    );
  });

  connection.onCodeLens((params) => {
    const a = analysis(params.textDocument.uri);
    if (!a) return [];
    return codeLenses(a.doc, ctx).map((l) => ({
      range: rangeOf(a.doc, l.start, l.end),
      command: { title: l.title, command: l.command, arguments: l.arguments },
    }));
  });

  connection.onHover((params) => {
    const a = analysis(params.textDocument.uri);
    if (!a) return null;
    const h = hover(a.doc, ctx, offsetAt(a.doc, params.position));
    return h ? { contents: { kind: 'markdown', value: h.markdown }, range: rangeOf(a.doc, h.start, h.end) } : null;
  });

  const KINDS = {
    value: CompletionItemKind.Value,
    type: CompletionItemKind.Class,
    credential: CompletionItemKind.Reference,
    method: CompletionItemKind.EnumMember,
    variable: CompletionItemKind.Variable,
    node: CompletionItemKind.Module,
  } as const;
  connection.onCompletion((params) => {
    const a = analysis(params.textDocument.uri);
    if (!a) return [];
    return completion(a.doc, ctx, offsetAt(a.doc, params.position)).map(
      (c): CompletionItem => ({
        label: c.label,
        kind: KINDS[c.kind],
        ...(c.detail ? { detail: c.detail } : {}),
        ...(c.documentation ? { documentation: { kind: 'markdown', value: c.documentation } } : {}),
        textEdit: { range: rangeOf(a.doc, c.start, c.end), newText: c.newText },
        filterText: c.newText,
      }),
    );
  });

  connection.onDocumentSymbol((params) => {
    const a = analysis(params.textDocument.uri);
    if (!a) return [];
    return documentSymbols(a.doc).map((s) => ({
      name: s.name,
      detail: s.detail,
      kind: SymbolKind.Object,
      range: rangeOf(a.doc, s.start, s.end),
      selectionRange: rangeOf(a.doc, s.selectionStart, s.selectionEnd),
    }));
  });

  connection.onRequest(RunWorkflowRequest, async (params: RunWorkflowParams, token) => {
    if (!params || typeof params.uri !== 'string' || typeof params.runId !== 'string')
      throw new ResponseError(-32602, 'flero/runWorkflow needs { uri, runId }');
    const text = documents.get(params.uri)?.getText() ?? (await readDisk(params.uri));
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      return await runDocument(params, {
        text,
        credentials: ctx.credentials ?? [],
        signal: controller.signal,
        onProgress: (event) => {
          const p: RunProgressParams = { runId: params.runId, event };
          void connection.sendNotification(RunProgressNotification, p);
        },
      });
    } catch (err) {
      if (err instanceof RunError) throw new ResponseError(-32602, err.message);
      throw new ResponseError(-32603, 'the run failed inside the language server');
    } finally {
      sub.dispose();
    }
  });

  documents.listen(connection);
  connection.listen();
}

async function readDisk(uri: string): Promise<string> {
  try {
    return await readFile(fileURLToPath(uri), 'utf8');
  } catch {
    throw new ResponseError(-32602, `cannot read ${uri}: open it in the editor or save it first`);
  }
}
