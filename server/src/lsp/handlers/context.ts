// What every LSP handler is given: the connection, the open documents, what the client told us, the analysis cache
// and the client's features (decided at `initialize`, read when an event arrives).
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisCache } from '../analysisCache';
import type { ServiceContext } from '../service/types';

export interface ClientFeatures {
  pullDiagnostics: boolean;
  diagnosticRefresh: boolean;
  codeLensRefresh: boolean;
}

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  /** Credentials metadata and server connection, as the client last told us. */
  readonly ctx: ServiceContext;
  readonly cache: AnalysisCache;
  features: ClientFeatures;
}
