// `code-syntax`, `log-leak`: a Code node's JavaScript, parsed by acorn and run through the log-leak analysis
// (../logLeak). The analysis works in code-string offsets; here they are mapped to the file.
import { child, type FleroDocument, stringOffset } from '../document';
import type { Node as JsonNode } from '../jsonc';
import { findLogLeaks, type LeakFinding, parseCode } from '../logLeak';
import type { FleroDiagnostic } from '../types';

/** Analysis of one code string (in code-string offsets), memoised by its text: an edit re-analyses only what changed. */
export interface CodeResult {
  error?: { pos: number; message: string };
  leaks: LeakFinding[];
}
const CODE_CACHE_MAX = 4096;
const codeCache = new Map<string, CodeResult>();

export function analyseCode(code: string): CodeResult {
  const hit = codeCache.get(code);
  if (hit) return hit;
  const { ast, error } = parseCode(code);
  const result: CodeResult = error ? { error, leaks: [] } : { leaks: findLogLeaks(ast!) };
  if (codeCache.size >= CODE_CACHE_MAX) codeCache.delete(codeCache.keys().next().value!);
  codeCache.set(code, result);
  return result;
}

/**
 * Stores a result computed elsewhere by `analyseCode` itself (`flero lint` analyses a large file's Code nodes on a
 * worker thread as well, cli/lint/codeOffload.ts): the checks then find it as if computed here.
 */
export function seedCodeCache(code: string, result: CodeResult): void {
  if (codeCache.has(code)) return;
  if (codeCache.size >= CODE_CACHE_MAX) codeCache.delete(codeCache.keys().next().value!);
  codeCache.set(code, result);
}

export function isCodeAnalysed(code: string): boolean {
  return codeCache.has(code);
}

/** For benchmarks of the cold path. */
export function clearCodeCache(): void {
  codeCache.clear();
}

export function codeDiagnostics(doc: FleroDocument, n: JsonNode, index: number): FleroDiagnostic[] {
  const codeNode = child(n, 'code');
  if (codeNode?.type !== 'string') return [];
  const code = codeNode.value as string;
  const { error, leaks } = analyseCode(code);
  if (error) {
    const start = stringOffset(doc, codeNode, error.pos);
    const end = stringOffset(doc, codeNode, Math.min(error.pos + 1, code.length));
    return [{ code: 'code-syntax', severity: 'error', message: error.message, start, end: Math.max(end, start) }];
  }
  return leaks.map((f) => ({
    code: 'log-leak' as const,
    severity: 'warning' as const,
    message: `${f.sink}() logs ${f.source.label}: a secret-bearing value must not reach the execution log`,
    start: stringOffset(doc, codeNode, f.start),
    end: stringOffset(doc, codeNode, f.end),
    related: [
      {
        start: stringOffset(doc, codeNode, f.source.start),
        end: stringOffset(doc, codeNode, f.source.end),
        message: `secret source: ${f.source.label}`,
      },
    ],
    fix: { kind: 'redact-log', nodeIndex: index, presence: f.presence },
  }));
}
