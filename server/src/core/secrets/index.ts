// Secret detection: one table of rules (./rules), placeholders (./placeholders), checksums (./checks), the generic
// keyed rule (./keyed). Used by the language server's `hardcoded-secret`, `flero scan` and the tests' corpus.
import { scanFormats } from './detect';
import type { SecretFinding } from './types';

export type { SecretFinding, SecretSeverity } from './types';
export { SECRET_RULES, RULES_BY_ID, type SecretRule } from './rules';
export { basicVerdict } from './checks';
export { keyedVerdict } from './keyed';
export { isPlaceholder } from './placeholders';

/** Every secret in arbitrary text (a .env, source, a log, a workflow file's raw text), hints included. By start. */
export function scanText(text: string): SecretFinding[] {
  if (text.length < 6) return [];
  return scanFormats(text);
}
