// `flero lint [--format json] [--credentials FILE] <files…>`: the language server's checks for CI. Exit 1 if any
// error, 2 on usage errors or unreadable files. Human format: `file:line:col severity code message`.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { CredentialMeta } from '../core/credentials';
import { CredentialMetaSchema } from '../core/credentials';
import { toLspDiagnostic } from '../lsp/service/convert';
import { computeDiagnostics } from '../lsp/service/diagnostics';
import { parseDocument } from '../lsp/service/document';
import type { Severity, ServiceContext } from '../lsp/service/types';

const USAGE = `Usage: flero lint [--format text|json] [--credentials FILE] <files…>

Checks workflow files (*.flero.json) with the language server's checks.
  --format json        print a JSON array of { file, code, severity, message, range } (LSP zero-based ranges)
  --credentials FILE   a JSON array of credential metadata (id, name, service, authType, header/query, hosts; no
                       values) to also check unknown-credential and credential-host-mismatch
Exit status: 0 no errors, 1 at least one error, 2 usage error or unreadable file.
`;

export interface LintProblem {
  file: string;
  code: string;
  severity: Severity;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export function lintText(file: string, text: string, ctx: ServiceContext): LintProblem[] {
  const doc = parseDocument(pathToFileURL(file).href, text);
  return computeDiagnostics(doc, ctx).map((d) => ({
    file,
    code: d.code,
    severity: d.severity,
    message: d.message,
    range: toLspDiagnostic(doc, d).range,
  }));
}

export async function run(argv: string[]): Promise<number> {
  let format = 'text';
  let credentialsFile: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (a === '--format' || a.startsWith('--format=')) {
      format = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (argv[++i] ?? '');
      if (format !== 'json' && format !== 'text') return usage(`unknown format "${format}" (text or json)`);
    } else if (a === '--credentials' || a.startsWith('--credentials=')) {
      credentialsFile = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!credentialsFile) return usage('--credentials needs a file');
    } else if (a.startsWith('-') && a !== '-') return usage(`unknown option "${a}"`);
    else files.push(a);
  }
  if (!files.length) return usage('no files given');

  const ctx: ServiceContext = {};
  if (credentialsFile) {
    const creds = await readCredentials(credentialsFile);
    if (typeof creds === 'string') {
      process.stderr.write(`flero lint: ${creds}\n`);
      return 2;
    }
    ctx.credentials = creds;
  }
  const problems: LintProblem[] = [];
  let unreadable = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      unreadable++;
      process.stderr.write(`flero lint: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}\n`);
      continue;
    }
    problems.push(...lintText(file, text, ctx));
  }
  if (format === 'json') process.stdout.write(`${JSON.stringify(problems, null, 2)}\n`);
  else {
    for (const p of problems)
      process.stdout.write(
        `${p.file}:${p.range.start.line + 1}:${p.range.start.character + 1} ${p.severity} ${p.code} ${p.message}\n`,
      );
    const errors = problems.filter((p) => p.severity === 'error').length;
    const checked = files.length - unreadable;
    const notRead = unreadable ? `; ${unreadable} file(s) could not be read, so they were not checked` : '';
    process.stderr.write(
      `${checked} file(s) checked: ${errors} error(s), ${problems.length - errors} other problem(s)${notRead}\n`,
    );
  }
  if (unreadable) return 2; // a file named on the command line that cannot be read: a usage error, whatever else
  return problems.some((p) => p.severity === 'error') ? 1 : 0;
}

function usage(message: string): number {
  process.stderr.write(`flero lint: ${message}\n\n${USAGE}`);
  return 2;
}

async function readCredentials(file: string): Promise<CredentialMeta[] | string> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    return `cannot read credentials file ${file}: ${err instanceof SyntaxError ? 'not JSON' : ((err as NodeJS.ErrnoException).code ?? 'error')}`;
  }
  const list = Array.isArray(raw) ? raw : (raw as { credentials?: unknown })?.credentials;
  if (!Array.isArray(list)) return `credentials file ${file} must hold a JSON array of credential metadata`;
  const out: CredentialMeta[] = [];
  for (const [i, c] of list.entries()) {
    if (c && typeof c === 'object' && 'value' in c)
      return `credentials file ${file}: entry ${i} has a "value" — give metadata only, never secrets`;
    const r = CredentialMetaSchema.safeParse(c);
    if (!r.success)
      return `credentials file ${file}: entry ${i} is not credential metadata (${r.error.issues[0]?.message})`;
    out.push(r.data);
  }
  return out;
}
