// Every operation's request and response schemas, keyed by the route table's operationId (routes.ts): what the
// typed API client (server/src/apiClient) infers its types from and what the server's route modules validate with
// (test/unit/operations.test.ts checks that both use these very schemas). Types only reach the client: it never
// evaluates zod.
import { z } from 'zod';
import {
  ApiKeySchema,
  AuditEntrySchema,
  AuditQuerySchema,
  CreateApiKeySchema,
  CreateCredentialSchema,
  CreatedApiKeySchema,
  CredentialTestResultSchema,
  CredentialViewSchema,
  ExecutionListQuerySchema,
  ExecutionSchema,
  HealthSchema,
  LeakedKeysReceiptSchema,
  LeakedKeysReportSchema,
  RollApiKeySchema,
  RunBodySchema,
  ServiceSchema,
  UpdateCredentialSchema,
  WorkflowSummarySchema,
} from './apiSchemas';
import { OAuth2AuthorizeResultSchema, OAuth2CallbackQuerySchema } from './oauth2';
import type { OperationId } from './routes';
import { WorkflowSchema } from './workflow';

interface OperationSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  /** The success body (absent: 204 No Content, or not JSON). */
  response?: z.ZodType;
}

export const OPERATIONS = {
  health: { response: HealthSchema },
  apiDocs: {},
  openapi: { response: z.record(z.string(), z.unknown()) },
  listWorkflows: { response: z.array(WorkflowSummarySchema) },
  createWorkflow: { body: WorkflowSchema, response: WorkflowSchema },
  getWorkflow: { response: WorkflowSchema },
  putWorkflow: { body: WorkflowSchema, response: WorkflowSchema },
  deleteWorkflow: {},
  runWorkflow: { body: RunBodySchema, response: ExecutionSchema },
  listExecutions: { query: ExecutionListQuerySchema, response: z.array(ExecutionSchema) },
  getExecution: { response: ExecutionSchema },
  deleteExecution: {},
  cancelExecution: { response: ExecutionSchema },
  listCredentials: { response: z.array(CredentialViewSchema) },
  createCredential: { body: CreateCredentialSchema, response: CredentialViewSchema },
  getCredential: { response: CredentialViewSchema },
  updateCredential: { body: UpdateCredentialSchema, response: CredentialViewSchema },
  deleteCredential: {},
  rollbackCredential: { response: CredentialViewSchema },
  testCredential: { response: CredentialTestResultSchema },
  authorizeOAuth2Credential: { response: OAuth2AuthorizeResultSchema },
  oauth2Callback: { query: OAuth2CallbackQuerySchema },
  whoami: { response: ApiKeySchema },
  listServices: { response: z.array(ServiceSchema) },
  listApiKeys: { response: z.array(ApiKeySchema) },
  createApiKey: { body: CreateApiKeySchema, response: CreatedApiKeySchema },
  getApiKey: { response: ApiKeySchema },
  revokeApiKey: {},
  rollApiKey: { body: RollApiKeySchema, response: CreatedApiKeySchema },
  reportLeakedKeys: { body: LeakedKeysReportSchema, response: LeakedKeysReceiptSchema },
  listAudit: { query: AuditQuerySchema, response: z.array(AuditEntrySchema) },
} as const satisfies Record<OperationId, OperationSchemas>;

type Ops = typeof OPERATIONS;

/** What a caller sends as the JSON body (zod input: defaults may be left out). */
export type RequestBody<O extends OperationId> = Ops[O] extends { body: infer B extends z.ZodType }
  ? z.input<B>
  : never;
/** Query parameters as a caller writes them. */
export type RequestQuery<O extends OperationId> = Ops[O] extends { query: infer Q extends z.ZodType }
  ? Partial<z.input<Q>>
  : never;
/** The success body (undefined for 204). */
export type ResponseBody<O extends OperationId> = Ops[O] extends { response: infer R extends z.ZodType }
  ? z.output<R>
  : undefined;

export type ApiKey = z.output<typeof ApiKeySchema>;
export type CreatedApiKey = z.output<typeof CreatedApiKeySchema>;
export type CreateApiKeyBody = z.input<typeof CreateApiKeySchema>;
export type RollApiKeyBody = z.input<typeof RollApiKeySchema>;
export type CredentialView = z.output<typeof CredentialViewSchema>;
export type CreateCredentialBody = z.input<typeof CreateCredentialSchema>;
export type UpdateCredentialBody = z.input<typeof UpdateCredentialSchema>;
export type CredentialTestResult = z.output<typeof CredentialTestResultSchema>;
export type ExecutionView = z.output<typeof ExecutionSchema>;
export type WorkflowSummary = z.output<typeof WorkflowSummarySchema>;
export type AuditEntry = z.output<typeof AuditEntrySchema>;
export type Service = z.output<typeof ServiceSchema>;
export type Problem = z.output<typeof import('./apiSchemas').ProblemSchema>;
