// `flero lint [--format text|json|sarif|github] [--credentials FILE] [--max-warnings N] <files…>`: the language
// server's checks for CI. Exit 1 if any error (or more warnings than --max-warnings), 2 on usage errors or unreadable
// files. Human format: `file:line:col severity code message`. The formats and gates live in ./lint/.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { FLERO_VERSION } from '../core/version';
import { toLspDiagnostic } from '../lsp/service/convert';
import { computeDiagnostics } from '../lsp/service/diagnostics';
import { parseDocument } from '../lsp/service/document';
import type { Severity, ServiceContext } from '../lsp/service/types';
import { CredentialsFileError, readCredentialMetaFile } from './credentialsFile';
import {
  countWarnings,
  formatProblems,
  gateExitCode,
  isLintFormat,
  type LintFormat,
  parseMaxWarnings,
} from './lint/gates';

const USAGE = `Usage: flero lint [--format text|json|sarif|github] [--credentials FILE] [--max-warnings N] <files…>

Checks workflow files (*.flero.json) with the language server's checks.
  --format text        file:line:col severity code message (the default)
  --format json        print a JSON array of { file, code, severity, message, range } (LSP zero-based ranges)
  --format sarif       print a SARIF 2.1.0 log (for GitHub code scanning: upload it with
                       github/codeql-action/upload-sarif); paths relative to the working directory, no source text
  --format github      print GitHub Actions workflow commands (::error file=…,line=…::message), one per problem,
                       which annotate the pull request; info and hint become ::notice
  --credentials FILE   credential metadata, to also check unknown-credential and credential-host-mismatch: a JSON
                       array as GET /api/credentials returns it, or a flero run credentials file (FLERO_CREDENTIALS)
                       whose valueEnv references are ignored; a literal "value" is refused (no secrets in CI files).
                       Errors name the entry (counted from 0) and the field
  --max-warnings N     also exit 1 when there are more than N warnings (N: a non-negative integer; 0 = none allowed)
Exit status: 0 no errors (and at most N warnings), 1 at least one error or more than N warnings, 2 usage error or
unreadable file.
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
  let format: LintFormat = 'text';
  let maxWarnings: number | undefined;
  let credentialsFile: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (a === '--format' || a.startsWith('--format=')) {
      const f = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (argv[++i] ?? '');
      if (!isLintFormat(f)) return usage(`unknown format "${f}" (text, json, sarif or github)`);
      format = f;
    } else if (a === '--max-warnings' || a.startsWith('--max-warnings=')) {
      const n = parseMaxWarnings(a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
      if (typeof n !== 'number') {
        process.stderr.write(`flero lint: ${n.error} (see flero lint --help)\n`);
        return 2;
      }
      maxWarnings = n;
    } else if (a === '--credentials' || a.startsWith('--credentials=')) {
      credentialsFile = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!credentialsFile) return usage('--credentials needs a file');
    } else if (a.startsWith('-') && a !== '-') return usage(`unknown option "${a}"`);
    else files.push(a);
  }
  if (!files.length) return usage('no files given');

  const ctx: ServiceContext = {};
  if (credentialsFile) {
    try {
      ctx.credentials = await readCredentialMetaFile(credentialsFile, { allowValues: false });
    } catch (err) {
      if (!(err instanceof CredentialsFileError)) throw err;
      process.stderr.write(`flero lint: ${err.message}\n`);
      return 2;
    }
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
  const machine = formatProblems(format, problems, { toolVersion: FLERO_VERSION });
  if (machine !== undefined) process.stdout.write(machine);
  else if (format === 'json') process.stdout.write(`${JSON.stringify(problems, null, 2)}\n`);
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
  const warnings = countWarnings(problems);
  if (maxWarnings !== undefined && warnings > maxWarnings)
    process.stderr.write(`flero lint: ${warnings} warning(s), more than --max-warnings ${maxWarnings} allows\n`);
  if (unreadable) return 2; // a file named on the command line that cannot be read: a usage error, whatever else
  return gateExitCode(problems, maxWarnings);
}

function usage(message: string): number {
  process.stderr.write(`flero lint: ${message}\n\n${USAGE}`);
  return 2;
}
