// Where a credential goes (header with prefix, bearer, query parameter) and where it may go (allowed hosts).
import { allowedHostsOf, hostAllowed } from '../core/credentials';
import { MIN_SECRET_LENGTH } from '../core/mask';
import { findService, type Placement } from '../core/services';
import type { CredentialForRun } from './types';

/** The placement of a credential: its own header/query, else bearer, else its service's default. */
export function placementOf(cred: CredentialForRun): Placement {
  if (cred.header) return { header: cred.header };
  if (cred.query) return { query: cred.query };
  if (cred.authType === 'bearer' || cred.authType === 'oauth2')
    return { header: { name: 'Authorization', prefix: 'Bearer ' } };
  if (cred.authType === 'basic') return { header: { name: 'Authorization', prefix: 'Basic ' } };
  return findService(cred.service)?.defaultPlacement ?? { header: { name: 'X-API-Key', prefix: '' } };
}

/** Prefixes a value is sent with (the masker also masks base64 of prefix+value). */
export function prefixesOf(cred: CredentialForRun): string[] {
  if (cred.authType === 'basic') return [];
  const p = placementOf(cred).header?.prefix;
  return p ? [p, p.trim()] : [];
}

/** `username:password`, the text a basic credential sends base64-encoded (RFC 7617). */
export function basicPairOf(cred: CredentialForRun): string {
  return `${cred.basic?.username ?? ''}:${cred.value}`;
}

/**
 * What the masker must mask for a credential: the value (with the prefixes it is sent with) and, for `basic`, the
 * whole `username:password` (whose base64 is what goes on the wire, with and without `Basic `).
 */
export function maskedSecretsOf(cred: CredentialForRun): { value: string; prefixes: string[] }[] {
  const out = [{ value: cred.value, prefixes: prefixesOf(cred) }];
  if (cred.authType === 'basic') out.push({ value: basicPairOf(cred), prefixes: [] });
  return out;
}

// hostAllowed depends only on the allowed list and the URL's host: its answers are remembered (bounded).
const allowedCache = new Map<string, boolean>();
function hostAllowedCached(allowed: readonly string[], url: URL): boolean {
  const key = JSON.stringify([url.protocol, url.host, ...allowed]);
  let ok = allowedCache.get(key);
  if (ok === undefined) {
    ok = hostAllowed(allowed, url.href);
    if (allowedCache.size >= 256) allowedCache.delete(allowedCache.keys().next().value as string);
    allowedCache.set(key, ok);
  }
  return ok;
}

export interface Injected {
  url: URL;
  headers: Record<string, string>;
}

/**
 * Puts the credential into the request, or explains (without the value) why it must not be sent.
 * The request is only sent when this returns `{ ok: true }`.
 */
export function injectCredential(
  cred: CredentialForRun,
  url: URL,
  headers: Record<string, string>,
  serviceBaseUrls?: Record<string, string>,
): { ok: true; request: Injected } | { ok: false; error: string } {
  if (cred.value.length < MIN_SECRET_LENGTH)
    return {
      ok: false,
      error: `credential "${cred.id}" has a value shorter than ${MIN_SECRET_LENGTH} characters; refusing to send it`,
    };
  if (cred.authType === 'oauth2' && !cred.accessToken)
    return {
      ok: false,
      error: `credential "${cred.id}" is an oauth2 credential: only the Flero server gets its access tokens (run it there); nothing was sent`,
    };
  const allowed = allowedHostsOf(cred, serviceBaseUrls);
  if (!allowed.length)
    return {
      ok: false,
      error: `credential "${cred.id}" has no allowed hosts (give it "hosts"); nothing was sent`,
    };
  if (!hostAllowedCached(allowed, url)) {
    // Entries with a scheme are about scheme and port too: then the refused target is named with its scheme.
    const target = allowed.some((h) => /^https?:\/\//i.test(h)) ? url.origin : url.host;
    return {
      ok: false,
      error: `credential "${cred.id}" may only be sent to ${allowed.join(', ')}, not to ${target}; nothing was sent`,
    };
  }
  const placement = placementOf(cred);
  const outHeaders = { ...headers };
  let out = url;
  if (placement.query) {
    out = new URL(url.href);
    out.searchParams.set(placement.query.param, cred.value);
  } else {
    const h = placement.header ?? { name: 'X-API-Key', prefix: '' };
    const name = h.name.toLowerCase();
    for (const k in outHeaders) if (k.toLowerCase() === name) delete outHeaders[k];
    outHeaders[h.name] =
      cred.authType === 'basic'
        ? `Basic ${Buffer.from(basicPairOf(cred), 'utf8').toString('base64')}`
        : `${h.prefix}${cred.value}`;
  }
  return { ok: true, request: { url: out, headers: outHeaders } };
}
