// Offsets → LSP shapes (types only; no connection).
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import { type FleroDocument, rangeOf } from './document';
import type { FleroDiagnostic, Severity } from './types';

export const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(doc: FleroDocument, d: FleroDiagnostic): Diagnostic {
  const out: Diagnostic = {
    range: rangeOf(doc, d.start, d.end),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'flero',
    message: d.message,
  };
  if (d.related?.length)
    out.relatedInformation = d.related.map((r) => ({
      location: { uri: doc.uri, range: rangeOf(doc, r.start, r.end) },
      message: r.message,
    }));
  if (d.fix) out.data = d.fix;
  return out;
}
