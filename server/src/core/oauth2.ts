// OAuth2 credentials (v0.2): the configuration a credential of `authType: "oauth2"` carries, and the view of its
// token state. Never holds a token or a secret: the server keeps those sealed (api/oauth2.ts).
import { z } from 'zod';

export const OAUTH2_GRANT_TYPES = ['client_credentials', 'authorization_code'] as const;
export const OAUTH2_STATUSES = ['connected', 'needs_consent', 'refresh_failed'] as const;
export type OAuth2Status = (typeof OAUTH2_STATUSES)[number];

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

/** Why a token or authorization URL is refused (https, or plain http on loopback), or undefined. */
export function oauth2UrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (u.username || u.password) return 'must not carry a user name or password';
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && isLoopback(u.hostname)) return undefined;
  return 'must be https (plain http only on a loopback host)';
}

const oauth2Url = z
  .string()
  .max(2048)
  .superRefine((s, ctx) => {
    const why = oauth2UrlProblem(s);
    if (why) ctx.addIssue({ code: 'custom', message: `the URL ${why}` });
  });

export const OAuth2ConfigSchema = z.strictObject({
  grantType: z
    .enum(OAUTH2_GRANT_TYPES)
    .describe('`client_credentials` (machine to machine) or `authorization_code` (a person consents once)'),
  tokenUrl: oauth2Url.describe('The token endpoint (https; plain http only on loopback)'),
  authorizationUrl: oauth2Url.optional().describe('The authorization endpoint (authorization_code)'),
  clientId: z.string().min(1).max(512).describe('The OAuth2 client id (not a secret)'),
  scope: z.string().max(2048).optional().describe('Space-separated scopes to request'),
  audience: z.string().max(2048).optional().describe('Sent as `audience` in token requests'),
});

export type OAuth2Config = z.infer<typeof OAuth2ConfigSchema>;

export const OAuth2ViewSchema = z.object({
  grantType: z.enum(OAUTH2_GRANT_TYPES).describe('`client_credentials` or `authorization_code`'),
  tokenUrl: z.string().describe('The token endpoint'),
  authorizationUrl: z.string().optional().describe('The authorization endpoint (authorization_code)'),
  clientId: z.string().describe('The OAuth2 client id'),
  scope: z.string().optional().describe('The scopes requested'),
  audience: z.string().optional().describe('The `audience` sent'),
  status: z
    .enum(OAUTH2_STATUSES)
    .describe(
      '`connected`: tokens can be had; `needs_consent`: POST /api/credentials/{id}/oauth2/authorize and consent; `refresh_failed`: see `detail`, reconnect',
    ),
  detail: z.string().optional().describe('Why the last refresh failed (`refresh_failed`)'),
  expiresAt: z.string().optional().describe('When the cached access token expires (ISO 8601)'),
});

export type OAuth2View = z.infer<typeof OAuth2ViewSchema>;

/** What the provider sends to `/oauth2/callback` (RFC 6749 §4.1.2); the handler reads them itself. */
export const OAuth2CallbackQuerySchema = z.object({
  state: z.string().optional().describe('The one-time `state` Flero put in the authorization URL'),
  code: z.string().optional().describe('The authorization code to exchange for tokens'),
  error: z.string().optional().describe('The provider’s error instead of a code, e.g. `access_denied`'),
});

export const OAuth2AuthorizeResultSchema = z.object({
  authorizationUrl: z
    .string()
    .describe('Open this in a browser to consent; the provider redirects to /oauth2/callback'),
});
