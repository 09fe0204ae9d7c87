// The one database interface both stores implement: the same SQL runs on PGlite (embedded) and PostgreSQL (`pg`).
// Values cross it as text/numbers/booleans/null only (JSON is stored as text), so both drivers behave alike.

export type SqlValue = string | number | boolean | null;

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
}

export interface Db extends Queryable {
  /** 'embedded' = PGlite under a locked data dir (this process is the only writer); 'postgres' = shared. */
  readonly kind: 'embedded' | 'postgres';
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on throw). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
