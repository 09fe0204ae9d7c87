// "Test Connection" for a credential whose value is in hand (SecretStorage, or being added): the service's no-op call
// made from the extension host. Never logs or returns the value or the request URL (a query credential is in it).
import type { CredentialMeta } from '../../server/src/core/credentials';
import { findService } from '../../server/src/core/services';
import type { TestResult } from './model/apiTypes';
import { testRequest } from './model/credentialForm';

/** Makes the service's no-op call from the extension host with a value in hand. Never logs the value or URL. */
export async function testLocally(meta: CredentialMeta, value: string, testUrl?: string): Promise<TestResult> {
  const service = findService(meta.service);
  if (!service) return { ok: false, status: 0, detail: `unknown service "${meta.service}"` };
  const req = testRequest(meta, value, service, testUrl);
  if ('error' in req) return { ok: false, status: 0, detail: req.error };
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer().catch(() => undefined);
    return {
      ok: res.ok,
      status: res.status,
      detail: res.ok ? 'the service accepted the credential' : `the service answered HTTP ${res.status}`,
    };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    return { ok: false, status: 0, detail: `could not reach ${new URL(req.url).host} (${cause})` };
  }
}
