// Sign in / out and the bundled local server.
import * as vscode from 'vscode';
import { FleroApi } from '../api';
import { signInWithKey } from '../auth';
import { type Ctx, errorText, OPEN_SETTINGS, SIGN_IN } from '../ctx';
import { Cancelled, PreconditionError } from '../errors';
import { LocalServerError } from '../localServer';
import { LOCAL_SERVER } from '../model/serverIdentity';
import type { CommandHandler } from './index';

/** The same sign-in as the Accounts menu's "Sign in with Flero" (auth.ts). */
async function signIn(ctx: Ctx): Promise<boolean> {
  await signInWithKey(ctx);
  return true;
}

async function signOut(ctx: Ctx): Promise<void> {
  const identity = ctx.connection.identity;
  if (!(await ctx.secrets.apiKey(identity))) {
    void ctx.prompts.info('You are not signed in to a Flero server.');
    return;
  }
  await ctx.secrets.deleteApiKey(identity);
  await ctx.connect();
  void ctx.prompts.info(
    `Signed out of ${identity === LOCAL_SERVER ? 'the local Flero server' : identity}. The key was removed from SecretStorage.`,
  );
}

async function startLocalServer(ctx: Ctx): Promise<string | undefined> {
  if (ctx.connection.identity !== LOCAL_SERVER) {
    throw new PreconditionError(
      `"flero.server.url" is set to ${ctx.connection.identity}; the bundled server is used only when that setting is empty.`,
      [OPEN_SETTINGS],
    );
  }
  if (ctx.localServer.state === 'running') {
    void ctx.prompts.info(`The local Flero server is already running on ${ctx.localServer.url}.`);
    return ctx.localServer.url;
  }
  let started: { url: string; ownerKey?: string };
  try {
    started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Starting the local Flero server…', cancellable: true },
      (_p, token) => ctx.localServer.start(token),
    );
  } catch (e) {
    if (e instanceof LocalServerError && e.lockHeld) return offerRunningServer(ctx, e);
    if (e instanceof LocalServerError && e.message === 'Cancelled.') throw new Cancelled();
    throw e;
  }
  if (started.ownerKey) {
    await ctx.secrets.setApiKey(LOCAL_SERVER, started.ownerKey);
    ctx.log.info('The local server created its owner key; it is kept in SecretStorage (the key file was deleted).');
  }
  await ctx.connect();
  const state = ctx.connection.state;
  if (state === 'connected') {
    void ctx.prompts.info(
      `The local Flero server is running on ${started.url}, signed in as "${ctx.connection.me?.name}".`,
    );
  } else if (state === 'signedOut') {
    void ctx.prompts
      .warn(
        `The local Flero server is running on ${started.url}, but this VS Code holds no key for it (its data was created elsewhere). Sign in with a key, or reset the local data.`,
        SIGN_IN.title,
        'Reset Local Data',
      )
      .then((p) => {
        if (p === SIGN_IN.title) void vscode.commands.executeCommand(SIGN_IN.command);
        if (p === 'Reset Local Data') void vscode.commands.executeCommand('flero.resetLocalData');
      });
  } else {
    void ctx.prompts.warn(`The local Flero server is running on ${started.url}, but: ${ctx.connection.error ?? state}`);
  }
  return started.url;
}

async function offerRunningServer(ctx: Ctx, e: LocalServerError): Promise<string | undefined> {
  const url = e.runningUrl;
  if (url && (await new FleroApi(url, undefined).health())) {
    const use = 'Use the Running Server';
    const picked = await ctx.prompts.modal(e.message, `It answers on ${url}.`, use);
    if (picked !== use) return undefined;
    ctx.localServer.adopt(url);
    await ctx.connect();
    return url;
  }
  throw new PreconditionError(`${e.message} Close the other window's server (or stop it) and try again.`);
}

async function stopLocalServer(ctx: Ctx): Promise<void> {
  const stopped = await ctx.localServer.stop();
  await ctx.connect();
  void ctx.prompts.info(stopped ? 'The local Flero server was stopped.' : 'The local Flero server is not running.');
}

async function resetLocalData(ctx: Ctx): Promise<void> {
  const reset = 'Reset';
  const picked = await ctx.prompts.modal(
    'Reset the local Flero data?',
    'This stops the bundled server and deletes its data: every API key, credential stored on it, workflow and execution. Credentials kept in SecretStorage stay. This cannot be undone.',
    reset,
  );
  if (picked !== reset) throw new Cancelled();
  const wasRunning = ctx.localServer.state === 'running';
  await ctx.localServer.stop();
  try {
    ctx.localServer.resetData();
  } catch (e) {
    throw new Error(`Could not delete the local data: ${errorText(e)}`);
  }
  await ctx.secrets.deleteApiKey(LOCAL_SERVER);
  await ctx.connect();
  ctx.log.info('The local Flero data was reset.');
  if (wasRunning && ctx.connection.identity === LOCAL_SERVER) {
    await startLocalServer(ctx);
    return;
  }
  void ctx.prompts.info('The local Flero data was reset.');
}

export const connectionCommands: Record<string, CommandHandler> = {
  'flero.signIn': signIn,
  'flero.signOut': signOut,
  'flero.startLocalServer': startLocalServer,
  'flero.stopLocalServer': stopLocalServer,
  'flero.resetLocalData': resetLocalData,
};
