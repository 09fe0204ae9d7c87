// Custom LSP messages between the extension (client) and the language server. Both sides import this file; nothing
// else crosses between them. Each message is a typed `RequestType` / `NotificationType` (method name, params, result)
// with a comment saying which side sends it: the client's `sendRequest`/`sendNotification` and the server's
// `onRequest`/`onNotification` take these objects, never a method string or hand-written generic arguments.
// Secrets: credential values never travel in clear — see `RunWorkflowParams.sealedCredentials`.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { CredentialMeta } from '../core/credentials';
import type { Execution, ProgressEvent } from '../engine/types';

/**
 * server → client (static data, no message): the diagnostic codes (`Diagnostic.code`, source `flero`) and what each
 * means, for `flero.explain`. Keyed by the code type, so a new code cannot ship without its explanation.
 */
export { DIAGNOSTIC_EXPLANATIONS } from './service/explanations';
export { DIAGNOSTIC_CODES, type DiagnosticCode } from './service/types';

/** client → server (notification): the credentials the client knows, metadata only. Diagnostics refresh. */
export interface SetCredentialsParams {
  credentials: CredentialMeta[];
}
export const SetCredentialsNotification = new NotificationType<SetCredentialsParams>('flero/setCredentials');

/** client → server (notification): which Flero server the client is signed in to, and the key's rights (no key). */
export interface SetServerParams {
  connected: boolean;
  url?: string;
  key?: { id: string; name: string; scopes: string[]; workflows: 'all' | string[]; expiresAt?: string | null };
}
export const SetServerNotification = new NotificationType<SetServerParams>('flero/setServer');

/**
 * client → server (request): run a workflow document in the language server's process through the engine.
 * Credential values are sealed with AES-256-GCM under the per-process run key that the client put in the server's
 * environment (`FLERO_LSP_RUN_KEY`, base64) when it started it, so an LSP trace shows only ciphertext. The server
 * opens them for this run only and forgets them when it ends.
 */
export interface RunWorkflowParams {
  uri: string;
  runId: string;
  input?: unknown;
  /** base64(iv ‖ tag ‖ ciphertext) of JSON `{ [credentialId]: value }`. */
  sealedCredentials?: string;
}
export interface RunWorkflowResult {
  execution: Execution;
}
export const RunWorkflowRequest = new RequestType<RunWorkflowParams, RunWorkflowResult, void>('flero/runWorkflow');

/** server → client (notification): per-node progress of a run started with `flero/runWorkflow`. Masked. */
export interface RunProgressParams {
  runId: string;
  event: ProgressEvent;
}
export const RunProgressNotification = new NotificationType<RunProgressParams>('flero/runProgress');

/** Environment variable through which the client hands the server the run key (never via initializationOptions). */
export const RUN_KEY_ENV = 'FLERO_LSP_RUN_KEY';

/** Command ids the server's code lenses and code actions point at (implemented by the client). */
export const ClientCommands = {
  runWorkflow: 'flero.runWorkflow',
  runWorkflowWithInput: 'flero.runWorkflowWithInput',
  runWorkflowOnServer: 'flero.runWorkflowOnServer',
  explain: 'flero.explain',
  moveSecretToCredential: 'flero.moveSecretToCredential',
  editCodeNode: 'flero.editCodeNode',
} as const;

/** `initializationOptions` the client sends (metadata only, never a secret). */
export interface InitializationOptions {
  credentials?: CredentialMeta[];
  server?: SetServerParams;
}

/** Arguments of the server's code lenses `flero.runWorkflow`, `flero.runWorkflowWithInput`, `flero.runWorkflowOnServer`. */
export interface RunLensArgs {
  uri: string;
  workflowId?: string;
  serverUrl?: string;
}

/** Arguments of `flero.explain` from a code lens that cannot run (the scope pre-flight said why). */
export interface ExplainArgs {
  code?: string;
  message?: string;
}

/**
 * Arguments of `flero.moveSecretToCredential` (the "move hard-coded secret" quick fix). Its edit has already replaced
 * the literal with `"credential": "<id>"`; the client asks for the value in a password box. Never carries the value.
 */
export interface MoveSecretToCredentialArgs {
  uri: string;
  credential: CredentialMeta;
}
