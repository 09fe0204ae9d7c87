// `flero <command>`: a dispatcher over THE command table. Each command's module is loaded only when asked for (a
// lint never evaluates the server). A group (keys, credentials, workflows, executions) dispatches to its
// subcommands. Unknown names get one line with the closest valid one; `flero help <command>` = `<command> --help`.
import * as nodeModule from 'node:module';
import { FLERO_VERSION } from '../core/version';
import type { Command } from './command';
import { didYouMean } from './parser';

interface Single {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}
interface Group {
  summary: string;
  subcommands: readonly string[];
  load: () => Promise<{ SUBCOMMANDS: Record<string, Command> }>;
}

const one = (p: Promise<{ command: Command }>) => p.then((m) => m.command);

const COMMANDS: Record<string, Single | Group> = {
  whoami: { summary: 'Show the API key in use: name, id, scopes, workflows', load: () => one(import('./whoami')) },
  keys: {
    summary: 'Create, list, show, revoke and roll API keys (on a server, or offline on a store)',
    subcommands: ['create', 'list', 'show', 'revoke', 'roll'],
    load: () => import('./keys/index'),
  },
  credentials: {
    summary: 'Manage a server’s credentials (values from stdin or --value-env, never an argument)',
    subcommands: ['create', 'list', 'show', 'test', 'rotate', 'rollback', 'connect', 'delete'],
    load: () => import('./credentials'),
  },
  workflows: {
    summary: 'List, push, pull and delete a server’s workflows',
    subcommands: ['list', 'push', 'pull', 'delete'],
    load: () => import('./workflows'),
  },
  executions: {
    summary: 'List, show, cancel and delete a server’s executions',
    subcommands: ['list', 'show', 'cancel', 'delete'],
    load: () => import('./executions'),
  },
  audit: { summary: 'Read a server’s audit log', load: () => one(import('./audit')) },
  run: { summary: 'Run a workflow file locally, or a workflow on a server', load: () => import('./run') },
  lint: {
    summary: 'Check workflow files (the editor’s checks) for CI; exit 1 on errors',
    load: () => import('./lint'),
  },
  scan: {
    summary: 'Find secrets in any text files (.env, source, logs); exit 1 when it finds one',
    load: () => import('./scan'),
  },
  serve: { summary: 'Run the Flero API server', load: () => import('./serve') },
  schema: { summary: 'Print the workflow-file JSON Schema', load: () => import('./schema') },
  lsp: { summary: 'Start the language server (--stdio)', load: () => import('./lsp') },
};

const isGroup = (c: Single | Group): c is Group => 'subcommands' in c;

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    `flero ${FLERO_VERSION}: Flero API keys, credentials and workflows from a terminal or a CI pipeline.`,
    '',
    'Usage: flero <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(
      ([name, c]) => `  ${name.padEnd(width)}  ${c.summary}${isGroup(c) ? ` (${c.subcommands.join('|')})` : ''}`,
    ),
    `  ${'help'.padEnd(width)}  Show a command’s help: flero help <command> [subcommand]`,
    '',
    'Against a server: --server URL (or FLERO_SERVER_URL) with the key in FLERO_API_KEY.',
    'Exit codes: 0 success, 1 the operation failed or found problems, 2 usage error.',
    'Run `flero <command> --help` for a command’s options.',
  ].join('\n');
}

function groupUsage(name: string, g: Group, mod: { SUBCOMMANDS: Record<string, Command> }): string {
  const width = Math.max(...g.subcommands.map((s) => s.length));
  return [
    `Usage: flero ${name} <${g.subcommands.join('|')}> [options]`,
    '',
    g.summary,
    '',
    'Commands:',
    ...g.subcommands.map((s) => `  ${s.padEnd(width)}  ${mod.SUBCOMMANDS[s]?.spec.summary ?? ''}`),
    '',
    `Run \`flero ${name} <command> --help\` for its options.`,
  ].join('\n');
}

function unknown(what: string, name: string, candidates: readonly string[], help: string): number {
  process.stderr.write(
    `flero: unknown ${what} "${name}"${didYouMean(name, candidates, (s) => `"${s}"`)} (see \`${help}\`)\n`,
  );
  return 2;
}

async function main(argv: string[]): Promise<number> {
  let [command, ...rest] = argv;
  if (command === 'help') {
    if (!rest.length) command = undefined;
    else {
      command = rest[0];
      rest = [...rest.slice(1), '--help'];
    }
  }
  if (command === '--version' || command === '-v' || command === '-V') {
    process.stdout.write(`${FLERO_VERSION}\n`);
    return 0;
  }
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`${usage()}\n`);
    return command || argv[0] === 'help' ? 0 : 2;
  }
  const entry = COMMANDS[command];
  if (!entry) return unknown('command', command, [...Object.keys(COMMANDS), 'help'], 'flero --help');
  if (!isGroup(entry)) return (await entry.load()).run(rest);
  const mod = await entry.load();
  const [sub, ...subArgs] = rest;
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(`${groupUsage(command, entry, mod)}\n`);
    return sub ? 0 : 2;
  }
  const cmd = mod.SUBCOMMANDS[sub];
  if (!cmd) return unknown(`${command} command`, sub, entry.subcommands, `flero ${command} --help`);
  return cmd.run(subArgs);
}

/**
 * V8's on-disk code cache for the chunks a command loads next (Node ≥ 22.1; bin/flero.js enables it before this file
 * loads, so that it covers this one too): the next run skips compiling them. It holds compiled code only. Where:
 * NODE_COMPILE_CACHE if set, else Node's default under the OS temp dir; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 * Node 20 has no such API, and nothing is done there.
 */
function enableCompileCache(): void {
  const m = nodeModule as { enableCompileCache?: () => unknown };
  try {
    m.enableCompileCache?.();
  } catch {
    // A cache that cannot be set up (read-only temp dir) only costs the compile it would have saved.
  }
}

enableCompileCache();
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
