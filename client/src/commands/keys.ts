// Generate, revoke and copy Flero API keys.
import * as vscode from 'vscode';
import type { FleroApi } from '../api';
import type { Ctx } from '../ctx';
import { Cancelled, PreconditionError, required } from '../errors';
import type { KeyInfo } from '../model/apiTypes';
import {
  DEFAULT_OVERLAP,
  EXPIRY_CHOICES,
  expiresText,
  expiryFromDays,
  keyState,
  OVERLAP_CHOICES,
  parseCustomExpiry,
} from '../model/expiry';
import {
  checkExpiryWithinCaller,
  createKeyBody,
  grantableScopes,
  validateCustomExpiry,
  validateKeyName,
  WORKFLOW_CHOICES,
  workflowChoiceItems,
} from '../model/keyForm';
import type { CommandHandler } from './index';
import { keyFromArg } from './args';

const T = 'Generate API Key';
export const KEY_SHOWN_ONCE_BUTTONS = {
  copy: 'Copy',
  copyAndKeep: 'Copy and Keep in SecretStorage',
  signIn: 'Sign in with the new key',
} as const;

type CreatedKey = Awaited<ReturnType<FleroApi['createKey']>>;

async function askKeyName(ctx: Ctx): Promise<string> {
  return required(
    await ctx.prompts.input({
      title: `${T} (1/4): Name`,
      prompt: 'A name that says where the key is used',
      placeHolder: 'e.g. CI deploy',
      validateInput: validateKeyName,
    }),
  );
}

/** Only the scopes the caller's own key holds are offered (minting never escalates); at least one is needed. */
async function pickScopes(ctx: Ctx, me: KeyInfo): Promise<string[]> {
  const scopeItems = grantableScopes(me).map((s) => ({ label: s.scope, description: s.description }));
  const scopes = required(
    await ctx.prompts.pickMany(scopeItems, {
      title: `${T} (2/4): Scopes`,
      placeHolder: 'Pick the scopes the key gets (only scopes your own key holds are offered)',
    }),
  ).map((i) => i.label);
  if (!scopes.length)
    throw new PreconditionError('A key needs at least one scope. Run "Generate API Key" again and pick one.');
  return scopes;
}

async function pickWorkflows(ctx: Ctx, api: FleroApi, me: KeyInfo): Promise<'all' | string[]> {
  const wfChoice = required(
    await ctx.prompts.pick(workflowChoiceItems(me), {
      title: `${T} (3/4): Workflows`,
      placeHolder: 'Which workflows may the key use?',
    }),
  );
  if (wfChoice.label !== WORKFLOW_CHOICES.choose) return 'all';
  ctx.requireScope('workflows:read', 'list workflows to choose from');
  const list = await api.listWorkflows();
  if (!list.length)
    throw new PreconditionError(
      'The server has no workflows yet. Upload one ("Run Workflow on Server") or choose "All workflows".',
    );
  const picked = required(
    await ctx.prompts.pickMany(
      list.map((w) => ({ label: w.id, description: w.name })),
      { title: `${T} (3/4): Choose Workflows`, placeHolder: 'Pick the workflows the key may use' },
    ),
  );
  if (!picked.length) throw new PreconditionError('Pick at least one workflow, or choose "All workflows".');
  return picked.map((p) => p.label);
}

/** A preset or a custom date; either way no later than the caller's own expiry. */
async function pickExpiry(ctx: Ctx, me: KeyInfo): Promise<string | undefined> {
  const expiryPick = required(
    await ctx.prompts.pick(
      EXPIRY_CHOICES.map((c) => ({ label: c.label, id: c.id, days: c.days })),
      { title: `${T} (4/4): Expiry`, placeHolder: 'When should the key stop working?' },
    ),
  );
  const expiresAt = expiryPick.id === 'custom' ? await askCustomExpiry(ctx, me) : expiryFromDays(expiryPick.days);
  const tooLate = checkExpiryWithinCaller(expiresAt, me);
  if (tooLate) throw new PreconditionError(tooLate);
  return expiresAt;
}

async function askCustomExpiry(ctx: Ctx, me: KeyInfo): Promise<string> {
  const text = required(
    await ctx.prompts.input({
      title: `${T} (4/4): Expiry Date`,
      prompt: 'The last day the key works (UTC)',
      placeHolder: 'YYYY-MM-DD',
      validateInput: (v) => validateCustomExpiry(v, me),
    }),
  );
  const r = parseCustomExpiry(text);
  if ('error' in r) throw new PreconditionError(r.error);
  return r.iso;
}

/**
 * Shown once, here and nowhere else: copy it, or copy it and keep it in SecretStorage (or, for a rolled signed-in
 * key, sign in with it). Returns what was done.
 */
async function showKeyOnce(
  ctx: Ctx,
  message: string,
  created: CreatedKey,
  offerSignIn = false,
): Promise<{ kept: boolean; signedIn: boolean }> {
  const buttons: string[] = [KEY_SHOWN_ONCE_BUTTONS.copy, KEY_SHOWN_ONCE_BUTTONS.copyAndKeep];
  if (offerSignIn) buttons.push(KEY_SHOWN_ONCE_BUTTONS.signIn);
  const picked = await ctx.prompts.modalInfo(message, created.plaintext, ...buttons);
  if (!picked) return { kept: false, signedIn: false };
  if (picked === KEY_SHOWN_ONCE_BUTTONS.signIn) {
    const identity = ctx.connection.identity;
    await ctx.secrets.setApiKey(identity, created.plaintext);
    await ctx.connect();
    void ctx.prompts.info(`Signed in with the new key "${created.key.name}" (${created.key.id}).`);
    return { kept: false, signedIn: true };
  }
  await vscode.env.clipboard.writeText(created.plaintext);
  let kept = false;
  if (picked === KEY_SHOWN_ONCE_BUTTONS.copyAndKeep && created.key) {
    await ctx.secrets.keepGeneratedKey(ctx.connection.identity, created.key.id, created.plaintext);
    kept = true;
  }
  void ctx.prompts.info(`The key was copied to the clipboard${kept ? ' and kept in SecretStorage' : ''}.`);
  return { kept, signedIn: false };
}

/** The prompts in order: name, scopes, workflows, expiry; then the key, shown once. */
async function generateApiKey(ctx: Ctx): Promise<{ id: string | undefined; kept: boolean } | undefined> {
  const api = await ctx.api();
  ctx.requireScope('api-keys:write', 'generate API keys');
  const me = ctx.connection.me;
  if (!me) throw new PreconditionError('Sign in first.');

  const name = await askKeyName(ctx);
  const scopes = await pickScopes(ctx, me);
  const workflows = await pickWorkflows(ctx, api, me);
  const expiresAt = await pickExpiry(ctx, me);

  const created = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Generating the API key "${name.trim()}"…` },
    () => api.createKey(createKeyBody(name, scopes, workflows, expiresAt)),
  );
  ctx.log.info(
    `Generated the API key "${name.trim()}" (${created.key?.id ?? 'id unknown'}; scopes: ${scopes.join(', ')}).`,
  );
  void ctx.refresh();
  const { kept } = await showKeyOnce(
    ctx,
    `API key "${name.trim()}" created. Copy it now: it is shown only once.`,
    created,
  );
  return { id: created.key?.id, kept };
}

/** A key of the tree, or an id the command was given (not listed: only its id is known). */
type PickedKey = Pick<KeyInfo, 'id' | 'name'> & Partial<KeyInfo>;

async function pickKey(ctx: Ctx, arg: unknown, purpose: string, filter: (k: KeyInfo) => boolean): Promise<PickedKey> {
  const keys = ctx.data.keys ?? [];
  const me = ctx.connection.me;
  const fromArg = keyFromArg(arg, me && !keys.some((k) => k.id === me.id) ? [...keys, me] : keys);
  if (fromArg) return fromArg;
  if (typeof arg === 'string') return { id: arg, name: arg };
  const candidates = keys.filter(filter);
  if (!candidates.length) throw new PreconditionError(`There is no API key to ${purpose}.`);
  const item = required(
    await ctx.prompts.pick(
      candidates.map((k) => ({ label: k.name, description: `${k.id} · ${k.scopes.join(', ')}`, key: k })),
      { title: `Flero: Pick the API key to ${purpose}` },
    ),
  );
  return item.key;
}

async function revokeApiKey(ctx: Ctx, arg?: unknown): Promise<boolean> {
  const api = await ctx.api();
  ctx.requireScope('api-keys:write', 'revoke API keys');
  const key = await pickKey(ctx, arg, 'revoke', (k) => keyState(k) !== 'revoked');
  if (key.revokedAt) throw new PreconditionError(`The key "${key.name}" is already revoked.`);
  const own = key.id === ctx.connection.me?.id;
  const revoke = 'Revoke';
  const picked = await ctx.prompts.modal(
    `Revoke the API key "${key.name}"?`,
    `${own ? 'This is the key you are signed in with: you will be signed out. ' : ''}Anything that uses it gets 401 from now on. This cannot be undone.`,
    revoke,
  );
  if (picked !== revoke) throw new Cancelled();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Revoking "${key.name}"…` },
    () => api.revokeKey(key.id),
  );
  ctx.log.info(`Revoked the API key "${key.name}" (${key.id}).`);
  if (own) {
    await ctx.secrets.deleteApiKey(ctx.connection.identity);
    await ctx.connect();
  } else await ctx.refresh();
  void ctx.prompts.info(`The API key "${key.name}" was revoked.`);
  return true;
}

/**
 * Roll API Key: overlap → roll → the new key shown once (like Generate); the old key keeps working for the overlap.
 * Rolling the signed-in key offers to sign in with the new one.
 */
async function rollApiKey(
  ctx: Ctx,
  arg?: unknown,
): Promise<{ id: string; rolledFrom: string; kept: boolean; signedIn: boolean } | undefined> {
  const api = await ctx.api();
  ctx.requireScope('api-keys:write', 'roll API keys');
  const key = await pickKey(ctx, arg, 'roll', (k) => {
    const s = keyState(k);
    return (s === 'active' || s === 'expiring') && !k.rolledTo;
  });
  const overlap = required(
    await ctx.prompts.pick(
      OVERLAP_CHOICES.map((c) => ({
        label: c.label,
        description: c.overlap === DEFAULT_OVERLAP ? 'default' : '',
        detail: c.detail,
        overlap: c.overlap,
        picked: c.overlap === DEFAULT_OVERLAP,
      })),
      {
        title: `Roll API Key "${key.name}": Overlap`,
        placeHolder: 'How long should the old key keep working next to the new one?',
      },
    ),
  ).overlap;
  const own = key.id === ctx.connection.me?.id;
  const rolled = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Rolling the API key "${key.name}"…` },
    () => api.rollKey(key.id, overlap),
  );
  ctx.log.info(`Rolled the API key "${key.name}" (${key.id} → ${rolled.key.id}; overlap ${overlap}).`);
  void ctx.refresh();
  const oldUntil = overlap === '0s' ? 'The old key stops working now.' : `The old key keeps working for ${overlap}.`;
  const newExpiry = expiresText(rolled.key.expiresAt);
  const done = await showKeyOnce(
    ctx,
    `API key "${key.name}" rolled. Copy the new key now: it is shown only once. ${oldUntil}${newExpiry ? ` The new key: ${newExpiry.charAt(0).toLowerCase()}${newExpiry.slice(1)}.` : ''}`,
    rolled,
    own,
  );
  if (!done.signedIn) await ctx.refresh();
  return { id: rolled.key.id, rolledFrom: key.id, ...done };
}

async function copyKeyId(ctx: Ctx, arg?: unknown): Promise<string> {
  const key = await pickKey(ctx, arg, 'copy the id of', () => true);
  await vscode.env.clipboard.writeText(key.id);
  void ctx.prompts.info(`Copied the key id ${key.id}.`);
  return key.id;
}

export const keyCommands: Record<string, CommandHandler> = {
  'flero.generateApiKey': generateApiKey,
  'flero.revokeApiKey': revokeApiKey,
  'flero.rollApiKey': rollApiKey,
  'flero.copyKeyId': copyKeyId,
};
