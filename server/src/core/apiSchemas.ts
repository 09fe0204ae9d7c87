// THE request and response schemas of the HTTP API, next to the route table (routes.ts). The router validates
// requests with these, the OpenAPI document is generated from them (z.toJSONSchema), and the typed API client's
// types are inferred from them (operations.ts), so server, document and clients cannot drift.
import { z } from 'zod';
import { CREDENTIAL_AUTH_TYPES } from './credentialSchemas';
import { DURATION_FORMAT, parseDuration } from './duration';
import { SCOPES } from './scopes';
import { WORKFLOW_ID_PATTERN } from './workflow';

export {
  CREDENTIAL_AUTH_TYPES,
  CreateCredentialSchema,
  CredentialTestResultSchema,
  CredentialValueSchema,
  CredentialViewSchema,
  MAX_CREDENTIAL_VALUE,
  UpdateCredentialSchema,
} from './credentialSchemas';

export const EXECUTION_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;

export const ProblemSchema = z
  .object({
    type: z.string().describe('A URI naming the problem: `https://flero.ai/problems/<code>`'),
    title: z.string().describe('A short, human-readable summary of the problem type'),
    status: z.number().int().describe('The HTTP status code, repeated'),
    detail: z.string().describe('What went wrong in this request (never repeats a key or a secret)'),
    code: z.string().describe('Machine-readable error code, e.g. `validation_failed`, `insufficient_scope`'),
    errors: z
      .array(
        z.object({
          field: z.string().describe('The field, as a dotted path, e.g. `nodes.1.url`'),
          message: z.string().describe('What is wrong with it'),
        }),
      )
      .optional()
      .describe('`validation_failed`: each invalid field'),
    scope: z.string().optional().describe('The scope a 403 `insufficient_scope` needed'),
    verdict: z
      .object({
        ok: z.boolean().describe('Always false here'),
        status: z.number().int().describe('The service’s HTTP status (0: no answer)'),
        detail: z.string().describe('What the service answered'),
      })
      .optional()
      .describe('409 `rotation_test_failed`: the service’s test call on the new value (status 0: no answer)'),
  })
  .describe('RFC 9457 problem details');

const workflowId = z.string().regex(WORKFLOW_ID_PATTERN, 'workflow ids: letters, digits, _ . - (max 64)');
export const WorkflowAccessSchema = z
  .union([z.literal('all'), z.array(workflowId).min(1).max(1000)])
  .describe('`"all"` or a non-empty allow-list of workflow ids');

const isoDate = z.string().describe('ISO 8601 date-time');
const scopeEnum = z.enum(SCOPES).describe('A scope');

export const ApiKeySchema = z.object({
  id: z
    .string()
    .describe('The key’s id, `key_` + 16 letters or digits (not a secret; the key itself is never shown again)'),
  name: z.string().describe('What the key is for'),
  start: z.string().describe('Prefix + first 4 random characters'),
  scopes: z.array(scopeEnum).describe('What the key may do'),
  workflows: WorkflowAccessSchema,
  expiresAt: isoDate.nullable().describe('When the key stops working, or null: never'),
  createdAt: isoDate.describe('When the key was created'),
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
  revokedAt: isoDate.nullable().describe('When the key was revoked, or null'),
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
    name: z.string().trim().min(1).max(200).describe('What the key is for, e.g. `ci-deploy`'),
    scopes: z
      .array(scopeEnum)
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'scopes must not repeat')
      .describe('What the key may do: scopes the calling key holds, each once'),
    workflows: WorkflowAccessSchema.default('all').describe(
      '`"all"` (default) or an allow-list of workflow ids: never more than the calling key’s own',
    ),
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
  id: z.string().describe('The workflow id'),
  name: z.string().describe('The workflow’s name'),
  description: z.string().optional().describe('The workflow’s description, if it has one'),
  nodeCount: z.number().int().describe('How many nodes it has'),
  createdAt: isoDate.describe('When it was created'),
  updatedAt: isoDate.describe('When it was last written'),
});

const LogLineSchema = z.object({
  level: z.string().describe('`log`, `info`, `warn`, `error` or `debug`'),
  message: z.string().describe('The line (credential values masked)'),
  at: isoDate.describe('When it was logged'),
});
export const ExecutionSchema = z.object({
  id: z.string().describe('The execution id, `exe_` + 32 hex digits'),
  workflowId: z.string().describe('The workflow that ran'),
  status: z.enum(EXECUTION_STATUSES).describe('`running`, then `succeeded`, `failed` or `cancelled`'),
  startedAt: isoDate.describe('When the run started'),
  finishedAt: isoDate.optional().describe('When it ended (absent while running)'),
  durationMs: z.number().optional().describe('How long it took, in milliseconds'),
  input: z.unknown().describe('The run input (`$input`)'),
  output: z.unknown().optional().describe('The last node’s output'),
  error: z.string().optional().describe('Why the run failed (credential values masked)'),
  nodes: z
    .array(
      z.object({
        id: z.string().describe('The node id'),
        type: z.string().describe('The node type, e.g. `http`, `code`, `slack.postMessage`'),
        status: z.string().describe('`pending`, `running`, `succeeded`, `failed`, `skipped` or `cancelled`'),
        startedAt: isoDate.optional().describe('When the node started'),
        finishedAt: isoDate.optional().describe('When it ended'),
        durationMs: z.number().optional().describe('How long it took, in milliseconds'),
        output: z.unknown().optional().describe('The node’s output (credential values masked)'),
        error: z.string().optional().describe('Why the node failed'),
        logs: z.array(LogLineSchema).describe('What a Code node logged (`console.*`)'),
      }),
    )
    .describe('Each node of the run, in the order they ran'),
});

export const RunBodySchema = z.strictObject({
  input: z.record(z.string(), z.unknown()).optional().describe('The run input (`$input`)'),
});

export const AuditEntrySchema = z.object({
  id: z.number().int().describe('The entry id, increasing (page with `before`)'),
  at: isoDate.describe('When it happened'),
  event: z
    .string()
    .describe('key.created, key.used, key.revoked, key.rolled, key.leaked, auth.failed, workflow.*, credential.*'),
  keyId: z.string().nullable().describe('The id of the key that acted, or null (e.g. a failed authentication)'),
  ip: z.string().nullable().describe('The client address, or null'),
  target: z.string().nullable().describe('What it acted on: a key, workflow, execution or credential id, or null'),
  detail: z.record(z.string(), z.unknown()).nullable().describe('More about the event (never a secret), or null'),
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

const placement = z
  .object({
    header: z
      .object({
        name: z.string().describe('The header name'),
        prefix: z.string().describe('Text before the value'),
      })
      .optional()
      .describe('In this header'),
    query: z
      .object({ param: z.string().describe('The query parameter name') })
      .optional()
      .describe('As this query parameter'),
  })
  .describe('Where an `apiKey` value goes unless the credential says otherwise');

export const ServiceSchema = z.object({
  id: z.string().describe('The service id credentials name, e.g. `github`'),
  name: z.string().describe('The service’s name'),
  authTypes: z.array(z.enum(CREDENTIAL_AUTH_TYPES)).describe('The auth types the service accepts'),
  defaultPlacement: placement,
  baseUrl: z.string().describe('The base URL of its API'),
  hosts: z.array(z.string()).describe('The hosts a credential of this service is sent to'),
  test: z
    .object({
      method: z.string().describe('The HTTP method'),
      path: z.string().describe('The path under `baseUrl`'),
    })
    .describe('The no-op call that tests a credential'),
  operations: z
    .array(
      z.object({
        id: z.string().describe('The connector node type, e.g. `slack.postMessage`'),
        summary: z.string().describe('What it does'),
        method: z.string().describe('The HTTP method it calls'),
        path: z.string().describe('The path it calls'),
        params: z
          .array(
            z.object({
              name: z.string().describe('The parameter name (in the node’s `params`)'),
              required: z.boolean().optional().describe('Whether it must be given'),
              description: z.string().describe('What it is'),
            }),
          )
          .describe('The node’s `params`'),
      }),
    )
    .describe('The connector operations (workflow node types `<service>.<operation>`)'),
  docs: z.string().optional().describe('Where the service documents its keys'),
});

export const HealthSchema = z.object({ status: z.literal('ok').describe('Always `ok`') });
