// Row ↔ record mapping for the API's tables. Timestamps leave as ISO strings; JSON columns are text.
import type { Scope } from '../../core/scopes';

export type WorkflowAccess = 'all' | string[];

export interface ApiKeyRecord {
  id: string;
  name: string;
  start: string;
  scopes: Scope[];
  workflows: WorkflowAccess;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  /** Where the last use came from (the client address) and its User-Agent (cleaned, ≤ 200 characters). */
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  revokedAt: string | null;
  createdBy: string | null;
  /** The key this one replaced by a roll, or null. */
  rolledFrom: string | null;
  /** The key that replaced this one by a roll, or null. */
  rolledTo: string | null;
}

export interface WorkflowRow {
  id: string;
  /** The document's JSON text exactly as stored. */
  document: string;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  event: string;
  keyId: string | null;
  ip: string | null;
  target: string | null;
  detail: Record<string, unknown> | null;
}

export function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const d = new Date(String(v));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
}

export interface ApiKeyRow {
  id: string;
  name: string;
  start: string;
  scopes: string;
  workflows: string;
  expires_at: unknown;
  created_at: unknown;
  last_used_at: unknown;
  last_used_ip?: string | null;
  last_used_user_agent?: string | null;
  revoked_at: unknown;
  created_by: string | null;
  rolled_from: string | null;
  rolled_to: string | null;
  key_hash?: string | null;
}

export function keyFromRow(r: ApiKeyRow): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    start: r.start,
    scopes: JSON.parse(r.scopes) as Scope[],
    workflows: JSON.parse(r.workflows) as WorkflowAccess,
    expiresAt: iso(r.expires_at),
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at),
    lastUsedIp: r.last_used_ip ?? null,
    lastUsedUserAgent: r.last_used_user_agent ?? null,
    revokedAt: iso(r.revoked_at),
    createdBy: r.created_by,
    rolledFrom: r.rolled_from ?? null,
    rolledTo: r.rolled_to ?? null,
  };
}

export const KEY_COLUMNS =
  'id, name, start, scopes, workflows, expires_at, created_at, last_used_at, last_used_ip, last_used_user_agent, revoked_at, created_by, rolled_from, rolled_to';
