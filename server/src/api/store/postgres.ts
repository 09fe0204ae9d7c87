// Shared store: a real PostgreSQL through `pg` (a small pool). Several servers may use one database.
import pg from 'pg';
import type { Db, Queryable, SqlValue } from './db';

export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 8, idleTimeoutMillis: 30_000 });
  // Fail fast with the driver's message (bad URL, refused connection, auth) instead of on the first request.
  const client = await pool.connect().catch(async (err: unknown) => {
    await pool.end().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL: ${err instanceof Error ? err.message : String(err)}`);
  });
  client.release();
  pool.on('error', () => {}); // idle-client errors surface on the next query instead of crashing the process
  return {
    kind: 'postgres',
    async query<T>(sql: string, params?: SqlValue[]) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn({
          async query<R>(sql: string, params?: SqlValue[]) {
            return (await c.query(sql, params)).rows as R[];
          },
        });
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Hides the password in a database URL for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the given database URL';
  }
}
