// Production smoke suite: loaded like ext/index.ts, but the extension under test is the PRODUCTION .vsix (what vsce
// packages from `node esbuild.mjs --production`), not the test build. One test: it activates, its commands are
// registered, and it exposes no test API (no scripted prompts can answer its confirmations).
import * as vscode from 'vscode';
import { assert, runAll, test } from './harness';

const EXTENSION_ID = 'flero.flero-vscode';

test('the production build activates, registers every contributed command, and exposes no test API', async () => {
  const e = vscode.extensions.getExtension(EXTENSION_ID);
  assert(e, `extension ${EXTENSION_ID} is not installed in this extension host`);
  const exported = await e.activate();
  assert(e.isActive, 'extension did not become active');
  assert(exported === undefined, `activate() returned ${typeof exported} (a test API?) in the production build`);
  const contributed = (
    (e.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []
  ).map((c) => c.command);
  assert(contributed.length > 0, 'the manifest contributes no commands');
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.filter((c) => !registered.has(c));
  assert(!missing.length, `contributed but not registered: ${missing.join(', ')}`);
});

export async function run(): Promise<void> {
  await runAll((s) => s);
}
