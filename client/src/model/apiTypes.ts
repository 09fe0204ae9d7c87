// Shapes of the Flero HTTP API as the extension's views use them: core's response types (inferred from the schemas
// the server validates and documents with, server/src/core/operations.ts), type-only, so no zod reaches the bundle.
import type { ApiKey, CredentialTestResult, CredentialView, ExecutionView } from '../../../server/src/core/operations';

export type { WorkflowSummary } from '../../../server/src/core/operations';

/** An API key's metadata (GET /api/me, GET /api/api-keys): never the key itself. */
export type KeyInfo = ApiKey;

/** A credential stored on the server: metadata and `last4`, never the value. */
export type ServerCredential = CredentialView;

/** The verdict of a connection test (on the server or in the extension). */
export type TestResult = CredentialTestResult;

/** A finished (or still running) execution, from the server or from a local run in the language server. */
export type Execution = ExecutionView;
