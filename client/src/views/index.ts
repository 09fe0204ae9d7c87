// All Flero tree views, registered in one place. Each view is data from the Ctx turned into ViewNodes.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { credentialNodes, keyNodes, scopeNodes, type ViewNode } from '../model/tree';
import { NodeTreeProvider } from './provider';

export const VIEW_IDS = { apiKeys: 'flero.apiKeys', scopes: 'flero.scopes', credentials: 'flero.credentials' } as const;
export type ViewName = keyof typeof VIEW_IDS;

function errorNode(id: string, message: string): ViewNode {
  return { id, label: message, icon: { id: 'warning', color: 'list.warningForeground' }, tooltip: message };
}

/** The roots of each view, as data (the test API returns these too). */
export const VIEW_ROOTS: Record<ViewName, (ctx: Ctx) => ViewNode[]> = {
  apiKeys: (ctx) => {
    if (ctx.connection.state !== 'connected') return [];
    if (ctx.data.keysError) return [errorNode('keys:error', ctx.data.keysError)];
    return keyNodes(ctx.data.keys ?? []);
  },
  scopes: (ctx) => scopeNodes(ctx.connection.state === 'connected' ? ctx.data.keys : undefined),
  credentials: (ctx) => {
    const nodes = credentialNodes(ctx.secrets.localCredentials(), ctx.data.credentials);
    if (ctx.data.credentialsError) nodes.push(errorNode('cred:error', ctx.data.credentialsError));
    return nodes;
  },
};

export function registerViews(ctx: Ctx): void {
  for (const [name, viewId] of Object.entries(VIEW_IDS) as [ViewName, string][]) {
    const provider = new NodeTreeProvider(() => VIEW_ROOTS[name](ctx));
    const view = vscode.window.createTreeView(viewId, { treeDataProvider: provider, showCollapseAll: true });
    ctx.subscriptions.push(
      provider,
      view,
      ctx.onDidChange(() => provider.refresh()),
    );
  }
}
