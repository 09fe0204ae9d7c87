// "Test connection": the service's no-op call with the credential injected, through the same code path as a run
// (host binding included). Never throws; the detail explains the outcome and never contains the value.
import { type CredentialMeta, hostAllowed, hostOf, uniqueHosts } from '../core/credentials';
import { Masker } from '../core/mask';
import { findService } from '../core/services';
import { baseUrlFor } from './connector';
import { send } from './http';
import { maskedSecretsOf } from './inject';

export interface TestResult {
  ok: boolean;
  /** The service's HTTP status, 0 when no response came (nothing sent, network error). */
  status: number;
  detail: string;
}

export const TEST_TIMEOUT_MS = 10_000;

function verdict(status: number, body: unknown): TestResult {
  // Slack and others answer 200 with `{ ok: false, error }` for a bad token.
  const b = body as { ok?: unknown; error?: unknown } | null;
  if (status >= 200 && status < 300 && b && typeof b === 'object' && b.ok === false) {
    const why = typeof b.error === 'string' ? ` (${b.error})` : '';
    return { ok: false, status, detail: `the service rejected the key${why}` };
  }
  if (status >= 200 && status < 300)
    return { ok: true, status, detail: `the service accepted the key (HTTP ${status})` };
  if (status === 401 || status === 403)
    return { ok: false, status, detail: `the service rejected the key (HTTP ${status})` };
  if (status === 404)
    return { ok: false, status, detail: 'the test endpoint was not found (HTTP 404): check the base URL / hosts' };
  if (status === 429)
    return { ok: false, status, detail: 'the service is rate-limiting requests (HTTP 429): try again later' };
  if (status >= 500) return { ok: false, status, detail: `the service had an error (HTTP ${status}): try again later` };
  return { ok: false, status, detail: `the service answered HTTP ${status}` };
}

/** `https://host` for a `hosts` entry (which may carry its own `http://` or `https://`); undefined for `*.domain`. */
function baseOfHost(entry: string): string | undefined {
  if (/^https?:\/\//i.test(entry)) return entry.replace(/\/+$/, '');
  if (entry.startsWith('*.')) return undefined;
  return `https://${entry}`;
}

/**
 * Where the test call goes, or why none is made. A `custom` credential is tested on its own first concrete host (its
 * scheme and port as given, default https), or on an override only when that is one of its own hosts. A catalog credential goes to the service's base
 * URL or the operator's override of it: with the service's default hosts it follows the override; with hosts of its
 * own, a target outside them is refused before anything is sent.
 */
function testBase(
  meta: CredentialMeta,
  service: { id: string; baseUrl: string },
  override: string | undefined,
): { base: string } | { refused: string } {
  const own = meta.hosts?.length ? meta.hosts : undefined;
  if (service.id === 'custom' || !service.baseUrl) {
    // An operator's override whose host is one of the credential's own hosts says how to reach it (e.g. plain http
    // on loopback for a `hosts` entry written without a scheme); one outside them is never followed.
    if (override && own && hostAllowed(own, override)) return { base: override };
    const base = own?.map(baseOfHost).find((b) => b !== undefined);
    if (!base)
      return { refused: 'a custom credential needs a concrete host in "hosts" to test against; nothing was sent' };
    return { base };
  }
  const base = override ?? service.baseUrl;
  if (!own || hostAllowed(own, base)) return { base };
  const why = override
    ? ` (the overridden base URL of ${service.id}; a credential with its own hosts does not follow it)`
    : '';
  return {
    refused: `credential "${meta.id}" may only be sent to ${uniqueHosts(own).join(', ')}, not to ${hostOf(base)?.host}${why}; nothing was sent`,
  };
}

/**
 * @param baseUrlOverride the service's base URL to use instead of the catalog's (tests: a local upstream); followed
 *   only by credentials on the service's default hosts (see `testBase`)
 */
export async function testCredential(
  meta: CredentialMeta,
  value: string,
  baseUrlOverride?: string,
): Promise<TestResult> {
  const masker = new Masker();
  const cred = { ...meta, value };
  for (const m of maskedSecretsOf(cred)) masker.add(m.value, m.prefixes);
  try {
    const service = findService(meta.service);
    if (!service) return { ok: false, status: 0, detail: `unknown service "${meta.service}"` };
    const target = testBase(meta, service, baseUrlOverride);
    if ('refused' in target) return { ok: false, status: 0, detail: target.refused };
    const overrides = baseUrlOverride ? { [meta.service]: baseUrlOverride } : undefined;
    const url = `${baseUrlFor(service.id, target.base)}${service.test.path}`;
    // `send` checks the host binding again (allowedHostsOf): nothing reaches a host outside it.
    const res = await send({
      method: service.test.method,
      url,
      credential: cred,
      timeoutMs: TEST_TIMEOUT_MS,
      serviceBaseUrls: overrides,
    });
    if (res.output) {
      const v = verdict(res.output.status, res.output.body);
      return { ...v, detail: masker.mask(v.detail) };
    }
    return { ok: false, status: 0, detail: masker.mask(res.ok ? 'no response' : res.error) };
  } catch (err) {
    return { ok: false, status: 0, detail: masker.mask(`the test failed: ${(err as Error).message}`) };
  }
}
