// THE argument parser of every `flero` command: node:util parseArgs (strict) under a declarative spec per command,
// from which the help text is generated too, plus what parseArgs lacks: one-line errors that name the closest valid
// option or command ("did you mean"), positional-count checks, and the shared exit-code rule (usage error = 2).
// Chosen over a CLI framework: parseArgs is in Node (no dependency, nothing to load on a cold start), and the three
// things a framework would add (help, suggestions, consistent errors) are the ~150 lines below.
import { parseArgs } from 'node:util';

/** A command line the user must fix: one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help explains it, e.g. "keys create" (the line ends with where to read it). */
    readonly command?: string,
    /** False when the message is about a file's contents, not the command line: no pointer to the help. */
    readonly pointToHelp = true,
  ) {
    super(message);
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's name in the help, e.g. "URL" (strings). */
  value?: string;
  description: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** "keys create" */
  name: string;
  summary: string;
  /** What follows the command name in the usage line, e.g. "<file.flero.json | workflow-id> [options]". */
  usage?: string;
  /** Paragraphs after the usage line. */
  description?: string;
  options: O;
  /** Positional arguments: how many (default none). */
  positionals?: { min?: number; max?: number; name: string };
  /** Extra sections (Environment, Examples) printed after the options. */
  sections?: { title: string; body: string }[];
}

export const EXIT_CODES = 'Exit codes: 0 success, 1 the operation failed or found problems, 2 usage error.';

const HELP_OPTION = { type: 'boolean', short: 'h', description: 'Show this help' } as const;

type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string;
};

export type Parsed<O extends Record<string, OptionSpec>> =
  | { help: true }
  | { help: false; values: Values<O>; positionals: string[] };

/** Levenshtein distance (small inputs: option and command names). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The candidate closest to `name` if it is close enough to be a typo (or `name` is its prefix). */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = c.startsWith(name) && name.length >= 2 ? 0.5 : distance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function didYouMean(name: string, candidates: readonly string[], quote = (s: string) => s): string {
  const c = closest(name, candidates);
  return c ? ` (did you mean ${quote(c)}?)` : '';
}

/** Parses `argv` for `spec`; throws UsageError (one line) for anything the spec does not allow. */
export function parseCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: string[]): Parsed<O> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: HELP_OPTION,
  };
  for (const [name, o] of Object.entries(spec.options))
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (err) {
    throw new UsageError(parseArgsMessage(err as Error & { code?: string }, Object.keys(options)), spec.name);
  }
  const { min = 0, max = 0, name } = spec.positionals ?? { name: '' };
  const pos = parsed.positionals;
  if (pos.length < min) throw new UsageError(`missing ${name}`, spec.name);
  if (pos.length > max) {
    const extra = pos[max]!;
    throw new UsageError(
      max === 0 ? `unexpected argument "${extra}"` : `unexpected argument "${extra}" (give ${name} only)`,
      spec.name,
    );
  }
  return { help: false, values: parsed.values as Values<O>, positionals: pos };
}

/** node:util parseArgs' error as our one line, with the closest option name for an unknown one. */
export function parseArgsMessage(err: Error & { code?: string }, names: string[]): string {
  const m = err.message;
  const opt = /'(-{1,2}[^' ]+)/.exec(m)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const bare = opt.replace(/^-+/, '').replace(/=.*$/, '');
      return `unknown option ${opt.replace(/=.*$/, '')}${didYouMean(bare, names, (s) => `--${s}`)}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing/.test(m)) return `${opt} needs a value`;
      if (/ambiguous/.test(m)) return `${opt} needs a value (for a value that starts with -, write ${opt}=VALUE)`;
      if (/does not take an argument/.test(m)) return `${opt} takes no value`;
      return m.split('. ')[0]!;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return m.split('. ')[0]!;
    default:
      return m.split('\n')[0]!;
  }
}

function wrap(text: string, indent: number, width = 100): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line && line.length + word.length + 1 > width - indent) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.join(`\n${' '.repeat(indent)}`);
}

/** The command's help, generated from its spec. */
export function helpText(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    o.description + (o.multiple ? ' (repeatable)' : ''),
  ]);
  rows.push(['-h, --help', HELP_OPTION.description]);
  const width = Math.min(30, Math.max(...rows.map(([l]) => l.length)));
  const lines = [`Usage: flero ${spec.name}${spec.usage ? ` ${spec.usage}` : ' [options]'}`, '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  lines.push('', 'Options:');
  for (const [left, right] of rows) {
    const pad = left.length > width ? `\n${' '.repeat(width + 4)}` : ' '.repeat(width - left.length + 2);
    lines.push(`  ${left}${pad}${wrap(right, width + 4)}`);
  }
  for (const s of spec.sections ?? []) lines.push('', `${s.title}:`, s.body);
  lines.push('', EXIT_CODES);
  return `${lines.join('\n')}\n`;
}

/** Writes the one-line usage error and returns 2. */
export function reportUsage(err: UsageError, fallbackCommand: string): number {
  const cmd = err.command ?? fallbackCommand;
  process.stderr.write(`flero ${cmd}: ${err.message}${err.pointToHelp ? ` (see \`flero ${cmd} --help\`)` : ''}\n`);
  return 2;
}
