// The audit log, newest first; `before` pages back by entry id.
import { z } from 'zod';
import { validate } from '../body';
import { type ApiModule, defineRoute } from '../context';
import { AuditEntrySchema, limitParam } from '../schemas';
import { listAudit } from '../store/audit';

const AuditQuery = z.object({
  limit: limitParam(1000, 100),
  before: z.coerce.number().int().min(1).optional().describe('Only entries with a smaller id (paging)'),
  event: z.string().max(64).optional().describe('Only this event, e.g. `key.revoked`'),
});

export const auditModule: ApiModule = {
  routes: {
    listAudit: defineRoute({
      query: AuditQuery,
      responses: { 200: { description: 'Audit entries, newest first', schema: z.array(AuditEntrySchema) } },
      async handler({ app, query }) {
        const q = validate(AuditQuery, Object.fromEntries(query), 'the query');
        await app.keys.flush(); // pending key.used entries first
        return { status: 200, body: await listAudit(app.db, q) };
      },
    }),
  },
};
