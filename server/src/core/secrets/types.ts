export type SecretSeverity = 'error' | 'warning' | 'hint';

export interface SecretFinding {
  /** Offsets into the scanned text: exactly the secret (e.g. the password of `user:password@`, the token after Bearer). */
  start: number;
  end: number;
  /** Rule id from the table, e.g. `github-pat`, `flero-api-key`, `generic-keyed-secret`. */
  ruleId: string;
  /** Service name, e.g. `GitHub`. */
  service: string;
  /** Words for a message: `a GitHub personal access token`. Never contains the value. */
  what: string;
  /** error/warning = a finding; hint = a placeholder or a token whose checksum does not match (not a finding). */
  severity: SecretSeverity;
  /** Why a hint is only a hint. */
  reason?: 'placeholder' | 'checksum';
}
