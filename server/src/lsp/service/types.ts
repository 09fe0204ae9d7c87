// What the pure service layer works with: offsets in the file, not LSP positions (converted at the edge).
import type { CredentialMeta } from '../../core/credentials';

export const DIAGNOSTIC_CODES = [
  'schema',
  'duplicate-node-id',
  'unknown-node',
  'cycle',
  'unknown-credential',
  'credential-host-mismatch',
  'hardcoded-secret',
  'insecure-transport',
  'code-syntax',
  'log-leak',
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];
export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Span {
  start: number;
  end: number;
}

export interface Related extends Span {
  message: string;
}

/** Data a diagnostic carries for its quick fixes (never a secret value). */
export interface FixData {
  kind: 'move-secret' | 'redact-log' | 'pick-credential';
  nodeIndex?: number;
  /** move-secret: where the secret sits. */
  place?: { header?: string; query?: string; inUrl?: boolean; scheme?: string };
  /** redact-log: whether the argument is a header/property read (offer `Boolean(x)`). */
  presence?: boolean;
}

export interface FleroDiagnostic extends Span {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  related?: Related[];
  fix?: FixData;
}

/** What the client told the server (metadata only). `credentials` undefined = unknown, so no credential checks. */
export interface ServiceContext {
  credentials?: readonly CredentialMeta[];
  server?: {
    connected: boolean;
    url?: string;
    key?: { id: string; name: string; scopes: string[]; workflows: 'all' | string[]; expiresAt?: string | null };
  };
}
