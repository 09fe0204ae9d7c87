// The audit log, newest first; `before` pages back by entry id.
import { validate } from '../body';
import { type ApiModule, defineRoute } from '../context';
import { AuditQuerySchema as AuditQuery } from '../../core/apiSchemas';
import { SCOPES } from '../../core/scopes';
import type { AuthKey } from '../keyDirectory';
import { type AuditViewer, listAudit } from '../store/audit';
import { OPERATIONS } from '../../core/operations';
import * as EX from '../openapiExamples';

/** undefined when the key sees every entry (every scope, all workflows, no expiry): its reach is everything. */
function viewerOf(key: AuthKey): AuditViewer | undefined {
  if (!key.workflows && key.expiresMs === Number.POSITIVE_INFINITY && SCOPES.every((s) => key.scopes.has(s)))
    return undefined;
  return {
    scopes: key.record.scopes,
    workflows: key.record.workflows === 'all' ? undefined : key.record.workflows,
    expiresAt: key.record.expiresAt,
  };
}

export const auditModule: ApiModule = {
  routes: {
    listAudit: defineRoute({
      description:
        'The audit log, newest first, 100 entries unless `limit` says otherwise; page back with `before` (the smallest `id` of the page).',
      examples: { query: { limit: 50, event: 'key.created', since: '2026-11-01T00:00:00Z' }, response: EX.AUDIT },
      query: AuditQuery,
      responses: {
        200: {
          description:
            'Audit entries, newest first. A key that lacks a scope, is allow-listed or expires sees only events about the workflows it may see and about keys within its reach; credential and key-less events (e.g. `auth.failed`) only with `"all"` workflows',
          schema: OPERATIONS.listAudit.response,
        },
      },
      async handler({ app, key, query }) {
        const q = validate(AuditQuery, Object.fromEntries(query), 'the query');
        await app.keys.flush(); // pending key.used entries first
        return { status: 200, body: await listAudit(app.db, { ...q, viewer: viewerOf(key!) }) };
      },
    }),
  },
};
