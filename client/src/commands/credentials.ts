// External-service credentials: add (with a connection test), test, rotate, delete, copy id. Values go only into
// SecretStorage (this machine) or to the server over HTTPS/loopback; they are never logged or shown.
import * as vscode from 'vscode';
import type { CredentialMeta } from '../../../server/src/core/credentials';
import { type AuthType, findService, SERVICES, type ServiceSpec } from '../../../server/src/core/services';
import { ApiError } from '../api';
import type { Ctx } from '../ctx';
import { Cancelled, PreconditionError, required } from '../errors';
import type { ServerCredential, TestResult } from '../model/apiTypes';
import { rotatedText, rotationRefusal } from '../model/rotation';
import { canUndoRotation } from '../model/tree';
import {
  authTypeItem,
  credentialMeta,
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
  validateCredentialId,
  validateHeaderName,
  validateQueryParam,
  validateSecretValue,
} from '../model/credentialForm';
import { testLocally } from '../credentialTest';
import type { LocalCredential } from '../secrets';
import { credentialFromArg } from './args';
import type { CommandHandler } from './index';
import { addOAuth2Credential, reconnectOAuth2 } from './oauth2Credentials';

export const T = 'Add Credential';

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

export async function askCredentialId(ctx: Ctx, service: ServiceSpec, preset: string | undefined): Promise<string> {
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

export async function testConnection(ctx: Ctx, arg?: unknown): Promise<TestResult> {
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
