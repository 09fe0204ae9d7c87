// The audit log. `audit()` is the one function every area records through (keys, workflows, runs, credentials,
// failed auth). Details are small JSON objects and never hold a secret.
import { AUDIT_EVENTS, type AuditEvent } from '../../core/apiSchemas';
import type { Queryable } from './db';
import { type AuditEntry, iso } from './records';

export { AUDIT_EVENTS, type AuditEvent };

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

/**
 * Whose audit log a caller may read (undefined = everything: a key with every scope, all workflows, no expiry).
 * `scopes` / `workflows` (undefined = all) / `expiresAt` (null = never) are the caller's own: its reach.
 */
export interface AuditViewer {
  scopes: readonly string[];
  workflows: readonly string[] | undefined;
  expiresAt: string | null;
}

/**
 * The visibility rule as SQL over `audit_log` (so that LIMIT and `before` page over visible entries only):
 *  - `key.*` events: only about a key within the viewer's reach (the keys it could have minted, itself included);
 *  - `workflow.*` events: only about a workflow the viewer may see, whoever caused them;
 *  - `execution.*` events: only about an execution of such a workflow (its row, or `detail.workflowId`);
 *  - everything else — credential events and key-less events such as `auth.failed` / `auth.blocked` (an address and
 *    a route, no key) — concerns the whole workspace: only viewers with `"all"` workflows see it. An allow-listed key
 *    is confined to its workflows and sees none of it.
 */
function visibility(v: AuditViewer, params: (string | number)[]): string {
  const p = (value: string | number) => {
    params.push(value);
    return `$${params.length}`;
  };
  const reach = [`k.scopes::jsonb <@ ${p(JSON.stringify(v.scopes))}::jsonb`];
  let workflowOk = 'true';
  let executionOk = 'true';
  if (v.workflows) {
    const list = p(JSON.stringify(v.workflows));
    reach.push(`jsonb_typeof(k.workflows::jsonb) = 'array' AND k.workflows::jsonb <@ ${list}::jsonb`);
    const allowed = `(SELECT jsonb_array_elements_text(${list}::jsonb))`;
    workflowOk = `target IN ${allowed}`;
    // By the execution's row, or by `detail.workflowId` (an execution.* entry outlives a deleted execution).
    executionOk = `(target IN (SELECT x.id FROM executions x WHERE x.workflow_id IN ${allowed}) OR (detail IS NOT NULL AND detail::jsonb->>'workflowId' IN ${allowed}))`;
  }
  if (v.expiresAt !== null) reach.push(`k.expires_at IS NOT NULL AND k.expires_at <= ${p(v.expiresAt)}::timestamptz`);
  return `CASE
      WHEN event LIKE 'key.%' THEN target IN (SELECT k.id FROM api_keys k WHERE ${reach.join(' AND ')})
      WHEN event LIKE 'workflow.%' THEN ${workflowOk}
      WHEN event LIKE 'execution.%' THEN ${executionOk}
      ELSE ${v.workflows ? 'false' : 'true'}
    END`;
}

/** Newest first; `before` = an entry id for paging; `since` = ISO date-time lower bound; `viewer` = whose view (undefined: every entry). */
export async function listAudit(
  db: Queryable,
  opts: { limit: number; before?: number; event?: string; since?: string; viewer?: AuditViewer },
): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (opts.viewer) where.push(`(${visibility(opts.viewer, params)})`);
  if (opts.before !== undefined) {
    params.push(opts.before);
    where.push(`seq < $${params.length}`);
  }
  if (opts.event) {
    params.push(opts.event);
    where.push(`event = $${params.length}`);
  }
  if (opts.since) {
    // A timestamptz bound; Date normalises any offset the caller wrote.
    params.push(new Date(opts.since).toISOString());
    where.push(`at >= $${params.length}`);
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
