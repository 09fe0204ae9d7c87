// The Flero HTTP API over global fetch. Paths come from the contract (core/routes.ts); errors become sentences a
// person can act on (ApiError.message), never containing the key.
import {
  createdKeyPlaintext,
  describeProblem,
  type KeyInfo,
  parseCredentials,
  parseKey,
  parseKeys,
  parseProblem,
  parseTestResult,
  parseWorkflows,
  type Problem,
  type ServerCredential,
  type TestResult,
  type WorkflowSummary,
} from './model/apiTypes';
import type { CreateKeyBody } from './model/keyForm';
import type { Execution } from '../../server/src/engine/types';
import type { CredentialMeta } from '../../server/src/core/credentials';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem?: Problem,
  ) {
    super(message);
  }
}

const enc = encodeURIComponent;

export class FleroApi {
  constructor(
    readonly baseUrl: string,
    private readonly key: string | undefined,
  ) {}

  private async call(
    action: string,
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = 15_000,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
    let res: Response;
    try {
      res = await fetch(new URL(path, `${this.baseUrl}/`), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
    } catch (e) {
      if (signal?.aborted) throw new ApiError(`Cancelled: ${action}`, 0);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).name;
      throw new ApiError(`Could not ${action}: the Flero server at ${this.baseUrl} did not answer (${why}).`, 0);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const problem = parseProblem(res.status, parsed);
      throw new ApiError(describeProblem(action, problem, res.headers.get('www-authenticate')), res.status, problem);
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async health(): Promise<boolean> {
    try {
      await this.call('check the server', 'GET', 'healthz', undefined, 3_000);
      return true;
    } catch {
      return false;
    }
  }

  async me(): Promise<KeyInfo> {
    const { body } = await this.call('check the API key', 'GET', 'api/me');
    const me = parseKey(body);
    if (!me) throw new ApiError('Could not check the API key: the server sent no key metadata', 0);
    return me;
  }

  async listKeys(): Promise<KeyInfo[]> {
    return parseKeys((await this.call('list API keys', 'GET', 'api/api-keys')).body);
  }

  /** Returns the key's metadata and its plaintext (once). The caller must never log `plaintext`. */
  async createKey(req: CreateKeyBody): Promise<{ key: KeyInfo | undefined; plaintext: string }> {
    const { body } = await this.call('generate the API key', 'POST', 'api/api-keys', req);
    const plaintext = createdKeyPlaintext(body);
    if (!plaintext) throw new ApiError('The server created the key but returned no key text', 0);
    return { key: parseKey(body), plaintext };
  }

  async revokeKey(id: string): Promise<void> {
    await this.call(`revoke the API key ${id}`, 'DELETE', `api/api-keys/${enc(id)}`);
  }

  async listCredentials(): Promise<ServerCredential[]> {
    return parseCredentials((await this.call('list credentials', 'GET', 'api/credentials')).body);
  }

  async createCredential(meta: CredentialMeta, value: string): Promise<void> {
    await this.call(`save the credential ${meta.id} on the server`, 'POST', 'api/credentials', { ...meta, value });
  }

  async rotateCredential(id: string, value: string): Promise<void> {
    await this.call(`rotate the credential ${id}`, 'PATCH', `api/credentials/${enc(id)}`, { value });
  }

  async deleteCredential(id: string): Promise<void> {
    await this.call(`delete the credential ${id}`, 'DELETE', `api/credentials/${enc(id)}`);
  }

  async testCredential(id: string): Promise<TestResult> {
    const { body } = await this.call(
      `test the credential ${id}`,
      'POST',
      `api/credentials/${enc(id)}/test`,
      {},
      30_000,
    );
    return parseTestResult(body);
  }

  async listWorkflows(): Promise<WorkflowSummary[]> {
    return parseWorkflows((await this.call('list workflows', 'GET', 'api/workflows')).body);
  }

  async putWorkflow(id: string, document: unknown): Promise<void> {
    await this.call(`upload the workflow ${id}`, 'PUT', `api/workflows/${enc(id)}`, document);
  }

  /** Runs on the server; follows a 202 `Location` until the execution has finished or `signal` aborts. */
  async runWorkflow(id: string, input: unknown, signal?: AbortSignal): Promise<Execution> {
    const action = `run the workflow ${id} on the server`;
    const res = await this.call(action, 'POST', `api/workflows/${enc(id)}/run`, { input }, 40_000, signal);
    let execution = unwrapExecution(res.body);
    const location = res.headers.get('location');
    for (let polls = 0; polls < 900 && (res.status === 202 || execution?.status === 'running'); polls++) {
      const path = location ?? (execution ? `api/executions/${enc(execution.id)}` : undefined);
      if (!path) break;
      await new Promise((r) => setTimeout(r, 1_000));
      const next = await this.call(action, 'GET', path.replace(/^\//, ''), undefined, 15_000, signal);
      execution = unwrapExecution(next.body);
      if (execution && execution.status !== 'running') break;
    }
    if (!execution) throw new ApiError(`Could not ${action}: the server sent no execution`, 0);
    return execution;
  }
}

function unwrapExecution(body: unknown): Execution | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const e = (typeof b.execution === 'object' && b.execution ? b.execution : b) as Record<string, unknown>;
  return typeof e.id === 'string' && typeof e.status === 'string' ? (e as unknown as Execution) : undefined;
}
