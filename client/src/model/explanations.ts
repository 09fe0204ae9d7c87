// Plain-language explanations of the language server's diagnostic codes, for `flero.explain`. Pure: no vscode. The
// texts live in one table keyed by the diagnostic-code type, shared through the protocol file.
import { DIAGNOSTIC_EXPLANATIONS } from '../../../server/src/lsp/protocol';

export function explain(code: string | undefined): string {
  if (!code) return 'Flero diagnostics come from the Flero language server; each has a code such as `log-leak`.';
  return (DIAGNOSTIC_EXPLANATIONS as Record<string, string>)[code] ?? `No explanation is available for "${code}".`;
}
