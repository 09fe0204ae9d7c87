// `flero lsp --stdio`: the same language server as dist/languageServer.mjs, for any LSP client (Neovim, Helix, …).
import { configureSandbox } from '../engine/sandbox';
import { defineCommand } from './command';
import { codeWorkersFrom } from './config';
import { UsageError } from './parser';

export const command = defineCommand(
  {
    name: 'lsp',
    usage: '--stdio',
    summary: 'Start the Flero language server on stdin/stdout (for any LSP client).',
    options: { stdio: { type: 'boolean', description: 'Talk LSP over stdin/stdout (the only transport)' } },
  },
  async ({ values }) => {
    if (!values.stdio) throw new UsageError('give --stdio (the only transport)');
    const { startStdioServer } = await import('./lspStdio');
    const workers = codeWorkersFrom(process.env);
    if (workers !== undefined) configureSandbox({ workers });
    startStdioServer();
    // The connection keeps the process alive; it exits when the client sends `exit` or closes stdin.
    return new Promise<number>(() => undefined);
  },
);

export const run = (argv: string[]) => command.run(argv);
