// CI gates of `flero lint`: the output formats and `--max-warnings N` (exit 1 when more than N problems of severity
// warning, even without errors). Kept apart from lint.ts's argument loop so that any argument parser can use them.
import { DIAGNOSTIC_EXPLANATIONS } from '../../lsp/service/explanations';
import type { LintProblem } from '../lint';
import { toGithubCommands } from './github';
import { toSarif } from './sarif';

export const LINT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

export function isLintFormat(s: string): s is LintFormat {
  return (LINT_FORMATS as readonly string[]).includes(s);
}

/** `--max-warnings` value: a non-negative decimal integer, else a one-line error naming the option. */
export function parseMaxWarnings(raw: string | undefined): number | { error: string } {
  if (raw === undefined || raw === '') return { error: '--max-warnings needs a number (a non-negative integer)' };
  if (!/^\d{1,9}$/.test(raw))
    return { error: `--max-warnings: expected a non-negative integer, got ${JSON.stringify(raw.slice(0, 40))}` };
  return Number(raw);
}

export function countWarnings(problems: readonly LintProblem[]): number {
  return problems.filter((p) => p.severity === 'warning').length;
}

/** 1 if any error or more warnings than allowed, else 0 (unreadable files, exit 2, are the caller's). */
export function gateExitCode(problems: readonly LintProblem[], maxWarnings: number | undefined): 0 | 1 {
  if (problems.some((p) => p.severity === 'error')) return 1;
  if (maxWarnings !== undefined && countWarnings(problems) > maxWarnings) return 1;
  return 0;
}

/** stdout for the machine formats (sarif, github); undefined for text/json, which lint.ts writes itself. */
export function formatProblems(
  format: LintFormat,
  problems: readonly LintProblem[],
  opts: { toolVersion: string; cwd?: string },
): string | undefined {
  if (format === 'sarif')
    return `${JSON.stringify(toSarif(problems, { toolVersion: opts.toolVersion, rules: DIAGNOSTIC_EXPLANATIONS, cwd: opts.cwd }), null, 2)}\n`;
  if (format === 'github') return toGithubCommands(problems, opts.cwd);
  return undefined;
}
