// The language server's wiring: capabilities decided in one function from the client's, the shared state (documents,
// what the client told us, the analysis cache in ./analysisCache), then one thin adapter per feature in ./handlers
// over the pure service layer (./service). Diagnostics are pulled by clients that can, pushed to the others.
import {
  type ClientCapabilities,
  CodeActionKind,
  CodeLensRefreshRequest,
  type Connection,
  type InitializeResult,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type CredentialMeta, CredentialMetaSchema } from '../core/credentials';
import { AnalysisCache } from './analysisCache';
import { registerCodeActions } from './handlers/actions';
import { registerAssist } from './handlers/assist';
import type { ClientFeatures, ServerContext } from './handlers/context';
import { registerDiagnostics } from './handlers/diagnostics';
import { registerRun } from './handlers/run';
import { type InitializationOptions, SetCredentialsNotification, SetServerNotification } from './protocol';
import type { ServiceContext } from './service/types';
import { FLERO_VERSION } from '../core/version';

export type { ClientFeatures } from './handlers/context';

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
  const server: ServerContext = {
    connection,
    documents,
    ctx,
    cache: new AnalysisCache((uri) => documents.get(uri), ctx),
    features: { pullDiagnostics: false, diagnosticRefresh: false, codeLensRefresh: false },
  };

  connection.onInitialize((params) => {
    const { result, features } = capabilitiesFor(params.capabilities);
    server.features = features;
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    if (init.credentials !== undefined) ctx.credentials = validCredentials(init.credentials);
    if (init.server) ctx.server = init.server;
    return result;
  });

  const diagnostics = registerDiagnostics(server);
  connection.onNotification(SetCredentialsNotification, (p) => {
    ctx.credentials = validCredentials(p?.credentials);
    server.cache.invalidate();
    diagnostics.refresh();
  });
  connection.onNotification(SetServerNotification, (p) => {
    // The same server again (the client re-checks its connection often): no lens refresh, so a lens is not replaced
    // under a click (VS Code then runs nothing and says "Actual command not found").
    if (JSON.stringify(p) === JSON.stringify(ctx.server)) return;
    ctx.server = p;
    if (server.features.codeLensRefresh)
      void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  });

  registerCodeActions(server);
  registerAssist(server);
  registerRun(server);

  documents.listen(connection);
  connection.listen();
}
