// Extension-host suite: loaded by VS Code's test runner (smoke-test payload `extensionTestsPath`) inside the real
// extension host that code-server runs; drives the packaged TEST BUILD of the extension (`node esbuild.mjs
// --test-build`, see lib/build.mjs) through `vscode` APIs, its commands and the test API that build returns
// (scripted answers for its prompts, views as data). ext/smoke.ts checks the production .vsix has none of it. The Flero server and the
// upstream are the harness's real ones (FLERO_E2E_CONFIG).
import { appendFileSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { type EditorApi, editorTests } from './editor';
import { assert, config, type E2eConfig, pending, poll, runAll, test } from './harness';

const EXTENSION_ID = 'flero.flero-vscode';
const WORKFLOW_FILE = 'digest.flero.json';
const CREDENTIAL_ID = 'cred_e2e_upstream';
const OAUTH2_ID = 'cred_e2e_oauth2';

// The parts of the extension's test API (client/src/testBuild/testApi.ts) this suite uses.
interface ViewNode {
  id: string;
  label: string;
  description?: string;
  contextValue?: string;
  children?: ViewNode[];
}
interface TestApi {
  script(...answers: (string | string[] | { cancel: true })[]): void;
  pendingAnswers(): number;
  clearAnswers(): void;
  answeredPrompts(): readonly string[];
  view(name: 'apiKeys' | 'scopes' | 'credentials'): ViewNode[];
  connection(): { state: string; url?: string; me?: { id: string; name: string; scopes: string[] } };
  refresh(): Promise<void>;
  lastExecution(): { status: string; nodes?: { id: string; logs?: { message: string }[] }[] } | undefined;
  notifications(): readonly { level: string; message: string; buttons: string[] }[];
  statusBar(): { text: string; tooltip: string; warning: boolean };
  openedExternal(): readonly string[];
}

let cfg: E2eConfig;
let api: TestApi | undefined;
const state: { keyId?: string; key?: string; expiringId?: string; expiringKey?: string } = {};

function ext(): vscode.Extension<unknown> {
  const e = vscode.extensions.getExtension(EXTENSION_ID);
  assert(e, `extension ${EXTENSION_ID} is not installed in this extension host`);
  return e;
}

function testApi(): TestApi {
  if (!api) pending('the extension returns no test API from activate() (client/src/testBuild/testApi.ts)');
  return api;
}

function ownerKey(): string {
  if (!cfg.ownerKeyFile) pending('the harness Flero server did not start');
  return readFileSync(cfg.ownerKeyFile, 'utf8').trim();
}

async function call(path: string, key: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(cfg.fleroUrl + path, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

async function send(
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(cfg.fleroUrl + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A key made through the API with the owner key (its plaintext goes to the sweep's list). */
async function createKeyViaApi(
  name: string,
  scopes: string[],
  expiresIn: string,
): Promise<{ id: string; key: string }> {
  const r = await send('POST', '/api/api-keys', ownerKey(), { name, scopes, expiresIn });
  assert(r.status === 201, `POST /api/api-keys answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  const key = String(r.body.key);
  appendFileSync(cfg.revealedKeysFile, `${key}\n`);
  return { id: String(r.body.id), key };
}

function notificationsAfter(a: TestApi, n: number, re: RegExp) {
  return a
    .notifications()
    .slice(n)
    .filter((x) => re.test(x.message));
}

async function authorizedCalls(path: string): Promise<number> {
  const res = await fetch(`${cfg.upstreamUrl}/__e2e/authorized`);
  const counts = (await res.json()) as Record<string, number>;
  return counts[path] ?? 0;
}

function flat(nodes: ViewNode[]): ViewNode[] {
  return nodes.flatMap((n) => [n, ...flat(n.children ?? [])]);
}

test('the extension activates without errors and returns its test API', async () => {
  const e = ext();
  api = (await e.activate()) as TestApi | undefined;
  assert(e.isActive, 'extension did not become active');
  assert(api && typeof api.script === 'function', 'activate() returned no test API in the test build');
});

test('every contributed command is registered', async () => {
  const pkg = ext().packageJSON as { contributes?: { commands?: { command: string }[] } };
  const contributed = (pkg.contributes?.commands ?? []).map((c) => c.command);
  if (!contributed.length) pending('the manifest contributes no commands yet');
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.filter((c) => !registered.has(c));
  assert(!missing.length, `contributed but not registered: ${missing.join(', ')}`);
});

test('runs in VS Code for the web (uiKind Web, workspace extension host)', async () => {
  assert(vscode.env.uiKind === vscode.UIKind.Web, `uiKind is ${vscode.env.uiKind}, expected Web`);
  assert(ext().extensionKind === vscode.ExtensionKind.Workspace, 'the extension should run in the workspace host');
});

test('a command whose precondition is missing explains itself instead of throwing', async () => {
  const a = testApi();
  // Not signed in to any server yet: Generate API Key must not prompt and must not throw.
  const before = a.answeredPrompts().length;
  const result = await vscode.commands.executeCommand('flero.generateApiKey');
  assert(result === undefined, 'generateApiKey returned a result without a server');
  assert(a.answeredPrompts().length === before, 'generateApiKey prompted although no server is connected');
});

test('sign in with an API key (password box) against the real Flero server; the key is kept only in SecretStorage', async () => {
  const a = testApi();
  const key = ownerKey();
  await vscode.workspace
    .getConfiguration('flero')
    .update('server.url', cfg.fleroUrl, vscode.ConfigurationTarget.Global);
  await poll('the extension to see the new server URL', () => (a.connection().url === cfg.fleroUrl ? true : undefined));
  a.script(key);
  const ok = await vscode.commands.executeCommand('flero.signIn');
  assert(ok === true, `signIn returned ${String(ok)} (answered: ${a.answeredPrompts().join(' | ')})`);
  const c = await poll('connected', () => (a.connection().state === 'connected' ? a.connection() : undefined));
  assert(c.me?.name, 'no key metadata after sign-in');
  const settings = JSON.stringify(vscode.workspace.getConfiguration('flero'));
  assert(!settings.includes(key), 'the key is in the flero settings');
});

test('the views show the server data: API Keys with scopes, Scopes from the route table', async () => {
  const a = testApi();
  await a.refresh();
  const keys = a.view('apiKeys');
  assert(keys.length >= 1, 'API Keys view is empty');
  const scopes = a.view('scopes').map((n) => n.label);
  for (const s of ['workflows:read', 'executions:write', 'api-keys:write', 'audit:read'])
    assert(scopes.includes(s), `Scopes view lacks ${s}: ${scopes.join(', ')}`);
  const allows = flat(a.view('scopes')).filter((n) => /^(GET|POST|PUT|PATCH|DELETE) \/api\//.test(n.label));
  assert(allows.length >= 10, `Scopes view lists only ${allows.length} routes`);
});

test('Generate API Key (scripted prompts): scoped key works with exactly its scopes, then shows in the views', async () => {
  const a = testApi();
  a.script(
    'ext-e2e-key',
    ['workflows:read', 'executions:write'],
    'All workflows',
    '30 days',
    'Copy and Keep in SecretStorage',
  );
  const res = (await vscode.commands.executeCommand('flero.generateApiKey')) as
    | { id?: string; kept?: boolean }
    | undefined;
  assert(res?.id, `generateApiKey returned ${JSON.stringify(res)} (answered: ${a.answeredPrompts().join(' | ')})`);
  assert(res.kept === true, 'the key was not kept in SecretStorage although asked');
  const key = (await vscode.env.clipboard.readText()).trim();
  assert(/^flero_sk_[0-9A-Za-z]{36}$/.test(key), 'the clipboard does not hold the new key after "Copy"');
  await vscode.env.clipboard.writeText('');
  state.key = key;
  state.keyId = res.id;
  appendFileSync(cfg.revealedKeysFile, `${key}\n`); // for the harness's sweep
  assert((await call('/api/workflows', key)).status === 200, 'the new key cannot GET /api/workflows');
  assert((await call('/api/api-keys', key)).status === 403, 'the new key can read api-keys without the scope');
  await a.refresh();
  const node = a.view('apiKeys').find((n) => n.label === 'ext-e2e-key');
  assert(node, 'the new key is not in the API Keys view');
  const scopeLabels = flat(node.children ?? []).map((n) => n.label);
  assert(
    scopeLabels.includes('workflows:read') && scopeLabels.includes('executions:write'),
    'scopes missing under the key',
  );
  const holder = flat(a.view('scopes').find((n) => n.label === 'executions:write')?.children ?? []);
  assert(
    holder.some((n) => n.label === 'ext-e2e-key'),
    'Scopes → executions:write → Keys does not list the new key',
  );
});

test('Revoke API Key (modal confirmation): the server answers 401, the view shows it revoked', async () => {
  const a = testApi();
  if (!state.keyId || !state.key) pending('needs the generated key');
  a.script('Revoke');
  await vscode.commands.executeCommand('flero.revokeApiKey', state.keyId);
  const r = await call('/api/workflows', state.key);
  assert(r.status === 401, `after revoke: ${r.status}`);
  await a.refresh();
  const node = a.view('apiKeys').find((n) => n.label === 'ext-e2e-key');
  assert(node?.contextValue === 'flero.apiKey.revoked', `view: ${node?.contextValue}`);
});

test('an API key expiring in 2 days gets one warning with "Roll now"; its row has the warning icon and "Expires in 2 days"', async () => {
  const a = testApi();
  const made = await createKeyViaApi('ext-expiring', ['workflows:read'], '2d');
  state.expiringId = made.id;
  state.expiringKey = made.key;
  const before = a.notifications().length;
  await a.refresh();
  const warned = await poll('the expiry warning', () => {
    const w = notificationsAfter(a, before, /"ext-expiring" expires in/);
    return w.length ? w : undefined;
  });
  assert(warned[0]!.level === 'warn', `level ${warned[0]!.level}`);
  assert(warned[0]!.buttons.includes('Roll now'), `buttons: ${warned[0]!.buttons.join(', ')}`);
  await a.refresh();
  await a.refresh();
  const again = notificationsAfter(a, before, /"ext-expiring" expires in/);
  assert(again.length === 1, `the warning was shown ${again.length} times`);
  const node = a.view('apiKeys').find((n) => n.label === 'ext-expiring') as ViewNode & {
    tooltip?: string;
    icon?: { id: string };
  };
  assert(node?.contextValue === 'flero.apiKey.expiring', `contextValue ${node?.contextValue}`);
  assert(node.icon?.id === 'warning', `icon ${node.icon?.id}`);
  assert(/Expires in 2 days \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/.test(node.tooltip ?? ''), `tooltip: ${node.tooltip}`);
});

test('Roll API Key (overlap pick, shown once): the new key works, the old one is still listed and works until its near expiry', async () => {
  const a = testApi();
  if (!state.expiringId || !state.expiringKey) pending('needs the expiring key');
  a.script('1 hour', 'Copy');
  const res = (await vscode.commands.executeCommand('flero.rollApiKey', state.expiringId)) as
    | { id?: string; rolledFrom?: string }
    | undefined;
  assert(
    res?.id && res.rolledFrom === state.expiringId,
    `rollApiKey returned ${JSON.stringify(res)} (answered: ${a.answeredPrompts().join(' | ')})`,
  );
  assert(
    a.answeredPrompts().some((t) => /^Roll API Key "ext-expiring": Overlap$/.test(t)),
    `no overlap prompt: ${a.answeredPrompts().join(' | ')}`,
  );
  const key = (await vscode.env.clipboard.readText()).trim();
  assert(
    /^flero_sk_[0-9A-Za-z]{36}$/.test(key) && key !== state.expiringKey,
    'the clipboard does not hold the new key',
  );
  appendFileSync(cfg.revealedKeysFile, `${key}\n`);
  await vscode.env.clipboard.writeText('');
  assert((await call('/api/workflows', key)).status === 200, 'the new key does not work');
  assert((await call('/api/workflows', state.expiringKey)).status === 200, 'the old key stopped during the overlap');
  await a.refresh();
  const rows = a.view('apiKeys').filter((n) => n.label === 'ext-expiring') as (ViewNode & { tooltip?: string })[];
  const old = rows.find((n) => n.id === `key:${state.expiringId}`);
  const fresh = rows.find((n) => n.id === `key:${res.id}`);
  assert(old && fresh, `rows: ${rows.map((n) => n.id).join(', ')}`);
  assert(old.contextValue === 'flero.apiKey.expiring.rolled', `old key contextValue ${old.contextValue}`);
  assert(/Expires in (59 minutes|1 hour)/.test(old.tooltip ?? ''), `old key tooltip: ${old.tooltip}`);
  assert(/replaced by/.test(old.tooltip ?? ''), 'the old key does not say it was replaced');
  // Rolled already: the API's words come back as an error notification.
  const before = a.notifications().length;
  a.script('24 hours');
  await vscode.commands.executeCommand('flero.rollApiKey', state.expiringId);
  const err = notificationsAfter(a, before, /already_rolled/);
  assert(
    err.length === 1 && err[0]!.level === 'error',
    `second roll: ${JSON.stringify(a.notifications().slice(before))}`,
  );
});

test('Add Credential (password box) tests against the upstream and saves to SecretStorage and the server', async () => {
  const a = testApi();
  const before = await authorizedCalls('/');
  a.script(
    'Generic HTTP service',
    'API key',
    cfg.canary,
    'Header',
    'X-API-Key',
    '',
    `${cfg.upstreamUrl}/`,
    CREDENTIAL_ID,
    'Both',
  );
  const id = await vscode.commands.executeCommand('flero.addCredential');
  assert(id === CREDENTIAL_ID, `addCredential returned ${String(id)} (answered: ${a.answeredPrompts().join(' | ')})`);
  assert((await authorizedCalls('/')) > before, 'the connection test never reached the upstream with the key');
  // One row from SecretStorage, one from the server (the server list refreshes after the save).
  await poll(`two ${CREDENTIAL_ID} rows in the Credentials view`, async () => {
    await a.refresh();
    return flat(a.view('credentials')).filter((n) => n.label === CREDENTIAL_ID).length === 2 ? true : undefined;
  });
  const server = await call('/api/credentials', ownerKey());
  const text = JSON.stringify(server.body);
  assert(server.status === 200 && text.includes(CREDENTIAL_ID), 'the server does not list the credential');
  assert(!text.includes(cfg.canary), 'the server returned the credential value');
});

test('Rotate Credential on the server shows "Rotated … (version N)" with Undo Rotation; Undo Rotation restores it', async () => {
  const a = testApi();
  const target = `server:${CREDENTIAL_ID}`;
  const before = a.notifications().length;
  // The upstream accepts only the canary: a server that tests the new value before swapping refuses it (409
  // rotation_test_failed) and the extension asks "Rotate anyway"; a server that does not test swaps it at once.
  const asked = a.answeredPrompts().length;
  a.script(`${cfg.canary}-rotated`, 'Rotate anyway');
  const rotated = (await vscode.commands.executeCommand('flero.rotateCredential', target)) as
    | { version?: number }
    | undefined;
  const prompts = a.answeredPrompts().slice(asked);
  if (a.pendingAnswers()) a.clearAnswers();
  else
    assert(
      /^The service refused the new value for ".+": .+ Nothing was changed\.$/.test(prompts[1] ?? ''),
      `the refused rotation asked: ${prompts.join(' | ')}`,
    );
  assert(rotated?.version === 2, `rotateCredential returned ${JSON.stringify(rotated)}`);
  const note = notificationsAfter(a, before, new RegExp(`^Rotated ${CREDENTIAL_ID} \\(version 2\\)`));
  assert(
    note.length === 1 && note[0]!.buttons.includes('Undo Rotation'),
    `notifications: ${JSON.stringify(a.notifications().slice(before))}`,
  );
  await a.refresh();
  const row = () => a.view('credentials').find((n) => n.id === `cred:server:${CREDENTIAL_ID}`);
  assert(row()?.contextValue === 'flero.credential.server.undoable', `contextValue ${row()?.contextValue}`);
  const undone = (await vscode.commands.executeCommand('flero.undoRotation', target)) as
    | { version?: number }
    | undefined;
  assert(undone?.version === 3, `undoRotation returned ${JSON.stringify(undone)}`);
  await a.refresh();
  assert(row()?.contextValue === 'flero.credential.server', `after undo: ${row()?.contextValue}`);
  // Once: nothing left to undo, in the API's words.
  const n = a.notifications().length;
  await vscode.commands.executeCommand('flero.undoRotation', target);
  assert(
    notificationsAfter(a, n, /nothing_to_roll_back/).length === 1,
    `second undo: ${JSON.stringify(a.notifications().slice(n))}`,
  );
});

test('Add Credential → custom → OAuth2 → authorization_code: created with its oauth2 fields, "needs consent" in the view, consent and Reconnect open the authorization URL with PKCE', async () => {
  const a = testApi();
  if (a.connection().state !== 'connected') pending('needs the signed-in connection');
  // No real provider is needed for the extension's part: the server builds the consent URL without calling it.
  const tokenUrl = 'http://127.0.0.1:9/oauth/token';
  const authorizationUrl = 'http://127.0.0.1:9/oauth/authorize';
  const opened = a.openedExternal().length;
  const before = a.notifications().length;
  a.script(
    'Generic HTTP service',
    'OAuth2',
    'Authorization code',
    tokenUrl,
    authorizationUrl,
    'flero-e2e-client',
    'read write',
    `${cfg.upstreamUrl}/`,
    'Enter the client secret',
    cfg.canary,
    OAUTH2_ID,
  );
  const id = await vscode.commands.executeCommand('flero.addCredential');
  assert(id === OAUTH2_ID, `addCredential returned ${String(id)} (answered: ${a.answeredPrompts().join(' | ')})`);
  assert(a.pendingAnswers() === 0, `${a.pendingAnswers()} answers left`);
  const list = await call('/api/credentials', ownerKey());
  const text = JSON.stringify(list.body);
  assert(!text.includes(cfg.canary), 'the server returned the client secret');
  const cred = (
    list.body as { id: string; authType: string; hosts?: string[]; oauth2?: Record<string, unknown> }[]
  ).find((c) => c.id === OAUTH2_ID);
  assert(cred?.authType === 'oauth2', `the server has ${JSON.stringify(cred)}`);
  const o = cred.oauth2 ?? {};
  assert(
    o.grantType === 'authorization_code' &&
      o.tokenUrl === tokenUrl &&
      o.authorizationUrl === authorizationUrl &&
      o.clientId === 'flero-e2e-client' &&
      o.scope === 'read write' &&
      o.status === 'needs_consent',
    `oauth2: ${JSON.stringify(o)}`,
  );
  assert(cred.hosts?.join() === new URL(cfg.upstreamUrl).host, `hosts ${cred.hosts?.join()}`);
  const consent = (url: string | undefined) =>
    !!url &&
    url.startsWith(`${authorizationUrl}?`) &&
    /[?&]code_challenge=[\w-]{43}(&|$)/.test(url) &&
    /code_challenge_method=S256/.test(url);
  const first = a.openedExternal().slice(opened);
  assert(first.length === 1 && consent(first[0]), `Add Credential opened ${first.length} URL(s), not the consent page`);
  assert(
    notificationsAfter(a, before, /^Finish the consent for "cred_e2e_oauth2" in your browser/).some((n) =>
      n.buttons.includes('Refresh'),
    ),
    `notifications: ${JSON.stringify(a.notifications().slice(before))}`,
  );
  await a.refresh();
  const row = a.view('credentials').find((n) => n.id === `cred:server:${OAUTH2_ID}`) as
    | (ViewNode & { icon?: { id: string } })
    | undefined;
  assert(row, 'no row for the OAuth2 credential in the Credentials view');
  assert(row.description?.endsWith('needs consent'), `description ${row?.description}`);
  assert(row.icon?.id === 'warning', `icon ${row.icon?.id}`);
  assert(
    row.contextValue === 'flero.credential.server.oauth2.authCode.needsReconnect',
    `contextValue ${row.contextValue}`,
  );
  const res = (await vscode.commands.executeCommand('flero.reconnectOAuth2', `server:${OAUTH2_ID}`)) as
    | { id?: string; opened?: boolean }
    | undefined;
  assert(res?.opened === true, `reconnectOAuth2 returned ${JSON.stringify(res)}`);
  const again = a.openedExternal().slice(opened);
  assert(
    again.length === 2 && consent(again[1]) && again[1] !== again[0],
    'Reconnect did not open a fresh consent URL',
  );
});

test('the language server flags the Code node that logs a header, and its quick fix removes it', async () => {
  const uri = vscode.Uri.file(`${cfg.workspace}/${WORKFLOW_FILE}`);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const leak = await poll(
    'a log-leak diagnostic',
    () =>
      vscode.languages
        .getDiagnostics(uri)
        .find((d) => d.source === 'flero' && String(typeof d.code === 'object' ? d.code.value : d.code) === 'log-leak'),
    45_000,
  );
  assert(/x-api-key/i.test(doc.getText(leak.range)), `the range points at "${doc.getText(leak.range)}"`);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    leak.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const fix = actions.find((x) => /redacted/.test(x.title));
  assert(fix?.edit, `no "[redacted]" quick fix: ${actions.map((x) => x.title).join(' | ')}`);
  assert(await vscode.workspace.applyEdit(fix.edit), 'the quick fix edit did not apply');
  await doc.save();
  await poll(
    'the log-leak diagnostic to go away',
    () =>
      vscode.languages
        .getDiagnostics(uri)
        .some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'log-leak')
        ? undefined
        : true,
    30_000,
  );
});

test('Run Workflow runs in the language server with the credential injected; logs and output are masked', async () => {
  const a = testApi();
  const uri = vscode.Uri.file(`${cfg.workspace}/${WORKFLOW_FILE}`);
  const before = await authorizedCalls('/forecast');
  const execution = (await vscode.commands.executeCommand('flero.runWorkflow', uri)) as
    | { status: string; nodes?: unknown[] }
    | undefined;
  const ex = execution ?? a.lastExecution();
  assert(ex, 'no execution came back');
  const text = JSON.stringify(ex);
  assert(ex.status === 'succeeded', `execution ${ex.status}: ${text.slice(0, 400).split(cfg.canary).join('<canary>')}`);
  assert(!text.includes(cfg.canary), 'the execution contains the credential value');
  assert(text.includes('***'), 'the echoed secret is not masked as *** in the execution');
  assert(text.includes('Temp 21'), 'the Code node output is missing');
  assert((await authorizedCalls('/forecast')) > before, 'the run never called the upstream with the credential');
});

editorTests({
  api: () => testApi() as unknown as EditorApi,
  cfg: () => cfg,
  ownerKey,
  createKeyViaApi,
});

test('signed in with a short-lived key: the status bar shows the days left, under 1 day with a warning background; rolling it signs in with the new key', async () => {
  const a = testApi();
  if (a.connection().state !== 'connected') pending('needs the signed-in connection');
  const scopes = ['workflows:read', 'api-keys:read', 'api-keys:write'];
  const week = await createKeyViaApi('ext-short', scopes, '3d');
  a.script(week.key);
  assert((await vscode.commands.executeCommand('flero.signIn')) === true, 'sign in with the 3-day key failed');
  const bar = await poll('the status bar days left', () =>
    /· [23]d left$/.test(a.statusBar().text) ? a.statusBar() : undefined,
  );
  assert(!bar.warning, `warning background with ${bar.text}`);
  const before = a.notifications().length;
  const day = await createKeyViaApi('ext-shorter', scopes, '12h');
  a.script(day.key);
  assert((await vscode.commands.executeCommand('flero.signIn')) === true, 'sign in with the 12-hour key failed');
  const urgent = await poll('the status bar hours left', () =>
    /· 1[12]h left$/.test(a.statusBar().text) ? a.statusBar() : undefined,
  );
  assert(urgent.warning, `no warning background with ${urgent.text}`);
  const own = await poll('the expiry warning for the signed-in key', () => {
    const w = notificationsAfter(a, before, /"ext-shorter"( \(the one you are signed in with\))? expires in/);
    return w.length ? w : undefined;
  });
  assert(own[0]!.buttons.includes('Roll now'), 'no "Roll now" on the signed-in key warning');
  a.script('1 hour', 'Sign in with the new key');
  const rolled = (await vscode.commands.executeCommand('flero.rollApiKey', day.id)) as
    | { id?: string; signedIn?: boolean }
    | undefined;
  assert(rolled?.id && rolled.signedIn === true, `rollApiKey returned ${JSON.stringify(rolled)}`);
  await poll('signed in with the new key', () => (a.connection().me?.id === rolled.id ? true : undefined));
  assert(a.connection().state === 'connected', `state ${a.connection().state}`);
});

test('Sign Out removes the key from SecretStorage: a reconnect finds no key', async () => {
  const a = testApi();
  if (a.connection().state !== 'connected') pending('needs the signed-in connection');
  await vscode.commands.executeCommand('flero.signOut');
  await a.refresh();
  const c = await poll('signed out', () => (a.connection().state === 'signedOut' ? a.connection() : undefined));
  assert(!c.me, 'key metadata is still there after sign-out');
});

export async function run(): Promise<void> {
  cfg = config();
  const redact = (s: string) =>
    s
      .split(cfg.canary)
      .join('<canary>')
      .replace(/flero_sk_[0-9A-Za-z]{36}/g, '<flero-key>');
  try {
    await runAll(redact);
  } finally {
    await vscode.workspace
      .getConfiguration('flero')
      .update('server.url', undefined, vscode.ConfigurationTarget.Global)
      .then(undefined, () => undefined);
  }
}
