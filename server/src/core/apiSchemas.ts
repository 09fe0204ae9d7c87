// THE request and response schemas of the HTTP API, next to the route table (routes.ts). The router validates
// requests with these, the OpenAPI document is generated from them (z.toJSONSchema), and the typed API client's
// types are inferred from them (operations.ts), so server, document and clients cannot drift.
import { z } from 'zod';
import { CREDENTIAL_ID_PATTERN, HOST_PATTERN } from './credentials';
import { DURATION_FORMAT, parseDuration } from './duration';
import { MIN_SECRET_LENGTH } from './mask';
import { OAuth2ConfigSchema, OAuth2ViewSchema } from './oauth2';
import { SCOPES } from './scopes';
import { WORKFLOW_ID_PATTERN } from './workflow';

export const EXECUTION_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Machine-readable error code, e.g. `validation_failed`, `insufficient_scope`'),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    scope: z.string().optional().describe('The scope a 403 `insufficient_scope` needed'),
    verdict: z
      .object({ ok: z.boolean(), status: z.number().int(), detail: z.string() })
      .optional()
      .describe('409 `rotation_test_failed`: the service’s test call on the new value (status 0: no answer)'),
  })
  .describe('RFC 9457 problem details');

const workflowId = z.string().regex(WORKFLOW_ID_PATTERN, 'workflow ids: letters, digits, _ . - (max 64)');
export const WorkflowAccessSchema = z
  .union([z.literal('all'), z.array(workflowId).min(1).max(1000)])
  .describe('`"all"` or a non-empty allow-list of workflow ids');

const isoDate = z.string().describe('ISO 8601 date-time');

export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  start: z.string().describe('Prefix + first 4 random characters'),
  scopes: z.array(z.enum(SCOPES)),
  workflows: WorkflowAccessSchema,
  expiresAt: isoDate.nullable(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable().describe('Updated in batches (within a few seconds)'),
  lastUsedIp: z
    .string()
    .nullable()
    .describe('The client address of the last use (written with `lastUsedAt`, in the same batches), or null'),
  lastUsedUserAgent: z
    .string()
    .nullable()
    .describe(
      'The `User-Agent` of the last use, control characters removed, at most 200 characters (written with `lastUsedAt`), or null',
    ),
  revokedAt: isoDate.nullable(),
  rolledFrom: z
    .string()
    .nullable()
    .describe('The id of the key this one replaced (`POST /api/api-keys/{id}/roll`), or null'),
  rolledTo: z
    .string()
    .nullable()
    .describe('The id of the key that replaced this one (it was rolled; it expires at `expiresAt`), or null'),
});

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().describe('The key itself: returned only in this response, store it now'),
});

export const CreateApiKeySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    scopes: z
      .array(z.enum(SCOPES))
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'scopes must not repeat'),
    workflows: WorkflowAccessSchema.default('all'),
    expiresAt: z.iso
      .datetime({
        offset: true,
        error: 'expiresAt must be an ISO 8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z',
      })
      .refine((s) => Date.parse(s) > Date.now(), 'expiresAt must be in the future')
      .optional()
      .describe('When the key stops working (or give `expiresIn`; neither = no expiry)'),
    expiresIn: z
      .string()
      .refine((s) => parseDuration(s) !== undefined, `expiresIn must be a duration: ${DURATION_FORMAT}`)
      .optional()
      .describe('The key’s lifetime from now, `<n>s|m|h|d` (e.g. `30d`); instead of `expiresAt`'),
  })
  .superRefine((b, ctx) => {
    if (b.expiresAt !== undefined && b.expiresIn !== undefined)
      for (const field of ['expiresAt', 'expiresIn'])
        ctx.addIssue({ code: 'custom', path: [field], message: 'give expiresAt or expiresIn, not both' });
  });

/** The longest `overlap` of a roll: 7 days. */
export const MAX_ROLL_OVERLAP_MS = 7 * 86_400_000;
const ZERO_DURATION = /^0(s|m|h|d)$/;

/** An overlap in ms (`0s` … `7d`), or undefined when `text` is not a duration. */
export function overlapMs(text: string): number | undefined {
  return ZERO_DURATION.test(text) ? 0 : parseDuration(text);
}

export const LeakedKeysReportSchema = z
  .strictObject({
    keys: z
      .array(z.string().max(200, 'each key is at most 200 characters'))
      .max(100, 'at most 100 keys per report')
      .describe('The keys found (any text: only valid, live Flero keys of this server have an effect)'),
    source: z
      .string()
      .max(2000, 'source is at most 2,000 characters')
      .optional()
      .describe('Where the keys were found, e.g. the URL of a commit, a paste or a log'),
  })
  .describe('A report of leaked keys');

export const LeakedKeysReceiptSchema = z
  .strictObject({ received: z.number().int().describe('How many keys the report held (whatever they were)') })
  .describe('The same answer for any report: it says nothing about the keys');

export const RollApiKeySchema = z.strictObject({
  overlap: z
    .string()
    .refine(
      (s) => overlapMs(s) !== undefined,
      'overlap must be a duration: <n>s|m|h|d, e.g. 0s (the old key stops now), 15m, 24h, 7d',
    )
    .refine((s) => (overlapMs(s) ?? 0) <= MAX_ROLL_OVERLAP_MS, 'overlap may be at most 7d')
    .default('24h')
    .describe(
      'How long the old key keeps working, `<n>s|m|h|d` up to `7d` (default `24h`; `0s`: it stops now). Never extends the old key’s expiry',
    ),
});

export const WorkflowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  nodeCount: z.number().int(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const LogLineSchema = z.object({ level: z.string(), message: z.string(), at: isoDate });
export const ExecutionSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  status: z.enum(EXECUTION_STATUSES),
  startedAt: isoDate,
  finishedAt: isoDate.optional(),
  durationMs: z.number().optional(),
  input: z.unknown(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  nodes: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      status: z.string(),
      startedAt: isoDate.optional(),
      finishedAt: isoDate.optional(),
      durationMs: z.number().optional(),
      output: z.unknown().optional(),
      error: z.string().optional(),
      logs: z.array(LogLineSchema),
    }),
  ),
});

export const RunBodySchema = z.strictObject({
  input: z.record(z.string(), z.unknown()).optional().describe('The run input (`$input`)'),
});

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: isoDate,
  event: z
    .string()
    .describe('key.created, key.used, key.revoked, key.rolled, key.leaked, auth.failed, workflow.*, credential.*'),
  keyId: z.string().nullable(),
  ip: z.string().nullable(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const limitParam = (max: number, dflt: number) =>
  z.coerce.number().int().min(1).max(max).default(dflt).describe(`How many (1–${max}, default ${dflt})`);

/** Every event the audit log records: one list, so a new event is added here and `?event=` filters know it. */
export const AUDIT_EVENTS = [
  'key.created',
  'key.used',
  'key.revoked',
  'key.rolled',
  'key.leaked',
  'auth.failed',
  'auth.blocked',
  'auth.denied',
  'workflow.created',
  'workflow.updated',
  'workflow.deleted',
  'workflow.run',
  'execution.cancelled',
  'execution.deleted',
  'credential.created',
  'credential.rotated',
  'credential.rolled_back',
  'credential.updated',
  'credential.deleted',
  'credential.tested',
  'credential.connected',
] as const;

export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export const AuditQuerySchema = z.strictObject({
  limit: limitParam(1000, 100),
  before: z.coerce.number().int().min(1).optional().describe('Only entries with a smaller id (paging)'),
  event: z.enum(AUDIT_EVENTS).optional().describe('Only this event, e.g. `key.revoked`'),
  since: z.iso
    .datetime({
      offset: true,
      error: 'since must be an ISO 8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z',
    })
    .optional()
    .describe('Only entries at or after this time'),
});

export const ExecutionListQuerySchema = z.strictObject({
  limit: limitParam(500, 50),
  cursor: z
    .string()
    .max(200)
    .optional()
    .describe('Where the page starts: the `cursor` of the previous page’s `Link: rel="next"`'),
  workflowId: z.string().max(64).optional().describe('Only executions of this workflow'),
  status: z.enum(EXECUTION_STATUSES).optional().describe('Only executions in this state'),
});

// Credentials. Messages never repeat a value.
export const MAX_CREDENTIAL_VALUE = 8192;
const credentialHeader = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name is a token (letters, digits, - and a few symbols)'),
  prefix: z
    .string()
    .max(64)
    .regex(/^[\x20-\x7e]*$/, 'the prefix is printable ASCII'),
});
const credentialQuery = z.strictObject({
  param: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.~-]+$/, 'a query parameter name: letters, digits, _ . ~ -'),
});
const credentialHosts = z
  .array(z.string().regex(HOST_PATTERN, 'a host name, optionally with http:// or https://, :port or *.domain'))
  .min(1)
  .max(50);
export const CredentialValueSchema = z
  .string()
  .min(MIN_SECRET_LENGTH, `the value must be at least ${MIN_SECRET_LENGTH} characters`)
  .max(MAX_CREDENTIAL_VALUE, `the value must be at most ${MAX_CREDENTIAL_VALUE} characters`)
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'the value must not contain control characters or line breaks')
  .refine((v) => v.trim() === v, 'the value has leading or trailing whitespace');

const credentialBasic = z
  .strictObject({
    username: z
      .string()
      .max(200)
      .refine((u) => !/[\u0000-\u001f\u007f:]/.test(u), 'the username must not contain `:` or control characters')
      .describe('Sent as `username:<value>` (RFC 7617); not a secret'),
  })
  .describe(
    'authType `basic`: the username; the value is the password (`Authorization: Basic base64(username:password)`)',
  );

export const CREDENTIAL_AUTH_TYPES = ['apiKey', 'bearer', 'basic', 'oauth2'] as const;

export const CreateCredentialSchema = z.strictObject({
  id: z.string().regex(CREDENTIAL_ID_PATTERN, 'ids: letters, digits, _ . - (max 128)').optional(),
  name: z.string().trim().min(1).max(200),
  service: z.string().min(1).max(64),
  authType: z.enum(CREDENTIAL_AUTH_TYPES),
  value: CredentialValueSchema.optional().describe(
    'The secret (for `basic`: the password; for `oauth2`: the client secret, optional for a public client using PKCE)',
  ),
  header: credentialHeader.optional(),
  query: credentialQuery.optional(),
  hosts: credentialHosts.optional(),
  basic: credentialBasic.optional(),
  oauth2: OAuth2ConfigSchema.optional().describe('For `authType: "oauth2"`: how the server gets access tokens'),
});

export const UpdateCredentialSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  value: CredentialValueSchema.optional().describe('A new value: rotation (atomic; runs in flight keep the old value)'),
  header: credentialHeader.nullable().optional(),
  query: credentialQuery.nullable().optional(),
  hosts: credentialHosts.nullable().optional().describe('null = the service’s hosts'),
  oauth2: OAuth2ConfigSchema.optional().describe('oauth2 only: the whole new configuration (tokens are dropped)'),
  basic: credentialBasic.optional(),
  force: z
    .boolean()
    .optional()
    .describe(
      'With `value`: rotate even when the service’s test call does not accept the new value (else 409 `rotation_test_failed`, nothing changed). Never overrides `value_unchanged` / `value_reused`',
    ),
  service: z.unknown().optional(),
  authType: z.unknown().optional(),
  id: z.unknown().optional(),
});

export const CredentialViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  service: z.string(),
  authType: z.enum(CREDENTIAL_AUTH_TYPES),
  header: credentialHeader.optional(),
  query: credentialQuery.optional(),
  hosts: z.array(z.string()).optional(),
  basic: z.object({ username: z.string() }).optional().describe('authType `basic`: the username (not a secret)'),
  oauth2: OAuth2ViewSchema.optional().describe('oauth2 only: the configuration and the token state (never a token)'),
  last4: z.string().nullable().describe('Last 4 characters of values of 12+ characters; never the value'),
  version: z.number().int().describe('1 on create, +1 on each rotation'),
  createdAt: z.string(),
  updatedAt: z.string(),
  rotatedAt: z.string().nullable(),
  rollbackUntil: isoDate
    .nullable()
    .describe(
      'Until when `POST /api/credentials/{id}/rollback` can restore the value before the last rotation (24 h after it); null: nothing to roll back',
    ),
});

export const CredentialTestResultSchema = z.object({ ok: z.boolean(), status: z.number().int(), detail: z.string() });

const placement = z.object({
  header: z.object({ name: z.string(), prefix: z.string() }).optional(),
  query: z.object({ param: z.string() }).optional(),
});

export const ServiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  authTypes: z.array(z.enum(CREDENTIAL_AUTH_TYPES)),
  defaultPlacement: placement,
  baseUrl: z.string(),
  hosts: z.array(z.string()),
  test: z.object({ method: z.string(), path: z.string() }),
  operations: z.array(
    z.object({
      id: z.string(),
      summary: z.string(),
      method: z.string(),
      path: z.string(),
      params: z.array(z.object({ name: z.string(), required: z.boolean().optional(), description: z.string() })),
    }),
  ),
  docs: z.string().optional(),
});

export const HealthSchema = z.object({ status: z.literal('ok') });
