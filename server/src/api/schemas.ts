// Request and response schemas of the API's own areas. The router validates requests with these and the OpenAPI
// document is generated from them (z.toJSONSchema), so the two cannot drift.
import { z } from 'zod';
import { SCOPES } from '../core/scopes';
import { WORKFLOW_ID_PATTERN } from '../core/workflow';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Machine-readable error code, e.g. `validation_failed`, `insufficient_scope`'),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    scope: z.string().optional().describe('The scope a 403 `insufficient_scope` needed'),
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
  revokedAt: isoDate.nullable(),
});

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().describe('The key itself: returned only in this response, store it now'),
});

export const CreateApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1)
    .refine((s) => new Set(s).size === s.length, 'scopes must not repeat'),
  workflows: WorkflowAccessSchema.default('all'),
  expiresAt: z.iso
    .datetime({ offset: true, error: 'expiresAt: an ISO 8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z' })
    .refine((s) => Date.parse(s) > Date.now(), 'expiresAt must be in the future')
    .optional(),
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
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
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
  event: z.string().describe('key.created, key.used, key.revoked, auth.failed, workflow.*, credential.*'),
  keyId: z.string().nullable(),
  ip: z.string().nullable(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const limitParam = (max: number, dflt: number) =>
  z.coerce.number().int().min(1).max(max).default(dflt).describe(`How many (1–${max}, default ${dflt})`);
