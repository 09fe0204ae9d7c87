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
  grantType: z.enum(OAUTH2_GRANT_TYPES),
  tokenUrl: oauth2Url.describe('The token endpoint (https; plain http only on loopback)'),
  authorizationUrl: oauth2Url.optional().describe('The authorization endpoint (authorization_code)'),
  clientId: z.string().min(1).max(512),
  scope: z.string().max(2048).optional().describe('Space-separated scopes to request'),
  audience: z.string().max(2048).optional().describe('Sent as `audience` in token requests'),
});

export type OAuth2Config = z.infer<typeof OAuth2ConfigSchema>;

export const OAuth2ViewSchema = z.object({
  grantType: z.enum(OAUTH2_GRANT_TYPES),
  tokenUrl: z.string(),
  authorizationUrl: z.string().optional(),
  clientId: z.string(),
  scope: z.string().optional(),
  audience: z.string().optional(),
  status: z
    .enum(OAUTH2_STATUSES)
    .describe(
      '`connected`: tokens can be had; `needs_consent`: POST /api/credentials/{id}/oauth2/authorize and consent; `refresh_failed`: see `detail`, reconnect',
    ),
  detail: z.string().optional(),
  expiresAt: z.string().optional().describe('When the cached access token expires (ISO 8601)'),
});

export type OAuth2View = z.infer<typeof OAuth2ViewSchema>;

export const OAuth2AuthorizeResultSchema = z.object({
  authorizationUrl: z
    .string()
    .describe('Open this in a browser to consent; the provider redirects to /oauth2/callback'),
});
