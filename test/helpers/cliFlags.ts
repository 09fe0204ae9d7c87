// The flags each `flero` command accepts, read from the CLI's own definitions (each command's parser spec; `serve`'s
// from the SETTINGS table its parser is built from), and a checker for `flero …` command lines quoted in docs: every
// `--flag` after `flero <command> [<subcommand>]` must be one that command accepts.
import { SETTINGS } from '../../server/src/cli/config';
import type { Command } from '../../server/src/cli/command';

type Mod = { command?: Command; SUBCOMMANDS?: Record<string, Command> };

/** command ("keys create", "lint", "serve") → its long flags without dashes (help included). */
export async function cliFlags(): Promise<Map<string, Set<string>>> {
  const singles: Record<string, Promise<Mod>> = {
    whoami: import('../../server/src/cli/whoami'),
    audit: import('../../server/src/cli/audit'),
    run: import('../../server/src/cli/run'),
    lint: import('../../server/src/cli/lint'),
    scan: import('../../server/src/cli/scan'),
    schema: import('../../server/src/cli/schema'),
    lsp: import('../../server/src/cli/lsp'),
  };
  const groups: Record<string, Promise<Mod>> = {
    keys: import('../../server/src/cli/keys/index'),
    credentials: import('../../server/src/cli/credentials'),
    workflows: import('../../server/src/cli/workflows'),
    executions: import('../../server/src/cli/executions'),
  };
  const out = new Map<string, Set<string>>();
  const names = (c: Command) => new Set(['help', ...Object.keys(c.spec.options)]);
  for (const [name, mod] of Object.entries(singles)) out.set(name, names((await mod).command!));
  for (const [name, mod] of Object.entries(groups))
    for (const [sub, c] of Object.entries((await mod).SUBCOMMANDS!)) out.set(`${name} ${sub}`, names(c));
  out.set('serve', new Set(['help', ...SETTINGS.flatMap((s) => (s.flag ? [s.flag.split(' ')[0]!.slice(2)] : []))]));
  return out;
}

/** The `flero …` command lines of a Markdown text: inline code spans and fenced blocks (continuations joined). */
export function commandLines(markdown: string): string[] {
  const lines: string[] = [];
  const fences = markdown.split(/^```[^\n]*$/m);
  fences.forEach((part, i) => {
    if (i % 2 === 1) {
      for (const line of part.replace(/\\\n\s*/g, ' ').split('\n')) lines.push(line);
    } else {
      for (const m of part.matchAll(/`([^`\n]+)`/g)) lines.push(m[1]!);
      // indented code blocks (4 spaces)
      for (const m of part.matchAll(/^ {4}(.*)$/gm)) lines.push(m[1]!);
    }
  });
  return lines;
}

export interface FlagProblem {
  line: string;
  problem: string;
}

/** Every unknown command or flag in the `flero …` invocations of `lines`. */
export function checkCommandLines(lines: string[], flags: Map<string, Set<string>>): FlagProblem[] {
  const problems: FlagProblem[] = [];
  const groups = new Set([...flags.keys()].filter((k) => k.includes(' ')).map((k) => k.split(' ')[0]!));
  for (const raw of lines) {
    // A shell line may hold several invocations (`A | B`, `A && B`, `$(A)`); a Markdown table cell `\|` is not a pipe.
    for (const line of raw.replace(/\\\|/g, '¦').split('$('))
      for (const m of line.matchAll(/(?:^|[\s"'(=`])flero\s+([a-z][a-z-]*)((?:\s+[^\s|;&)#]+)*)/g)) {
        const command = m[1]!;
        const rest = m[2]!.trim().split(/\s+/).filter(Boolean);
        if (command === 'help') continue;
        let key = command;
        if (groups.has(command)) {
          const sub = rest[0];
          if (!sub || !/^[a-z]+$/.test(sub)) continue; // `flero keys` alone, or `flero keys <…>`
          key = `${command} ${sub}`;
        }
        const allowed = flags.get(key);
        if (!allowed) {
          problems.push({ line: raw, problem: `unknown command "flero ${key}"` });
          continue;
        }
        for (const word of rest)
          for (const f of word.matchAll(/(?:^|[[(¦])--([a-z][a-z0-9-]*)/g))
            if (!allowed.has(f[1]!)) problems.push({ line: raw, problem: `flero ${key}: no option --${f[1]}` });
      }
  }
  return problems;
}
