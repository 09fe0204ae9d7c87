// API keys: list, read, mint (never beyond the caller's own rights), revoke; and `GET /api/me`.
import { generateKey } from '../../core/keys';
import type { AuthKey } from '../keyDirectory';
import { type ApiModule, defineRoute } from '../context';
import { ApiError } from '../problem';
import {
  ApiKeySchema,
  CreatedApiKeySchema,
  CreateApiKeySchema,
  overlapMs,
  RollApiKeySchema,
} from '../../core/apiSchemas';
import { parseDuration } from '../../core/duration';

/** `90d`, `36h`, `15m`, `45s`: the largest unit that divides the duration. */
function describeDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}
import { getKey, listKeys } from '../store/keys';
import type { ApiKeyRecord, WorkflowAccess } from '../store/records';
import { OPERATIONS } from '../../core/operations';
import * as EX from '../openapiExamples';

export const keyView = (r: ApiKeyRecord) => ({
  id: r.id,
  name: r.name,
  start: r.start,
  scopes: r.scopes,
  workflows: r.workflows,
  expiresAt: r.expiresAt,
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
  lastUsedIp: r.lastUsedIp,
  lastUsedUserAgent: r.lastUsedUserAgent,
  revokedAt: r.revokedAt,
  rolledFrom: r.rolledFrom,
  rolledTo: r.rolledTo,
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
      // Not named: the ids are the client's text (and may name workflows this key may not know of).
      return `the new key may not have workflows outside the caller's allow-list (${outside.length} of those asked for are not on it)`;
  }
  if (Number.isFinite(caller.expiresMs)) {
    if (!want.expiresAt)
      return `the caller expires at ${caller.record.expiresAt}, so the new key needs an expiresAt no later than that`;
    if (Date.parse(want.expiresAt) > caller.expiresMs)
      return `the new key may not expire after the caller does (${caller.record.expiresAt})`;
  }
  return undefined;
}

/**
 * Is `target` within the caller's reach — a key the caller could have minted (the same rule as `escalation`)?
 * Scopes ⊆ the caller's, workflows ⊆ the caller's (`"all"` only if the caller has `"all"`), and an expiry no later
 * than the caller's (a key without expiry only within the reach of a key without one). A key is within its own reach.
 * Key management (read, revoke, roll) and the audit log are bounded by it.
 */
export function withinReach(caller: AuthKey, target: ApiKeyRecord): boolean {
  for (const s of target.scopes) if (!caller.scopes.has(s)) return false;
  if (caller.workflows) {
    if (target.workflows === 'all') return false;
    for (const w of target.workflows) if (!caller.workflows.has(w)) return false;
  }
  if (Number.isFinite(caller.expiresMs))
    return target.expiresAt !== null && Date.parse(target.expiresAt) <= caller.expiresMs;
  return true;
}

/** 403 for a key outside the caller's reach (its wider rights are why, not its existence). */
export const outsideReach = () =>
  new ApiError(
    403,
    'privilege_escalation',
    'that API key is outside this key’s reach (it has scopes, workflows or a lifetime beyond this key’s own)',
  );

const KEY_ID = /^key_[0-9A-Za-z]{16}$/;
const NO_SUCH_KEY = 'the API key does not exist';
const reachDoc = (scope: string) => ({
  description: `\`insufficient_scope\` (needs \`${scope}\`), or \`privilege_escalation\`: the key is outside the caller’s reach (scopes, workflows or expiry beyond the caller’s own)`,
});

export const apiKeysModule: ApiModule = {
  routes: {
    whoami: defineRoute({
      description:
        'The metadata of the key that calls: which scopes and workflows it has and when it expires. Any valid key may call it, so a client can check a key before using it.',
      examples: { response: EX.API_KEY },
      responses: { 200: { description: 'The calling key', schema: ApiKeySchema } },
      handler: ({ app, key }) => ({
        status: 200,
        body: { ...keyView(key!.record), ...app.keys.lastUse(key!.record) },
      }),
    }),
    listApiKeys: defineRoute({
      description:
        'Every key the calling key could have minted (itself included), revoked and rolled ones too, with their last use. Values are never shown: `start` identifies a key.',
      examples: { response: [EX.API_KEY] },
      responses: {
        200: {
          description:
            'The keys within the caller’s reach (the keys it could have minted, itself included), revoked ones included (never their values)',
          schema: OPERATIONS.listApiKeys.response,
        },
      },
      async handler({ app, key }) {
        await app.keys.flush(); // lastUsedAt is batched: make the listing current
        const within = (await listKeys(app.db)).filter((r) => withinReach(key!, r));
        return { status: 200, body: within.map(keyView) };
      },
    }),
    getApiKey: defineRoute({
      description: 'One key’s metadata, if it is within the caller’s reach.',
      examples: { id: EX.API_KEY.id, response: EX.API_KEY },
      responses: { 200: { description: 'The key’s metadata', schema: ApiKeySchema }, 403: reachDoc('api-keys:read') },
      async handler({ app, key, params }) {
        await app.keys.flush();
        const r = KEY_ID.test(params.id!) ? await getKey(app.db, params.id!) : undefined;
        if (!r) throw new ApiError(404, 'not_found', NO_SUCH_KEY);
        if (!withinReach(key!, r)) throw outsideReach();
        return { status: 200, body: keyView(r) };
      },
    }),
    createApiKey: defineRoute({
      description:
        'Mints a key with the given scopes, workflows and expiry — never more than the calling key holds. The plaintext `key` is in this response only: store it now (the server keeps a hash).',
      examples: { request: EX.CREATE_API_KEY, response: EX.CREATED_API_KEY },
      body: CreateApiKeySchema,
      responses: {
        201: { description: 'The new key; `key` is shown only here', schema: CreatedApiKeySchema },
        400: {
          description:
            '`validation_failed`, e.g. `expiresAt` and `expiresIn` both given, or `expiresIn` not `<n>s|m|h|d`; `key_lifetime_exceeded`: beyond the server’s `--max-key-lifetime` (the detail names it; without an expiry the key gets now + the maximum)',
        },
        403: { description: '`insufficient_scope`, or `privilege_escalation` (more than the caller holds)' },
      },
      async handler({ app, key, body, ip }) {
        const now = Date.now();
        let expiresAt =
          body.expiresIn !== undefined
            ? new Date(now + parseDuration(body.expiresIn)!).toISOString()
            : body.expiresAt
              ? new Date(body.expiresAt).toISOString()
              : undefined;
        const max = app.maxKeyLifetimeMs;
        if (max !== undefined) {
          // Under the policy a key without expiry gets now + max (never an escalation: it is shorter than none).
          if (expiresAt === undefined) expiresAt = new Date(now + max).toISOString();
          else if (Date.parse(expiresAt) > now + max + 1_000)
            throw new ApiError(
              400,
              'key_lifetime_exceeded',
              `the key would live longer than this server allows: at most ${describeDuration(max)} (--max-key-lifetime), i.e. expiresAt no later than ${new Date(now + max).toISOString()}`,
            );
        }
        const why = escalation(key!, { ...body, expiresAt });
        if (why) throw new ApiError(403, 'privilege_escalation', why);
        const plaintext = generateKey(app.keyPrefix);
        const record = await app.keys.create(plaintext, {
          name: body.name,
          scopes: body.scopes,
          workflows: body.workflows,
          expiresAt: expiresAt ?? null,
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
    rollApiKey: defineRoute({
      description:
        'Replaces a key by a new one with the same rights; the old key keeps working for `overlap` (default 24 h) so clients can switch. The new plaintext `key` is in this response only.',
      examples: { id: EX.API_KEY.id, request: { overlap: '24h' }, response: EX.ROLLED_API_KEY },
      body: RollApiKeySchema,
      bodyOptional: true,
      responses: {
        201: {
          description:
            'The new key (`key` is shown only here): same name, scopes and workflows; if the old key expires, the new one has the same lifetime length counted from now (never beyond the caller’s own expiry). The old key now expires at now + `overlap` (never later than it did) and names the new one in `rolledTo`',
          schema: CreatedApiKeySchema,
        },
        403: reachDoc('api-keys:write'),
        409: {
          description:
            '`already_rolled`: the key was rolled before (the detail names the key that replaced it; roll that one); `key_not_active`: the key is revoked or expired',
        },
      },
      async handler({ app, key, params, body, ip }) {
        if (!KEY_ID.test(params.id!)) throw new ApiError(404, 'not_found', NO_SUCH_KEY);
        const overlap = body?.overlap ?? '24h';
        const plaintext = generateKey(app.keyPrefix);
        const now = Date.now();
        const r = await app.keys.roll(params.id!, plaintext, {
          now,
          overlapMs: overlapMs(overlap)!,
          createdBy: key!.record.id,
          // Never beyond the caller's own expiry, nor the server's --max-key-lifetime from now.
          capMs: Math.min(key!.expiresMs, app.maxKeyLifetimeMs !== undefined ? now + app.maxKeyLifetimeMs : Infinity),
          check: (old) => (withinReach(key!, old) ? undefined : 'outside'),
        });
        if ('refused' in r) {
          switch (r.refused) {
            case 'not_found':
              throw new ApiError(404, 'not_found', NO_SUCH_KEY);
            case 'check':
              throw outsideReach();
            case 'already_rolled':
              throw new ApiError(
                409,
                'already_rolled',
                `the API key was already rolled: it was replaced by ${r.rolledTo} (roll that key instead)`,
              );
            case 'revoked':
              throw new ApiError(
                409,
                'key_not_active',
                `the API key was revoked at ${r.record.revokedAt}: a revoked key cannot be rolled (create a new key)`,
              );
            case 'expired':
              throw new ApiError(
                409,
                'key_not_active',
                `the API key expired at ${r.record.expiresAt}: an expired key cannot be rolled (create a new key)`,
              );
          }
        }
        await app.audit({
          event: 'key.rolled',
          keyId: key!.record.id,
          ip,
          target: r.old.id,
          detail: { rolledTo: r.record.id, overlap, name: r.record.name, start: r.record.start },
        });
        return {
          status: 201,
          body: { ...keyView(r.record), key: plaintext },
          headers: { location: `/api/api-keys/${r.record.id}` },
        };
      },
    }),
    revokeApiKey: defineRoute({
      description:
        'Revokes a key at once: its next request answers 401 `invalid_token`. The row stays for the audit log.',
      examples: { id: EX.API_KEY.id },
      responses: {
        204: { description: 'Revoked (the hash is removed; the row stays for audit)' },
        403: reachDoc('api-keys:write'),
      },
      async handler({ app, key, params, ip }) {
        const found = KEY_ID.test(params.id!) ? await getKey(app.db, params.id!) : undefined;
        if (!found) throw new ApiError(404, 'not_found', NO_SUCH_KEY);
        // Scopes, workflows and expiry of a key never widen, so the check holds for the revoke that follows.
        if (!withinReach(key!, found)) throw outsideReach();
        const r = await app.keys.revoke(found.id);
        if (!r) throw new ApiError(404, 'not_found', NO_SUCH_KEY);
        await app.audit({ event: 'key.revoked', keyId: key!.record.id, ip, target: r.id, detail: { name: r.name } });
        return { status: 204 };
      },
    }),
  },
};
