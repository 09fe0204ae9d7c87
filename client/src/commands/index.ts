// THE command registry: every command id in one table. Each handler gets the Ctx; a missing precondition
// (no server, not signed in, no workflow open) is a PreconditionError that is explained with buttons, never thrown
// at the user as a stack trace.
import * as vscode from 'vscode';
import { ApiError } from '../api';
import { codeNodeCommands } from '../codeNodes/command';
import type { Ctx } from '../ctx';
import { Cancelled, PreconditionError } from '../errors';
import { connectionCommands } from './connection';
import { credentialCommands } from './credentials';
import { keyCommands } from './keys';
import { miscCommands } from './misc';
import { workflowCommands } from './workflows';

export type CommandHandler = (ctx: Ctx, ...args: unknown[]) => Promise<unknown> | unknown;

export const COMMANDS: Record<string, CommandHandler> = {
  ...connectionCommands,
  ...keyCommands,
  ...credentialCommands,
  ...workflowCommands,
  ...miscCommands,
  ...codeNodeCommands,
};

/** Runs a handler and turns its failure into a message a person can act on. Returns the handler's result. */
export async function runCommand(ctx: Ctx, id: string, handler: CommandHandler, args: unknown[]): Promise<unknown> {
  try {
    return await handler(ctx, ...args);
  } catch (e) {
    if (e instanceof Cancelled) return undefined;
    if (e instanceof PreconditionError) {
      ctx.log.info(`${id}: ${e.message}`);
      void ctx.prompts.warn(e.message, ...e.actions.map((a) => a.title)).then((picked) => {
        const action = e.actions.find((a) => a.title === picked);
        if (action) void vscode.commands.executeCommand(action.command);
      });
      return undefined;
    }
    const message = e instanceof Error ? e.message : String(e);
    ctx.log.error(`${id}: ${message}`);
    if (!(e instanceof ApiError) && e instanceof Error && e.stack) ctx.log.debug(e.stack);
    void ctx.prompts.error(message, 'Show Logs').then((p) => {
      if (p) ctx.log.show(true);
    });
    return undefined;
  }
}

export function registerCommands(ctx: Ctx): void {
  for (const [id, handler] of Object.entries(COMMANDS)) {
    ctx.subscriptions.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(ctx, id, handler, args)),
    );
  }
}
