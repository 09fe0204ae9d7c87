// Add Credential → OAuth2 and Reconnect: server-only credentials whose tokens the server gets and refreshes; the
// consent page opens in the browser and redirects to the server's /oauth2/callback.
import * as vscode from 'vscode';
import type { ServiceSpec } from '../../../server/src/core/services';
import { type Ctx, SIGN_IN } from '../ctx';
import { PreconditionError, required } from '../errors';
import {
  ENTER_CLIENT_SECRET,
  GRANT_TYPE_ITEMS,
  NO_CLIENT_SECRET,
  type OAuth2GrantType,
  oauth2Config,
  oauth2CredentialMeta,
  oauth2NeedsServer,
  parseTestUrl,
  validateClientId,
  validateOAuth2Url,
  validateScope,
  validateSecretValue,
} from '../model/credentialForm';
import { credentialFromArg } from './args';

import { askCredentialId, T, testConnection } from './credentials';

// ---- OAuth2: server-only; the server gets and refreshes the tokens, the consent redirects to its /oauth2/callback ----

const OT = `${T}: OAuth2`;

async function askOAuth2Url(ctx: Ctx, what: 'token' | 'authorization'): Promise<string> {
  return required(
    await ctx.prompts.input({
      title: `${OT} ${what === 'token' ? 'Token URL' : 'Authorization URL'}`,
      prompt:
        what === 'token'
          ? 'The provider’s token endpoint (https; plain http only on 127.0.0.1/localhost)'
          : 'The provider’s authorization (consent) endpoint (https; plain http only on 127.0.0.1/localhost)',
      placeHolder: what === 'token' ? 'https://auth.example.com/oauth/token' : 'https://auth.example.com/authorize',
      validateInput: (v) => validateOAuth2Url(v, what),
    }),
  ).trim();
}

/** The client secret (password box); for authorization_code a public client (PKCE) may have none. */
async function askClientSecret(ctx: Ctx, grantType: OAuth2GrantType): Promise<string | undefined> {
  if (grantType === 'authorization_code') {
    const kind = required(
      await ctx.prompts.pick(
        [
          { label: ENTER_CLIENT_SECRET, description: 'a confidential client' },
          { label: NO_CLIENT_SECRET, description: 'the provider registered the client as public' },
        ],
        { title: `${OT} Client Secret`, placeHolder: 'Does the client have a secret?' },
      ),
    ).label;
    if (kind === NO_CLIENT_SECRET) return undefined;
  }
  return required(
    await ctx.prompts.input({
      title: `${OT} Client Secret Value`,
      prompt: 'The client secret (sent to the Flero server only, encrypted at rest there; never shown again)',
      password: true,
      validateInput: validateSecretValue,
    }),
  );
}

/** For `custom`: the API the access token is for; its host is the only one the token is sent to. */
async function askOAuth2Host(ctx: Ctx, service: ServiceSpec): Promise<string | undefined> {
  if (service.baseUrl) return undefined;
  const text = required(
    await ctx.prompts.input({
      title: `${OT} API URL`,
      prompt: 'A URL of the API the access token is for: its host is the only one Flero sends the token to',
      placeHolder: 'https://api.example.com/',
      validateInput: (v) => {
        const r = parseTestUrl(v);
        return 'error' in r ? r.error : undefined;
      },
    }),
  );
  const r = parseTestUrl(text);
  if ('error' in r) throw new PreconditionError(r.error);
  return r.host;
}

/** "Finish the consent in your browser" with Refresh; Refresh reloads the views and says what the server says now. */
function consentStarted(ctx: Ctx, id: string, callback: string): void {
  const refresh = 'Refresh';
  void ctx.prompts
    .info(
      `Finish the consent for "${id}" in your browser: the provider sends you back to ${callback}, which stores the tokens. Then Refresh.`,
      refresh,
    )
    .then(async (picked) => {
      if (picked !== refresh) return;
      await ctx.refresh();
      const status = (ctx.data.credentials ?? []).find((c) => c.id === id)?.oauth2?.status;
      if (status === 'connected') void ctx.prompts.info(`"${id}" is connected.`);
      else
        void ctx.prompts.warn(
          `"${id}" is not connected yet (${status ?? 'unknown'}): finish the consent, or Reconnect.`,
        );
    });
}

/** POST …/oauth2/authorize, then open the provider's consent page. The URL holds a one-use state: not logged. */
async function startConsent(ctx: Ctx, id: string): Promise<{ id: string; opened: boolean }> {
  const api = await ctx.api();
  const url = await api.authorizeOAuth2(id);
  let where = '';
  try {
    where = new URL(url).origin;
  } catch {
    throw new PreconditionError(`The server answered an unusable consent URL for "${id}".`);
  }
  ctx.log.info(`Opening the OAuth2 consent page of "${id}" at ${where}.`);
  const opened = await ctx.prompts.openExternal(url);
  // Display only: where the provider redirects (the server's callback), as this machine's browser reaches it.
  let callback = `${ctx.baseUrl()}/oauth2/callback`;
  try {
    callback = (await vscode.env.asExternalUri(vscode.Uri.parse(callback))).toString(true);
  } catch {
    // keep the server's own URL
  }
  if (!opened) {
    const copy = 'Copy Link';
    void ctx.prompts.warn(`Could not open the browser for the consent of "${id}".`, copy).then((p) => {
      if (p === copy) void vscode.env.clipboard.writeText(url);
    });
  } else consentStarted(ctx, id, callback);
  return { id, opened };
}

/**
 * The OAuth2 prompts after the auth type: grant type, token URL, authorization URL (authorization_code), client id,
 * scope, API host (custom), client secret, id; then created on the server; client_credentials is tested,
 * authorization_code starts the consent.
 */
export async function addOAuth2Credential(
  ctx: Ctx,
  service: ServiceSpec,
  presetId: string | undefined,
): Promise<string> {
  const why = oauth2NeedsServer(ctx.connection.state, ctx.connection.me?.scopes);
  if (why) throw new PreconditionError(why, ctx.connection.state === 'connected' ? [] : [SIGN_IN]);
  const grantType = required(
    await ctx.prompts.pick(GRANT_TYPE_ITEMS, {
      title: `${OT} Grant Type`,
      placeHolder: 'How does the server get access tokens?',
    }),
  ).grantType;
  const tokenUrl = await askOAuth2Url(ctx, 'token');
  const authorizationUrl = grantType === 'authorization_code' ? await askOAuth2Url(ctx, 'authorization') : undefined;
  const clientId = required(
    await ctx.prompts.input({ title: `${OT} Client ID`, prompt: 'The client id', validateInput: validateClientId }),
  );
  const scope = required(
    await ctx.prompts.input({
      title: `${OT} Scope`,
      prompt: 'Space-separated scopes to request (optional: empty for the provider’s default)',
      validateInput: validateScope,
    }),
  );
  const host = await askOAuth2Host(ctx, service);
  const secret = await askClientSecret(ctx, grantType);
  const id = await askCredentialId(ctx, service, presetId);
  const meta = oauth2CredentialMeta({ id, name: `${service.name} (${id})`, service, host });
  const config = oauth2Config({ grantType, tokenUrl, authorizationUrl, clientId, scope });

  const api = await ctx.api();
  await api.createOAuth2Credential(meta, config, secret);
  ctx.log.info(`Saved the OAuth2 credential "${id}" (${service.id}, ${grantType}) to the server.`);
  await ctx.refresh();
  if (grantType === 'authorization_code') {
    await startConsent(ctx, id);
    return id;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Getting an access token for "${id}"…` },
    () => api.testCredential(id),
  );
  ctx.log.info(`Token test for new credential "${id}": ${result.ok ? 'ok' : 'failed'} (HTTP ${result.status}).`);
  await ctx.refresh();
  if (result.ok) void ctx.prompts.info(`Saved the OAuth2 credential "${id}" to the server: ${result.detail}.`);
  else
    void ctx.prompts.error(
      `Saved the OAuth2 credential "${id}" to the server, but getting a token failed: ${result.detail || `HTTP ${result.status}`}.`,
    );
  return id;
}

/** Reconnect: authorization_code consents again; client_credentials fetches a fresh token (a test). */
export async function reconnectOAuth2(ctx: Ctx, arg?: unknown): Promise<unknown> {
  const oauth2 = (ctx.data.credentials ?? []).filter((c) => c.authType === 'oauth2');
  const fromArg = credentialFromArg(arg);
  let id: string;
  if (fromArg) id = 'credential' in fromArg ? fromArg.credential.id : fromArg.id;
  else {
    if (!oauth2.length) throw new PreconditionError('No OAuth2 credential on the server to reconnect.');
    id = required(
      await ctx.prompts.pick(
        oauth2.map((c) => ({
          label: c.id,
          description: `${c.oauth2?.grantType ?? 'oauth2'} · ${c.oauth2?.status ?? ''}`,
          id: c.id,
        })),
        { title: 'Flero: Pick the OAuth2 credential to reconnect' },
      ),
    ).id;
  }
  const found = oauth2.find((c) => c.id === id);
  if (!found) throw new PreconditionError(`No OAuth2 credential "${id}" on the server.`);
  if (found.oauth2?.grantType === 'client_credentials') {
    const result = await testConnection(ctx, `server:${id}`);
    await ctx.refresh();
    return result;
  }
  return startConsent(ctx, id);
}
