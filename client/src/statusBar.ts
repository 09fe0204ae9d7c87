// One status bar item: which server, which key, what state. Click: the connection menu.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { expiresText, statusDaysLeft } from './model/expiry';
import { serverLabel } from './model/serverIdentity';

export function registerStatusBar(ctx: Ctx): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('flero.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Flero';
  item.command = 'flero.showStatus';
  const update = () => {
    const c = ctx.connection;
    const server = serverLabel(c.identity);
    const starting = ctx.localServer.state === 'starting';
    item.backgroundColor = undefined;
    if (starting) {
      item.text = '$(loading~spin) Flero: starting…';
      item.tooltip = 'The local Flero server is starting';
    } else if (c.state === 'connected') {
      const left = statusDaysLeft(c.me?.expiresAt);
      const expiry = expiresText(c.me?.expiresAt);
      item.text = `$(key) Flero: ${server} · ${c.me?.name ?? ''}${left ? ` · ${left.text}` : ''}`;
      item.tooltip = `Signed in to ${c.url} as "${c.me?.name}" (${c.me?.id})\nScopes: ${c.me?.scopes.join(', ')}${
        expiry ? `\n${expiry}` : ''
      }`;
      if (left?.urgent) item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (c.state === 'connecting') {
      item.text = `$(sync~spin) Flero: ${server}`;
      item.tooltip = `Checking the key with ${c.url}`;
    } else if (c.state === 'signedOut') {
      item.text = `$(debug-disconnect) Flero: ${server} · signed out`;
      item.tooltip = `No API key for ${c.url ?? server} in SecretStorage`;
    } else if (c.state === 'noServer') {
      item.text = '$(circle-slash) Flero: no server';
      item.tooltip = 'The local Flero server is not running';
    } else {
      item.text = `$(warning) Flero: ${server} · error`;
      item.tooltip = c.error ?? 'Connection error';
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
    item.show();
  };
  update();
  ctx.subscriptions.push(item, ctx.onDidChange(update), ctx.localServer.onDidChange(update));
  return item;
}
