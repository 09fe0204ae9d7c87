// `flero lint [--format text|json|sarif|github] [--credentials FILE] [--max-warnings N] <files…>`: the language
// server's checks for CI. Exit 1 if any error (or more warnings than --max-warnings), 2 on usage errors or unreadable
// files. Human format: `file:line:col severity code message`. The formats, gates and the worker pool live in ./lint/.
import { FLERO_VERSION } from '../core/version';
import type { ServiceContext } from '../lsp/service/types';
import { defineCommand } from './command';
import { expandFolders } from './files';
import { CredentialsFileError, readCredentialMetaFile } from './credentialsFile';
import type { LintProblem } from './lint/check';
import { countWarnings, formatProblems, gateExitCode, isLintFormat, parseMaxWarnings } from './lint/gates';
import { checkFiles } from './lint/pool';
import { UsageError } from './parser';

export { type LintProblem, lintText } from './lint/check';

export const command = defineCommand(
  {
    name: 'lint',
    usage: '<files or folders…> [options]',
    summary: 'Check workflow files (*.flero.json) with the language server’s checks (the editor’s), for CI gates.',
    options: {
      format: {
        type: 'string',
        value: 'FORMAT',
        description:
          'text (file:line:col severity code message; the default), json ([{file, code, severity, message, range}], LSP ranges), sarif (SARIF 2.1.0 for code scanning: paths relative to the working directory, no source text) or github (::error file=…,line=…::message annotations)',
      },
      credentials: {
        type: 'string',
        value: 'FILE',
        description:
          'Credential metadata, to also check unknown-credential and credential-host-mismatch: GET /api/credentials output, or a flero run credentials file (FLERO_CREDENTIALS; valueEnv ignored). A literal "value" is refused. Errors name the entry (from 0) and the field',
      },
      'max-warnings': {
        type: 'string',
        value: 'N',
        description: 'Also exit 1 when there are more than N warnings (0 = none allowed)',
      },
    },
    positionals: { max: Number.POSITIVE_INFINITY, name: 'the workflow files to check' },
    sections: [
      {
        title: 'Exit status',
        body: '  0 no errors (and at most N warnings), 1 at least one error or more than N warnings, 2 usage error or unreadable file',
      },
    ],
  },
  (args) => {
    const files = expandFolders(args.positionals);
    if (args.positionals.length && !files.length)
      throw new UsageError(`no *.flero.json files in ${args.positionals.join(', ')}`);
    return lint(args.values, files);
  },
);

export const run = (argv: string[]) => command.run(argv);

async function lint(
  values: { format?: string; credentials?: string; 'max-warnings'?: string },
  files: string[],
): Promise<number> {
  const format = values.format ?? 'text';
  if (!isLintFormat(format)) throw new UsageError(`unknown format "${format}" (text, json, sarif or github)`);
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    const n = parseMaxWarnings(values['max-warnings']);
    if (typeof n !== 'number') throw new UsageError(n.error);
    maxWarnings = n;
  }
  if (!files.length) throw new UsageError('no files given (name the *.flero.json files to check)');
  const credentialsFile = values.credentials;
  const ctx: ServiceContext = {};
  if (credentialsFile) {
    try {
      ctx.credentials = await readCredentialMetaFile(credentialsFile, { allowValues: false });
    } catch (err) {
      if (!(err instanceof CredentialsFileError)) throw err;
      throw new UsageError(err.message, undefined, false);
    }
  }
  // Many files are checked on a worker pool (lint/pool.ts); the results come back in the files' order.
  const results = await checkFiles(files, ctx);
  const problems: LintProblem[] = [];
  let unreadable = 0;
  results.forEach((r, i) => {
    if ('problems' in r) {
      for (const p of r.problems) problems.push(p);
      return;
    }
    unreadable++;
    process.stderr.write(`flero lint: cannot read ${files[i]}: ${r.unreadable}\n`);
  });
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
