// API keys: list, read, mint (never beyond the caller's own rights), revoke; and `GET /api/me`.
import { z } from 'zod';
import { generateKey } from '../../core/keys';
import type { AuthKey } from '../keyDirectory';
import { type ApiModule, defineRoute } from '../context';
import { ApiError, notFound } from '../problem';
import { ApiKeySchema, CreatedApiKeySchema, CreateApiKeySchema } from '../schemas';
import { getKey, listKeys } from '../store/keys';
import type { ApiKeyRecord, WorkflowAccess } from '../store/records';

export const keyView = (r: ApiKeyRecord) => ({
  id: r.id,
  name: r.name,
  start: r.start,
  scopes: r.scopes,
  workflows: r.workflows,
  expiresAt: r.expiresAt,
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
  revokedAt: r.revokedAt,
});

/** Why minting `want` would escalate the caller's rights, or undefined. */
export function escalation(
  caller: AuthKey,
  want: { scopes: string[]; workflows: WorkflowAccess; expiresAt?: string | undefined },
): string | undefined {
  const extra = want.scopes.filter((s) => !caller.scopes.has(s as never));
  if (extra.length) return `the new key may not have scopes the caller lacks: ${extra.join(', ')}`;
  if (caller.workflows) {
    if (want.workflows === 'all')
      return 'the caller is limited to an allow-list, so the new key may not have "all" workflows';
    const outside = want.workflows.filter((w) => !caller.workflows!.has(w));
    if (outside.length)
      return `the new key may not have workflows outside the caller's allow-list: ${outside.join(', ')}`;
  }
  if (Number.isFinite(caller.expiresMs)) {
    if (!want.expiresAt)
      return `the caller expires at ${caller.record.expiresAt}, so the new key needs an expiresAt no later than that`;
    if (Date.parse(want.expiresAt) > caller.expiresMs)
      return `the new key may not expire after the caller does (${caller.record.expiresAt})`;
  }
  return undefined;
}

const KEY_ID = /^key_[0-9A-Za-z]{16}$/;

export const apiKeysModule: ApiModule = {
  routes: {
    whoami: defineRoute({
      responses: { 200: { description: 'The calling key', schema: ApiKeySchema } },
      handler: ({ app, key }) => ({
        status: 200,
        body: { ...keyView(key!.record), lastUsedAt: app.keys.lastUsedAt(key!.record) },
      }),
    }),
    listApiKeys: defineRoute({
      responses: {
        200: { description: 'All keys, revoked ones included (never their values)', schema: z.array(ApiKeySchema) },
      },
      async handler({ app }) {
        await app.keys.flush(); // lastUsedAt is batched: make the listing current
        return { status: 200, body: (await listKeys(app.db)).map(keyView) };
      },
    }),
    getApiKey: defineRoute({
      responses: { 200: { description: 'The key’s metadata', schema: ApiKeySchema } },
      async handler({ app, params }) {
        await app.keys.flush();
        const r = KEY_ID.test(params.id!) ? await getKey(app.db, params.id!) : undefined;
        if (!r) throw notFound(`API key "${params.id}"`);
        return { status: 200, body: keyView(r) };
      },
    }),
    createApiKey: defineRoute({
      body: CreateApiKeySchema,
      responses: {
        201: { description: 'The new key; `key` is shown only here', schema: CreatedApiKeySchema },
        403: { description: '`insufficient_scope`, or `privilege_escalation` (more than the caller holds)' },
      },
      async handler({ app, key, body, ip }) {
        const why = escalation(key!, body);
        if (why) throw new ApiError(403, 'privilege_escalation', why);
        const plaintext = generateKey(app.keyPrefix);
        const record = await app.keys.create(plaintext, {
          name: body.name,
          scopes: body.scopes,
          workflows: body.workflows,
          expiresAt: body.expiresAt ? new Date(body.expiresAt).toISOString() : null,
          createdBy: key!.record.id,
        });
        await app.audit({
          event: 'key.created',
          keyId: key!.record.id,
          ip,
          target: record.id,
          detail: { name: record.name, start: record.start, scopes: record.scopes, workflows: record.workflows },
        });
        return {
          status: 201,
          body: { ...keyView(record), key: plaintext },
          headers: { location: `/api/api-keys/${record.id}` },
        };
      },
    }),
    revokeApiKey: defineRoute({
      responses: { 204: { description: 'Revoked (the hash is removed; the row stays for audit)' } },
      async handler({ app, key, params, ip }) {
        const r = KEY_ID.test(params.id!) ? await app.keys.revoke(params.id!) : undefined;
        if (!r) throw notFound(`API key "${params.id}"`);
        await app.audit({ event: 'key.revoked', keyId: key!.record.id, ip, target: r.id, detail: { name: r.name } });
        return { status: 204 };
      },
    }),
  },
};
