// The audit log. `audit()` is the one function every area records through (keys, workflows, runs, credentials,
// failed auth). Details are small JSON objects and never hold a secret.
import type { Queryable } from './db';
import { type AuditEntry, iso } from './records';

export type AuditEvent =
  | 'key.created'
  | 'key.used'
  | 'key.revoked'
  | 'auth.failed'
  | 'auth.blocked'
  | 'workflow.created'
  | 'workflow.updated'
  | 'workflow.deleted'
  | 'workflow.run'
  | 'credential.created'
  | 'credential.rotated'
  | 'credential.updated'
  | 'credential.deleted'
  | 'credential.tested'
  | (string & {});

export interface AuditInput {
  event: AuditEvent;
  keyId?: string | null;
  ip?: string | null;
  target?: string | null;
  detail?: Record<string, unknown> | null;
  at?: string;
}

export async function insertAudit(db: Queryable, e: AuditInput): Promise<void> {
  await db.query('INSERT INTO audit_log (at, event, key_id, ip, target, detail) VALUES ($1, $2, $3, $4, $5, $6)', [
    e.at ?? new Date().toISOString(),
    e.event,
    e.keyId ?? null,
    e.ip ?? null,
    e.target ?? null,
    e.detail ? JSON.stringify(e.detail) : null,
  ]);
}

interface Row {
  seq: string | number;
  at: unknown;
  event: string;
  key_id: string | null;
  ip: string | null;
  target: string | null;
  detail: string | null;
}

/** Newest first; `before` = an entry id for paging. */
export async function listAudit(
  db: Queryable,
  opts: { limit: number; before?: number; event?: string },
): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (opts.before !== undefined) {
    params.push(opts.before);
    where.push(`seq < $${params.length}`);
  }
  if (opts.event) {
    params.push(opts.event);
    where.push(`event = $${params.length}`);
  }
  params.push(opts.limit);
  const rows = await db.query<Row>(
    `SELECT seq, at, event, key_id, ip, target, detail FROM audit_log
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.seq),
    at: iso(r.at)!,
    event: r.event,
    keyId: r.key_id,
    ip: r.ip,
    target: r.target,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  }));
}
