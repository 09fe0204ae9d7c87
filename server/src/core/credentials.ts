// Credential metadata shared by the API, the engine, the language server and the extension. Never holds a value.
import { z } from 'zod';

import { CREDENTIAL_ID_PATTERN, HOST_PATTERN } from './credentialPatterns';
import { OAuth2ConfigSchema } from './oauth2';
import { findService } from './services';

export { CREDENTIAL_ID_PATTERN, HOST_PATTERN };

export const CredentialMetaSchema = z.strictObject({
  id: z.string().regex(CREDENTIAL_ID_PATTERN),
  name: z.string().min(1).max(200),
  service: z.string().min(1).max(64),
  authType: z.enum(['apiKey', 'bearer', 'basic', 'oauth2']),
  header: z.strictObject({ name: z.string().min(1).max(128), prefix: z.string().max(64) }).optional(),
  query: z.strictObject({ param: z.string().min(1).max(128) }).optional(),
  hosts: z.array(z.string().regex(HOST_PATTERN)).max(50).optional(),
  /** authType `basic`: the username (not secret); the value is the password. */
  basic: z.strictObject({ username: z.string().max(200) }).optional(),
  oauth2: OAuth2ConfigSchema.optional(),
});

/** What a client (extension, language server) knows of a credential: metadata, never the value. */
export type CredentialMeta = z.infer<typeof CredentialMetaSchema>;

/** Lower-cased host (with port if given) of a URL, or undefined if it does not parse. */
export function hostOf(url: string): { host: string; hostname: string; protocol: string } | undefined {
  try {
    const u = new URL(url);
    return { host: u.host.toLowerCase(), hostname: u.hostname.toLowerCase(), protocol: u.protocol };
  } catch {
    return undefined;
  }
}

/** `*.domain` admits strict sub-domains; anything else only itself. Both lower-cased. */
function hostMatches(pattern: string, target: string): boolean {
  if (pattern.startsWith('*.')) return target.endsWith(pattern.slice(1)) && target.length > pattern.length - 1;
  return target === pattern;
}

/**
 * Does `allowed` (a list of host patterns) admit the URL? `host` or `host:port`, `*.domain`, each optionally with its
 * scheme: `https://api.example.com` admits only https to that host on the default port, `http://127.0.0.1:8080` only
 * plain http to that host and port. A bare entry admits either scheme (and, without a port, any port).
 */
export function hostAllowed(allowed: readonly string[], url: string): boolean {
  const h = hostOf(url);
  if (!h) return false;
  return allowed.some((raw) => {
    let pattern = raw.toLowerCase();
    const scheme = /^(https?):\/\//.exec(pattern);
    if (scheme) {
      if (h.protocol !== `${scheme[1]}:`) return false;
      pattern = pattern.slice(scheme[0].length);
      // The URL's host carries its port only when it is not the scheme's default: so does the entry's.
      const defaultPort = scheme[1] === 'https' ? ':443' : ':80';
      if (pattern.endsWith(defaultPort)) pattern = pattern.slice(0, -defaultPort.length);
      return hostMatches(pattern, h.host);
    }
    return hostMatches(pattern, pattern.includes(':') && !pattern.startsWith('[') ? h.host : h.hostname);
  });
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

/**
 * Hosts a credential may be sent to — THE rule, used by the engine (before anything is sent) and the language server
 * (`credential-host-mismatch`): its own `hosts`, else its service's. A base-URL override (`serviceBaseUrls`, set by
 * whoever runs the engine — the operator's FLERO_SERVICE_BASE_URLS, tests pointing a service at a local upstream)
 * remaps the catalog service, so only a credential on the service's default hosts follows it: that URL's host is
 * allowed too. A credential with hosts of its own (every `custom` credential) never follows an override outside them.
 */
export function allowedHostsOf(
  cred: { service: string; hosts?: readonly string[] | undefined },
  serviceBaseUrls?: Readonly<Record<string, string>>,
): readonly string[] {
  if (cred.hosts?.length) return uniqueHosts(cred.hosts);
  const own = findService(cred.service)?.hosts ?? [];
  const override = serviceBaseUrls?.[cred.service];
  const extra = override ? hostOf(override)?.host : undefined;
  return extra ? uniqueHosts([...own, extra]) : own;
}

/** Each host once (compared case-insensitively), in the order given: for the lists messages show. */
export function uniqueHosts(hosts: readonly string[]): readonly string[] {
  const seen = new Set<string>();
  return hosts.filter((h) => {
    const k = h.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
