// The stdio language server `flero lsp --stdio` starts, loaded only by that command. vscode-languageserver is
// CommonJS: imported statically here (esbuild gives it named exports) rather than with a dynamic import() in lsp.ts,
// which in the split CLI bundle would see only its `default` export.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';

export function startStdioServer(): void {
  startServer(createConnection(ProposedFeatures.all));
}
