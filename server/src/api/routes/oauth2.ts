// OAuth2 consent of `authorization_code` credentials: `POST /api/credentials/{id}/oauth2/authorize` answers the URL
// to open (PKCE S256 + state, 10 minutes, one use); the provider redirects the browser to `GET /oauth2/callback`,
// which exchanges the code and answers a small HTML page. Pages never echo the code, the state or a token.
import { z } from 'zod';
import { OPERATIONS } from '../../core/operations';
import { type ApiModule, defineRoute, type Reply } from '../context';
import { completeConsent, OAuth2Error, startConsent } from '../oauth2';
import { ApiError, notFound } from '../problem';
import { getCredential } from '../store/credentials';
import * as EX from '../openapiExamples';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(status: number, title: string, message: string): Reply {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width"><style>body{font:16px system-ui,sans-serif;margin:15vh auto;max-width:36em;padding:0 1em}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return {
    status,
    raw: html,
    contentType: 'text/html; charset=utf-8',
    headers: {
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
  };
}

export const oauth2Module: ApiModule = {
  routes: {
    authorizeOAuth2Credential: defineRoute({
      description:
        'Starts the consent of an oauth2 `authorization_code` credential: answers the provider’s authorization URL (with PKCE and a one-time `state`). Open it in a browser; the provider redirects to `/oauth2/callback`, which stores the tokens sealed.',
      examples: { id: 'acme-oauth', response: EX.AUTHORIZE_RESULT },
      responses: {
        200: {
          description: 'The provider’s authorization URL to open in a browser (valid 10 minutes, one use)',
          schema: OPERATIONS.authorizeOAuth2Credential.response,
        },
        409: { description: '`not_authorization_code`: the credential is not an oauth2 authorization_code one' },
      },
      async handler({ app, key, params, ip }) {
        const rec = await getCredential(app.db, params.id!);
        if (!rec) throw notFound('the credential');
        if (rec.authType !== 'oauth2')
          throw new ApiError(
            409,
            'not_authorization_code',
            'only an oauth2 authorization_code credential needs consent',
          );
        let authorizationUrl: string;
        try {
          authorizationUrl = await startConsent(app, rec.id);
        } catch (e) {
          if (e instanceof OAuth2Error) throw new ApiError(409, 'not_authorization_code', e.message);
          throw e;
        }
        await app.audit({
          event: 'credential.updated',
          keyId: key!.record.id,
          ip,
          target: rec.id,
          detail: { oauth2: 'consent started' },
        });
        return { status: 200, body: { authorizationUrl } };
      },
    }),
    oauth2Callback: defineRoute({
      description:
        'Where the OAuth2 provider sends the browser after consent: exchanges the code for tokens (sealed on the server) and answers a small HTML page. Not called by clients.',
      examples: { query: { state: 'Yc2…', code: 'SplxlOBeZQQYbYS6WxSbIA' }, response: EX.CONNECTED_PAGE },
      query: OPERATIONS.oauth2Callback.query,
      responses: {
        200: { description: 'Connected: a small HTML page', schema: z.string(), contentType: 'text/html' },
        400: { description: 'Unknown, used or expired state; consent denied (HTML page)', contentType: 'text/html' },
        404: { description: 'The credential no longer exists (HTML page)', contentType: 'text/html' },
        502: { description: 'The code exchange failed (HTML page)', contentType: 'text/html' },
      },
      async handler({ app, query, ip }) {
        const out = await completeConsent(app, query);
        if (!out.ok) return page(out.status, 'Not connected', out.message);
        await app.audit({ event: 'credential.connected', keyId: null, ip, target: out.credentialId });
        return page(200, 'Connected', 'Connected — you can close this tab.');
      },
    }),
  },
};
