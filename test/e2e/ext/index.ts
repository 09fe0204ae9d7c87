// Extension-host suite: loaded by VS Code's test runner (smoke-test payload `extensionTestsPath`) inside the real
// extension host that code-server runs; drives the packaged extension through `vscode` APIs and its commands.
import * as vscode from 'vscode';
import { assert, config, pending, runAll, test } from './harness';

const EXTENSION_ID = 'flero.flero-vscode';

function ext(): vscode.Extension<unknown> {
  const e = vscode.extensions.getExtension(EXTENSION_ID);
  assert(e, `extension ${EXTENSION_ID} is not installed in this extension host`);
  return e;
}

test('the extension activates without errors', async () => {
  const e = ext();
  await e.activate();
  assert(e.isActive, 'extension did not become active');
});

test('every contributed command is registered', async () => {
  const pkg = ext().packageJSON as { contributes?: { commands?: { command: string }[] } };
  const contributed = (pkg.contributes?.commands ?? []).map((c) => c.command);
  if (!contributed.length) pending('the manifest contributes no commands yet');
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.filter((c) => !registered.has(c));
  assert(!missing.length, `contributed but not registered: ${missing.join(', ')}`);
});

test('runs in VS Code for the web (uiKind Web, remote extension host)', async () => {
  assert(vscode.env.uiKind === vscode.UIKind.Web, `uiKind is ${vscode.env.uiKind}, expected Web`);
  assert(
    ext().extensionKind === vscode.ExtensionKind.Workspace,
    'the extension should run in the workspace extension host',
  );
});

export async function run(): Promise<void> {
  const c = config();
  const redact = (s: string) => s.split(c.canary).join('<canary>');
  await runAll(redact);
}
