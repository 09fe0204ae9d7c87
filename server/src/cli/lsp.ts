// `flero lsp --stdio`: the same language server as dist/languageServer.mjs, for any LSP client (Neovim, Helix, …).
import { configureSandbox } from '../engine/sandbox';
import { codeWorkersFrom } from './config';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('Usage: flero lsp --stdio\n\nStarts the Flero language server on stdin/stdout.\n');
    return 0;
  }
  const unknown = argv.filter((a) => a !== '--stdio');
  if (unknown.length || !argv.includes('--stdio')) {
    process.stderr.write(
      `flero lsp: ${unknown.length ? `unexpected argument "${unknown[0]}"` : 'only --stdio is supported'}\n`,
    );
    return 2;
  }
  const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
  const { startServer } = await import('../lsp/server');
  const workers = codeWorkersFrom(process.env);
  if (workers !== undefined) configureSandbox({ workers });
  startServer(createConnection(ProposedFeatures.all));
  // The connection keeps the process alive; it exits when the client sends `exit` or closes stdin.
  return new Promise<number>(() => undefined);
}
