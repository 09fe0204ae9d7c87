// The Flero HTTP API as the extension's commands and views use it: a thin layer over the typed API client
// (server/src/apiClient, driven by core's route table and schemas). Errors become ApiError with a sentence a person
// can act on (explainApiError), never containing the key.
import { FleroClient } from '../../server/src/apiClient/client';
import { explainApiError } from '../../server/src/apiClient/errors';
import { type ApiErrorKind, FleroApiError } from '../../server/src/apiClient/transport';
import type { CredentialMeta } from '../../server/src/core/credentials';
import type { ExecutionView, Problem, RequestBody } from '../../server/src/core/operations';
import type { KeyInfo, ServerCredential, TestResult, WorkflowSummary } from './model/apiTypes';
import type { CreateKeyBody } from './model/keyForm';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem?: Partial<Problem>,
    readonly kind: ApiErrorKind | 'client' = 'client',
  ) {
    super(message);
  }
}

/** What to do about a refused key, in the extension's words. */
const EXPLAIN = { onUnauthorized: 'Sign in again with "Flero: Sign In with API Key".', keyName: 'the signed-in key' };

/**
 * The FleroApiError as the extension's ApiError. `action` is the extension's phrase for what was being done ("list
 * API keys", "revoke the API key k_1"); the route table's summaries read as titles, not as the end of "Could not …".
 */
export function toApiError(err: unknown, action?: string): unknown {
  if (!(err instanceof FleroApiError)) return err;
  const e =
    action && action !== err.action
      ? new FleroApiError(
          err.message
            .replace(`Could not ${err.action}`, `Could not ${action}`)
            .replace(`Cancelled: ${err.action}`, `Cancelled: ${action}`),
          err.kind,
          action,
          err.status,
          err.problem,
          err.wwwAuthenticate,
        )
      : err;
  return new ApiError(explainApiError(e, EXPLAIN), e.status, e.problem, e.kind);
}

export class FleroApi {
  #client: FleroClient | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly key: string | undefined,
  ) {}

  /** The typed client (built on first use: a malformed URL is an ApiError of the call, not of the constructor). */
  get client(): FleroClient {
    try {
      this.#client ??= new FleroClient({ baseUrl: this.baseUrl, key: this.key });
    } catch (e) {
      throw new ApiError(`The Flero server URL "${this.baseUrl}" is not usable: ${(e as Error).message}`, 0);
    }
    return this.#client;
  }

  /** Runs `fn` against the typed client; its errors become ApiError sentences about `action`. */
  private async run<T>(action: string, fn: (c: FleroClient) => Promise<T>): Promise<T> {
    const client = this.client;
    try {
      return await fn(client);
    } catch (e) {
      throw toApiError(e, action);
    }
  }

  async health(): Promise<boolean> {
    try {
      await this.client.call('health', { timeoutMs: 3_000 });
      return true;
    } catch {
      return false;
    }
  }

  async me(): Promise<KeyInfo> {
    return this.run('check the API key', (c) => c.call('whoami'));
  }

  async listKeys(): Promise<KeyInfo[]> {
    return this.run('list API keys', (c) => c.call('listApiKeys'));
  }

  /** Returns the key's metadata and its plaintext (once). The caller must never log `plaintext`. */
  async createKey(req: CreateKeyBody): Promise<{ key: KeyInfo; plaintext: string }> {
    const { key: plaintext, ...key } = await this.run('generate the API key', (c) =>
      c.call('createApiKey', { body: req }),
    );
    return { key, plaintext };
  }

  async revokeKey(id: string): Promise<void> {
    await this.run(`revoke the API key ${id}`, (c) => c.call('revokeApiKey', { params: { id } }));
  }

  async listCredentials(): Promise<ServerCredential[]> {
    return this.run('list credentials', (c) => c.call('listCredentials'));
  }

  async createCredential(meta: CredentialMeta, value: string): Promise<void> {
    await this.run(`save the credential ${meta.id} on the server`, (c) =>
      c.call('createCredential', { body: { ...meta, value } }),
    );
  }

  /**
   * Creates an OAuth2 credential on the server (the only place it can live: the server gets and refreshes its tokens).
   * `clientSecret` undefined = a public authorization_code client. Returns the view (with `oauth2.status`).
   */
  async createOAuth2Credential(
    meta: CredentialMeta,
    oauth2: NonNullable<RequestBody<'createCredential'>['oauth2']>,
    clientSecret: string | undefined,
  ): Promise<ServerCredential> {
    const body: RequestBody<'createCredential'> = {
      ...meta,
      oauth2,
      ...(clientSecret === undefined ? {} : { value: clientSecret }),
    };
    return this.run(`save the OAuth2 credential ${meta.id} on the server`, (c) => c.call('createCredential', { body }));
  }

  /** Starts the consent of an authorization_code credential: the provider's URL to open (valid 10 minutes, once). */
  async authorizeOAuth2(id: string): Promise<string> {
    const r = await this.run(`start the OAuth2 consent of ${id}`, (c) =>
      c.call('authorizeOAuth2Credential', { params: { id } }),
    );
    return r.authorizationUrl;
  }

  /**
   * Rotates to `value`; the server tests it first (409 `rotation_test_failed`, `value_unchanged`, `value_reused`).
   * `force` overrides a failed test. Returns the credential's view (its new `version`, `rollbackUntil`).
   */
  async rotateCredential(id: string, value: string, force = false): Promise<ServerCredential> {
    const body = (force ? { value, force: true } : { value }) as RequestBody<'updateCredential'>;
    return this.run(`rotate the credential ${id}`, (c) => c.call('updateCredential', { params: { id }, body }));
  }

  /** Restores the value before the last rotation (within 24 h of it). */
  async rollbackCredential(id: string): Promise<ServerCredential> {
    return this.run(`undo the rotation of ${id}`, (c) => c.call('rollbackCredential', { params: { id } }));
  }

  /** Rolls key `id`: the new key's metadata and its plaintext (once; never log it). */
  async rollKey(id: string, overlap: string): Promise<{ key: KeyInfo; plaintext: string }> {
    const { key: plaintext, ...key } = await this.run(`roll the API key ${id}`, (c) =>
      c.call('rollApiKey', { params: { id }, body: { overlap } }),
    );
    return { key, plaintext };
  }

  async deleteCredential(id: string): Promise<void> {
    await this.run(`delete the credential ${id}`, (c) => c.call('deleteCredential', { params: { id } }));
  }

  async testCredential(id: string): Promise<TestResult> {
    return this.run(`test the credential ${id}`, (c) =>
      c.call('testCredential', { params: { id }, timeoutMs: 30_000 }),
    );
  }

  async listWorkflows(): Promise<WorkflowSummary[]> {
    return this.run('list workflows', (c) => c.call('listWorkflows'));
  }

  /** Uploads the editor's document as it is: the server validates it (a 400 names the fields). */
  async putWorkflow(id: string, document: unknown): Promise<void> {
    await this.run(`upload the workflow ${id}`, (c) =>
      c.call('putWorkflow', { params: { id }, body: document as RequestBody<'putWorkflow'> }),
    );
  }

  /** Runs on the server; follows a 202 `Location` until the execution has finished or `signal` aborts. */
  async runWorkflow(id: string, input: unknown, signal?: AbortSignal): Promise<ExecutionView> {
    return this.run(`run the workflow ${id} on the server`, (c) =>
      c.runAndWait(id, input as Record<string, unknown> | undefined, { signal, maxWaitMs: 15 * 60_000 }),
    );
  }
}
