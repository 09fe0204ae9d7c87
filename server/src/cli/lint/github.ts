// `flero lint --format github`: one GitHub Actions workflow command per problem, which the runner turns into an
// annotation on the file and line:
//
//   ::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::message
//
// error → ::error, warning → ::warning, info and hint → ::notice. Lines and columns are one-based; columns count
// UTF-16 code units as the language server does; endColumn is one past the last character as in SARIF. The file
// is relative to the working directory (the checkout) when it lies inside it. Properties and message are escaped
// as GitHub's toolkit does (actions/toolkit, packages/core/src/command.ts), so a comma, colon or newline in a path
// or message cannot end a property or the command early.
import { isAbsolute, relative, sep } from 'node:path';
import type { Severity } from '../../lsp/service/types';
import type { LintProblem } from '../lint';

export const GITHUB_COMMAND: Readonly<Record<Severity, 'error' | 'warning' | 'notice'>> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  hint: 'notice',
};

/** Escapes a workflow command's message (the part after `::`): % CR LF. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value: % CR LF and also : and , (which would end the value). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubCommand(p: LintProblem, cwd: string = process.cwd()): string {
  const props: [string, string | number][] = [
    ['file', displayPath(p.file, cwd)],
    ['line', p.range.start.line + 1],
    ['col', p.range.start.character + 1],
    ['endLine', p.range.end.line + 1],
    ['endColumn', p.range.end.character + 1],
    ['title', p.code],
  ];
  const list = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${GITHUB_COMMAND[p.severity]} ${list}::${escapeData(p.message)}`;
}

/** All problems as workflow commands, one per line (each line ends with \n). */
export function toGithubCommands(problems: readonly LintProblem[], cwd: string = process.cwd()): string {
  return problems.map((p) => `${githubCommand(p, cwd)}\n`).join('');
}

/** Forward-slash path relative to cwd when inside it, else the path as given. */
function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return file;
  return rel.split(sep).join('/');
}
