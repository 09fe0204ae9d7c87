// One file's check, the same on the main thread and in a lint worker (./worker.ts): read it as UTF-8 once, run the
// language server's checks, LSP ranges. An unreadable file is reported by its error code, never thrown.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { toLspDiagnostic } from '../../lsp/service/convert';
import { computeDiagnostics } from '../../lsp/service/diagnostics';
import { type FleroDocument, parseDocument } from '../../lsp/service/document';
import type { FleroDiagnostic, Severity, ServiceContext } from '../../lsp/service/types';

export interface LintProblem {
  file: string;
  code: string;
  severity: Severity;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** A checked file's problems, or why it could not be read (an errno code such as ENOENT). */
export type FileResult = { problems: LintProblem[] } | { unreadable: string };

export function lintText(file: string, text: string, ctx: ServiceContext): LintProblem[] {
  return lintDocument(file, parseDocument(pathToFileURL(file).href, text), ctx);
}

export function lintDocument(file: string, doc: FleroDocument, ctx: ServiceContext): LintProblem[] {
  return toProblems(file, doc, computeDiagnostics(doc, ctx));
}

export function toProblems(file: string, doc: FleroDocument, diagnostics: FleroDiagnostic[]): LintProblem[] {
  return diagnostics.map((d) => ({
    file,
    code: d.code,
    severity: d.severity,
    message: d.message,
    range: toLspDiagnostic(doc, d).range,
  }));
}

/** The file's text (read once, as UTF-8), or the errno code of why it cannot be read. */
export async function readText(file: string): Promise<{ text: string } | { unreadable: string }> {
  try {
    return { text: await readFile(file, 'utf8') };
  } catch (err) {
    return { unreadable: (err as NodeJS.ErrnoException).code ?? 'error' };
  }
}

export async function checkFile(file: string, ctx: ServiceContext): Promise<FileResult> {
  const r = await readText(file);
  return 'text' in r ? { problems: lintText(file, r.text, ctx) } : r;
}
