// One TreeDataProvider shape for all Flero views: each view is a function from the Ctx to ViewNodes (model/tree.ts).
import * as vscode from 'vscode';
import type { ViewNode } from '../model/tree';

export class NodeTreeProvider implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly roots: () => ViewNode[]) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: ViewNode): ViewNode[] {
    return element ? (element.children ?? []) : this.roots();
  }

  getTreeItem(n: ViewNode): vscode.TreeItem {
    const state = n.children
      ? n.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(n.label, state);
    item.id = n.id;
    if (n.description !== undefined) item.description = n.description;
    if (n.tooltip) item.tooltip = n.tooltip;
    if (n.contextValue) item.contextValue = n.contextValue;
    if (n.icon)
      item.iconPath = new vscode.ThemeIcon(n.icon.id, n.icon.color ? new vscode.ThemeColor(n.icon.color) : undefined);
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
