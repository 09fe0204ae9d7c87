// A second extension, installed beside Flero in the e2e UI suite: it does what any extension may do, ask VS Code for
// a Flero session with Flero scopes, and says what it got — the account, the scopes and the token's shape, never the
// token.
const vscode = require('vscode');

async function ask(scopes) {
  try {
    const s = await vscode.authentication.getSession('flero', scopes, { createIfNone: true });
    // What the token is, never what it says: a Flero key has a prefix, 30 base62 characters and a 6-character checksum.
    const shape = /^[a-z][a-z0-9_]*_[A-Za-z0-9]{36}$/.test(s.accessToken) ? 'a Flero API key' : 'not a Flero API key';
    vscode.window.showInformationMessage(
      `Flero Consumer got a Flero session: ${s.account.label} · scopes ${s.scopes.join(' ')} · token: ${shape}`,
    );
  } catch (e) {
    vscode.window.showErrorMessage(`Flero Consumer got no Flero session: ${e instanceof Error ? e.message : e}`);
  }
}

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('fleroConsumer.read', () => ask(['workflows:read'])),
    vscode.commands.registerCommand('fleroConsumer.write', () => ask(['executions:write'])),
    vscode.commands.registerCommand('fleroConsumer.bogus', () => ask(['repo'])),
  );
};
exports.deactivate = () => {};
