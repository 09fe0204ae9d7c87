// PostgreSQL advisory-lock ids, one table: every `pg_advisory_xact_lock` the server takes names its id here, so two
// uses can never pick the same number by accident. (PGlite accepts the same calls; one process holds it anyway.)
export const ADVISORY_LOCKS = {
  /** Schema migrations (and the creation of `flero_migrations`): servers starting together apply each once. */
  migrations: 4_711_001,
  /** The owner key on first start: servers starting together on an empty store create one owner key, not two. */
  ownerKey: 4_711_002,
  /**
   * One OAuth2 token refresh at a time per credential, across servers: `pg_advisory_xact_lock(oauth2Refresh,
   * hashtext(credential id))` (the two-key form: its own key space).
   */
  oauth2Refresh: 4_711_003,
} as const;
