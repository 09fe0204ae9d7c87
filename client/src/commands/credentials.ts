// External-service credentials: add (with a connection test), test, rotate, delete, copy id. Values go only into
// SecretStorage (this machine) or to the server over HTTPS/loopback; they are never logged or shown.
import * as vscode from 'vscode';
import type { CredentialMeta } from '../../../server/src/core/credentials';
import { type AuthType, findService, SERVICES, type ServiceSpec } from '../../../server/src/core/services';
import { ApiError } from '../api';
import { type Ctx, SIGN_IN } from '../ctx';
import { Cancelled, PreconditionError, required } from '../errors';
import type { ServerCredential, TestResult } from '../model/apiTypes';
import { rotatedText, rotationRefusal } from '../model/rotation';
import { canUndoRotation } from '../model/tree';
import {
  authTypeItem,
  credentialMeta,
  ENTER_CLIENT_SECRET,
  GRANT_TYPE_ITEMS,
  NO_CLIENT_SECRET,
  type OAuth2GrantType,
  oauth2Config,
  oauth2CredentialMeta,
  oauth2NeedsServer,
  type Placement,
  type PlacementKind,
  parseTestUrl,
  placementItem,
  placementKinds,
  prefilledPlacement,
  SAVE_TARGETS,
  savedToText,
  savesLocally,
  savesToServer,
  serviceDetail,
  suggestCredentialId,
  validateClientId,
  validateCredentialId,
  validateHeaderName,
  validateOAuth2Url,
  validateQueryParam,
  validateScope,
  validateSecretValue,
} from '../model/credentialForm';
import { testLocally } from '../credentialTest';
import type { LocalCredential } from '../secrets';
import { credentialFromArg } from './args';
import type { CommandHandler } from './index';

const T = 'Add Credential';

function describeTest(id: string, r: TestResult): string {
  return r.ok
    ? `Connection OK for "${id}" (HTTP ${r.status}).`
    : `Connection failed for "${id}": ${r.detail || `HTTP ${r.status}`}.`;
}

export function takenIds(ctx: Ctx): Set<string> {
  return new Set(ctx.credentialMetadata().map((c) => c.id));
}

async function pickService(ctx: Ctx, preset: string | undefined): Promise<ServiceSpec> {
  const known = preset ? findService(preset) : undefined;
  if (known) return known;
  return required(
    await ctx.prompts.pick(
      SERVICES.map((s) => ({ label: s.name, description: s.id, detail: serviceDetail(s), service: s })),
      { title: `${T}: Service`, placeHolder: 'Which service is the key for?', matchOnDescription: true },
    ),
  ).service;
}

async function pickAuthType(ctx: Ctx, service: ServiceSpec): Promise<AuthType> {
  if (service.authTypes.length === 1) return service.authTypes[0]!;
  return required(
    await ctx.prompts.pick(
      service.authTypes.map((a) => ({ ...authTypeItem(a), authType: a })),
      { title: `${T}: Auth Type`, placeHolder: `How does ${service.name} take the key?` },
    ),
  ).authType;
}

async function askSecretValue(ctx: Ctx, service: ServiceSpec, authType: AuthType): Promise<string> {
  return required(
    await ctx.prompts.input({
      title: `${T}: Value`,
      prompt: `The ${service.name} ${authType === 'bearer' ? 'token' : 'API key'} (kept in SecretStorage or sent to the Flero server; never shown again)`,
      password: true,
      validateInput: validateSecretValue,
    }),
  );
}

/** Bearer is always the Authorization header; an API key asks where it goes, pre-filled for the service. */
async function askPlacement(ctx: Ctx, service: ServiceSpec, authType: AuthType): Promise<Placement> {
  if (authType === 'bearer') return { header: { name: 'Authorization', prefix: 'Bearer ' } };
  const pre = prefilledPlacement(service, authType);
  const kind: PlacementKind = required(
    await ctx.prompts.pick(
      placementKinds(authType).map((k) => ({ ...placementItem(k, pre), placement: k, picked: k === pre.preferred })),
      { title: `${T}: Placement`, placeHolder: 'Where does the key go in each request?' },
    ),
  ).placement;
  return kind === 'header' ? { header: await askHeader(ctx, pre.header) } : { query: await askQuery(ctx, pre.query) };
}

async function askHeader(ctx: Ctx, pre: { name: string; prefix: string }): Promise<{ name: string; prefix: string }> {
  const name = required(
    await ctx.prompts.input({ title: `${T}: Header Name`, value: pre.name, validateInput: validateHeaderName }),
  );
  const prefix = required(
    await ctx.prompts.input({
      title: `${T}: Header Prefix`,
      prompt: 'Text before the key, e.g. "Bearer " or "Token " (empty for none)',
      value: pre.prefix,
    }),
  );
  return { name, prefix };
}

async function askQuery(ctx: Ctx, pre: { param: string }): Promise<{ param: string }> {
  const param = required(
    await ctx.prompts.input({ title: `${T}: Query Parameter`, value: pre.param, validateInput: validateQueryParam }),
  );
  return { param };
}

/** A service without a base URL (the generic one) needs a test URL; its host is where the credential may go. */
async function askTestUrl(ctx: Ctx, service: ServiceSpec): Promise<{ testUrl?: string; host?: string }> {
  if (service.baseUrl) return {};
  const text = required(
    await ctx.prompts.input({
      title: `${T}: Test URL`,
      prompt: 'A URL of the service that answers 2xx with a valid key; its host is where the credential may be sent',
      placeHolder: 'https://api.example.com/health',
      validateInput: (v) => {
        const r = parseTestUrl(v);
        return 'error' in r ? r.error : undefined;
      },
    }),
  );
  const r = parseTestUrl(text);
  if ('error' in r) throw new PreconditionError(r.error);
  return { testUrl: r.url, host: r.host };
}

async function askCredentialId(ctx: Ctx, service: ServiceSpec, preset: string | undefined): Promise<string> {
  const taken = takenIds(ctx);
  return required(
    await ctx.prompts.input({
      title: `${T}: Credential ID`,
      prompt: 'The id workflow nodes use in "credential"',
      value: preset ?? suggestCredentialId(service.id, taken),
      validateInput: (v) => validateCredentialId(v, taken),
    }),
  );
}

/** Tests the new credential; when the test fails, saving needs "Save Anyway" (anything else cancels). */
async function testBeforeSaving(
  ctx: Ctx,
  service: ServiceSpec,
  meta: CredentialMeta,
  value: string,
  testUrl: string | undefined,
): Promise<void> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Testing the connection to ${service.name}…` },
    () => testLocally(meta, value, testUrl),
  );
  ctx.log.info(
    `Connection test for new credential "${meta.id}": ${result.ok ? 'ok' : 'failed'} (HTTP ${result.status}).`,
  );
  if (result.ok) return;
  const saveAnyway = 'Save Anyway';
  const picked = await ctx.prompts.modal(describeTest(meta.id, result), 'Save the credential anyway?', saveAnyway);
  if (picked !== saveAnyway) throw new Cancelled();
}

/** SecretStorage, the server or both; only SecretStorage unless the signed-in key may write credentials. */
async function pickSaveTarget(ctx: Ctx): Promise<string> {
  const canServer = ctx.connection.state === 'connected' && ctx.connection.me?.scopes.includes('credentials:write');
  if (!canServer) return SAVE_TARGETS.local;
  return required(
    await ctx.prompts.pick(
      [
        { label: SAVE_TARGETS.local, description: 'runs from VS Code use it' },
        {
          label: SAVE_TARGETS.server,
          description: `${ctx.connection.url} (encrypted at rest; runs on the server use it)`,
        },
        { label: SAVE_TARGETS.both, description: 'both of the above' },
      ],
      { title: `${T}: Save To`, placeHolder: 'Where should the credential be kept?' },
    ),
  ).label;
}

async function saveCredential(
  ctx: Ctx,
  where: string,
  meta: CredentialMeta,
  value: string,
  testUrl: string | undefined,
): Promise<void> {
  if (savesToServer(where)) {
    const api = await ctx.api();
    await api.createCredential(meta, value);
  }
  if (savesLocally(where)) {
    const local: LocalCredential = testUrl ? { ...meta, testUrl } : meta;
    await ctx.secrets.saveLocalCredential(local, value);
  }
}

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
async function addOAuth2Credential(ctx: Ctx, service: ServiceSpec, presetId: string | undefined): Promise<string> {
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
async function reconnectOAuth2(ctx: Ctx, arg?: unknown): Promise<unknown> {
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

/** The prompts in order: service, auth type, value, placement, test URL, id; then test, save target, save. */
async function addCredential(ctx: Ctx, preset?: { service?: string; id?: string }): Promise<string | undefined> {
  const service = await pickService(ctx, preset?.service);
  const authType = await pickAuthType(ctx, service);
  if (authType === 'oauth2') return addOAuth2Credential(ctx, service, preset?.id);
  const value = await askSecretValue(ctx, service, authType);
  const placement = await askPlacement(ctx, service, authType);
  const { testUrl, host } = await askTestUrl(ctx, service);
  const id = await askCredentialId(ctx, service, preset?.id);
  const meta = credentialMeta({ id, name: `${service.name} (${id})`, service, authType, placement, host });

  await testBeforeSaving(ctx, service, meta, value, testUrl);
  const where = await pickSaveTarget(ctx);
  await saveCredential(ctx, where, meta, value, testUrl);
  ctx.log.info(`Saved the credential "${id}" (${service.id}, ${authType}) to ${where}.`);
  await ctx.refresh();
  void ctx.prompts.info(`Saved the credential "${id}" to ${savedToText(where)}.`);
  return id;
}

type Target = { origin: 'local' | 'server'; credential: CredentialMeta };

async function pickCredential(ctx: Ctx, arg: unknown, purpose: string): Promise<Target> {
  const fromArg = credentialFromArg(arg);
  const local = ctx.secrets
    .localCredentials()
    .map((c) => ({ origin: 'local' as const, credential: c as CredentialMeta }));
  const server = (ctx.data.credentials ?? []).map((c) => ({
    origin: 'server' as const,
    credential: c as CredentialMeta,
  }));
  const all = [...local, ...server];
  if (fromArg && 'credential' in fromArg) return fromArg;
  if (fromArg) {
    const found = all.find((t) => t.credential.id === fromArg.id && (!fromArg.origin || t.origin === fromArg.origin));
    if (!found) throw new PreconditionError(`No credential "${fromArg.id}" is known here.`);
    return found;
  }
  if (!all.length)
    throw new PreconditionError(`There is no credential to ${purpose}.`, [
      { title: 'Add Credential', command: 'flero.addCredential' },
    ]);
  return required(
    await ctx.prompts.pick(
      all.map((t) => ({
        label: t.credential.id,
        description: t.origin === 'local' ? 'SecretStorage' : 'server',
        target: t,
      })),
      { title: `Flero: Pick the credential to ${purpose}` },
    ),
  ).target;
}

async function testConnection(ctx: Ctx, arg?: unknown): Promise<TestResult> {
  const t = await pickCredential(ctx, arg, 'test');
  const id = t.credential.id;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Testing "${id}"…` },
    async () => {
      if (t.origin === 'server') return (await ctx.api()).testCredential(id);
      const value = await ctx.secrets.credentialValue(id);
      if (!value)
        return { ok: false, status: 0, detail: 'its value is missing from SecretStorage (rotate it to set one)' };
      return testLocally(t.credential, value, ctx.secrets.localCredential(id)?.testUrl);
    },
  );
  ctx.log.info(`Connection test for "${id}" (${t.origin}): ${result.ok ? 'ok' : 'failed'} (HTTP ${result.status}).`);
  if (result.ok) void ctx.prompts.info(describeTest(id, result));
  else void ctx.prompts.error(describeTest(id, result));
  return result;
}

export const ROTATION_BUTTONS = { rotateAnyway: 'Rotate anyway', undo: 'Undo Rotation' } as const;

/** PATCH with the value; a failed test asks "Rotate anyway" (force) or cancels; other refusals say why. */
async function rotateOnServer(ctx: Ctx, id: string, value: string): Promise<ServerCredential> {
  const api = await ctx.api();
  const patch = (force: boolean) =>
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: force ? `Rotating "${id}" without the test…` : `Testing and rotating "${id}"…`,
      },
      () => api.rotateCredential(id, value, force),
    );
  try {
    return await patch(false);
  } catch (e) {
    const refusal = e instanceof ApiError ? rotationRefusal(e, id) : undefined;
    if (!refusal) throw e;
    ctx.log.info(`Rotation of "${id}" refused: ${refusal.kind}.`);
    if (refusal.kind !== 'testFailed') throw new PreconditionError(refusal.message);
    const picked = await ctx.prompts.modal(
      refusal.message,
      'Rotate anyway only if the test call cannot succeed for a working value (e.g. the test URL needs other rights).',
      ROTATION_BUTTONS.rotateAnyway,
    );
    if (picked !== ROTATION_BUTTONS.rotateAnyway) throw new Cancelled();
    ctx.log.info(`Rotating "${id}" anyway (force).`);
    return patch(true);
  }
}

async function rotateCredential(ctx: Ctx, arg?: unknown): Promise<TestResult | { version?: number }> {
  const t = await pickCredential(ctx, arg, 'rotate');
  const id = t.credential.id;
  const value = required(
    await ctx.prompts.input({
      title: 'Rotate Credential: New Value',
      prompt: `The new value for "${id}" (${t.origin === 'local' ? 'SecretStorage' : 'the server'}); runs in flight finish with the old one`,
      password: true,
      validateInput: validateSecretValue,
    }),
  );
  if (t.origin === 'local') {
    await ctx.secrets.rotateLocalCredential(id, value);
    ctx.log.info(`Rotated the credential "${id}" (local).`);
    await ctx.refresh();
    return testConnection(ctx, `local:${id}`);
  }
  const view = await rotateOnServer(ctx, id, value);
  ctx.log.info(`Rotated the credential "${id}" (server; version ${view.version}).`);
  await ctx.refresh();
  const undoable = canUndoRotation(view);
  void ctx.prompts.info(rotatedText(id, view.version), ...(undoable ? [ROTATION_BUTTONS.undo] : [])).then((picked) => {
    if (picked === ROTATION_BUTTONS.undo) void vscode.commands.executeCommand('flero.undoRotation', `server:${id}`);
  });
  return { version: view.version };
}

/** Undo Rotation: the server restores the value before the last rotation (within 24 h of it). */
async function undoRotation(ctx: Ctx, arg?: unknown): Promise<{ version?: number }> {
  const fromArg = credentialFromArg(arg);
  const candidates = (ctx.data.credentials ?? []).filter((c) => canUndoRotation(c));
  let id: string;
  if (fromArg) id = 'credential' in fromArg ? fromArg.credential.id : fromArg.id;
  else {
    if (!candidates.length) throw new PreconditionError('No credential on the server has a rotation to undo.');
    id = required(
      await ctx.prompts.pick(
        candidates.map((c) => ({ label: c.id, description: `version ${c.version}`, id: c.id })),
        { title: 'Flero: Pick the credential whose rotation to undo' },
      ),
    ).id;
  }
  const api = await ctx.api();
  const view = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Undoing the rotation of "${id}"…` },
    () => api.rollbackCredential(id),
  );
  ctx.log.info(`Undid the rotation of "${id}" (version ${view.version}).`);
  await ctx.refresh();
  void ctx.prompts.info(`Undid the rotation of ${id}: the previous value is back (version ${view.version}).`);
  return { version: view.version };
}

async function deleteCredential(ctx: Ctx, arg?: unknown): Promise<boolean> {
  const t = await pickCredential(ctx, arg, 'delete');
  const id = t.credential.id;
  const del = 'Delete';
  const picked = await ctx.prompts.modal(
    `Delete the credential "${id}"${t.origin === 'local' ? ' from SecretStorage' : ' from the server'}?`,
    'Workflows that use it will fail until it is added again.',
    del,
  );
  if (picked !== del) throw new Cancelled();
  if (t.origin === 'server') await (await ctx.api()).deleteCredential(id);
  else await ctx.secrets.deleteLocalCredential(id);
  ctx.log.info(`Deleted the credential "${id}" (${t.origin}).`);
  await ctx.refresh();
  void ctx.prompts.info(`Deleted the credential "${id}".`);
  return true;
}

async function copyCredentialId(ctx: Ctx, arg?: unknown): Promise<string> {
  const t = await pickCredential(ctx, arg, 'copy the id of');
  await vscode.env.clipboard.writeText(t.credential.id);
  void ctx.prompts.info(`Copied the credential id ${t.credential.id}.`);
  return t.credential.id;
}

export const credentialCommands: Record<string, CommandHandler> = {
  'flero.addCredential': (ctx) => addCredential(ctx),
  'flero.testConnection': testConnection,
  'flero.rotateCredential': rotateCredential,
  'flero.undoRotation': undoRotation,
  'flero.deleteCredential': deleteCredential,
  'flero.copyCredentialId': copyCredentialId,
  'flero.reconnectOAuth2': reconnectOAuth2,
};
export { addCredential };
