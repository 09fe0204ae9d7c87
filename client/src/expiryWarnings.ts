// Expiry warnings: whenever the connection or the keys change, the signed-in key (GET /api/me) and each listed key
// that expires within 7 days (and again within 1 day) get one warning notification with "Roll now". What was shown is
// remembered in globalState as `<key id>@<threshold>d` (no secret).
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { expiryWarnings } from './model/expiry';

const SHOWN = 'flero.expiryWarningsShown';
const MAX_REMEMBERED = 500;
export const ROLL_NOW = 'Roll now';

export function checkExpiryWarnings(ctx: Ctx, now: Date = new Date()): void {
  const c = ctx.connection;
  if (c.state !== 'connected' || !c.me) return;
  const state = ctx.extension.globalState;
  const shown = new Set(state.get<string[]>(SHOWN) ?? []);
  const due = expiryWarnings([{ ...c.me, own: true }, ...(ctx.data.keys ?? [])], shown, now);
  if (!due.length) return;
  for (const w of due) shown.add(w.memo);
  void state.update(SHOWN, [...shown].slice(-MAX_REMEMBERED));
  for (const w of due) {
    ctx.log.info(
      `Expiry warning for the API key ${w.keyId} (within ${w.threshold} day${w.threshold === 1 ? '' : 's'}).`,
    );
    void ctx.prompts.warn(w.message, ROLL_NOW).then((picked) => {
      if (picked === ROLL_NOW) void vscode.commands.executeCommand('flero.rollApiKey', w.keyId);
    });
  }
}

export function registerExpiryWarnings(ctx: Ctx): void {
  ctx.subscriptions.push(ctx.onDidChange(() => checkExpiryWarnings(ctx)));
}
