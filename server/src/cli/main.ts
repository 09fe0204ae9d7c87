// `flero <command>`: a dispatcher. Each command lives in its own module, loaded only when asked for, and exports
// `run(argv): Promise<number>` (the exit code).
import { FLERO_VERSION } from '../core/version';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  serve: { summary: 'Run the Flero API server', load: () => import('./serve') },
  keys: {
    summary: 'Create, list and revoke API keys (admin, on a data dir or database URL)',
    load: () => import('./keys'),
  },
  run: { summary: 'Run a workflow file locally or a workflow on a server', load: () => import('./run') },
  lint: {
    summary: 'Check workflow files (the language server’s checks), exit 1 on errors',
    load: () => import('./lint'),
  },
  schema: { summary: 'Print the workflow-file JSON Schema', load: () => import('./schema') },
  lsp: { summary: 'Start the language server (--stdio)', load: () => import('./lsp') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: flero <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `flero <command> --help` for a command’s options.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${usage()}\n`);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${FLERO_VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`flero: unknown command "${command}"\n\n${usage()}\n`);
    return 2;
  }
  const mod = await entry.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    // Long-running commands (serve, lsp) resolve only when they are done.
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`flero: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
