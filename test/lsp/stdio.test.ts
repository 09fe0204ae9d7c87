// The built language server (dist/languageServer.mjs, and `flero lsp --stdio`) driven over real stdio by our own
// JSON-RPC client: pull and push clients see the same problems; credentials refresh diagnostics; lenses; a run with
// sealed credentials against a real local upstream leaks no canary. Build first: `node esbuild.mjs`.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, afterEach, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { seal } from '../../server/src/core/seal';
import { LspClient, type Message } from '../helpers/lspClient';
import { startUpstream, type Upstream } from '../helpers/upstream';

const root = fileURLToPath(new URL('../../', import.meta.url));
const serverJs = `${root}dist/languageServer.mjs`;
const cliJs = `${root}dist/flero.mjs`;
const fixture = readFileSync(new URL('../fixtures/lsp/sample.flero.json', import.meta.url), 'utf8');
const credentials = JSON.parse(readFileSync(new URL('../fixtures/lsp/credentials.json', import.meta.url), 'utf8'));
const URI = 'file:///ws/sample.flero.json';

const PULL_CAPS = {
  textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } },
  workspace: { diagnostics: { refreshSupport: true }, codeLens: { refreshSupport: true } },
};
const PUSH_CAPS = { textDocument: { publishDiagnostics: { relatedInformation: true } } };

interface Diag {
  code: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  source: string;
}
const summary = (ds: Diag[]) =>
  ds
    .map(
      (d) =>
        `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${d.code}`,
    )
    .sort();

const clients: LspClient[] = [];
function client(env: NodeJS.ProcessEnv = {}, args = [serverJs, '--stdio']): LspClient {
  const c = new LspClient({ command: process.execPath, args, env: { ...process.env, ...env } });
  clients.push(c);
  return c;
}

before(() => {
  assert.ok(existsSync(serverJs), 'build first: node esbuild.mjs');
});
// Each test's servers end with it (shutdown + exit), so at most a couple run at a time.
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function pullDiagnostics(c: LspClient, uri = URI, previousResultId?: string) {
  return c.request<{ kind: string; items?: Diag[]; resultId?: string }>('textDocument/diagnostic', {
    textDocument: { uri },
    ...(previousResultId ? { previousResultId } : {}),
  });
}

function lastPublished(c: LspClient, from = 0): Promise<Message> {
  return c.waitFor(
    (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === URI,
    10_000,
    from,
  );
}

test('pull and push clients see exactly the same problems', async () => {
  const pull = client();
  const init = await pull.initialize(PULL_CAPS, { credentials });
  assert.ok(init.capabilities.diagnosticProvider, 'pull client gets a diagnosticProvider');
  pull.open(URI, fixture);
  const pulled = await pullDiagnostics(pull);
  assert.equal(pulled.kind, 'full');

  const push = client();
  const init2 = await push.initialize(PUSH_CAPS, { credentials });
  assert.equal(init2.capabilities.diagnosticProvider, undefined, 'push client gets no diagnosticProvider');
  push.open(URI, fixture);
  const published = (await lastPublished(push)).params as { diagnostics: Diag[] };

  assert.ok(pulled.items!.length >= 10);
  assert.deepEqual(summary(published.diagnostics), summary(pulled.items!));
  assert.ok(pulled.items!.every((d) => d.source === 'flero'));
  const codes = new Set(pulled.items!.map((d) => d.code));
  for (const c of [
    'schema',
    'duplicate-node-id',
    'unknown-node',
    'cycle',
    'unknown-credential',
    'hardcoded-secret',
    'insecure-transport',
    'code-syntax',
    'log-leak',
  ])
    assert.ok(codes.has(c), `sees ${c}`);

  // Nothing is recomputed for an unchanged document: the same resultId comes back as "unchanged".
  const again = await pullDiagnostics(pull, URI, pulled.resultId);
  assert.equal(again.kind, 'unchanged');
});

test('setCredentials: the pull client is asked to refresh and then sees the new state; the push client gets a re-push', async () => {
  const pull = client();
  await pull.initialize(PULL_CAPS, { credentials });
  pull.open(URI, fixture);
  const before1 = await pullDiagnostics(pull);
  assert.ok(before1.items!.some((d) => d.code === 'unknown-credential'));
  const mark = pull.received.length;
  pull.notify('flero/setCredentials', {
    credentials: [
      ...credentials,
      { id: 'cred_x', name: 'X', service: 'custom', authType: 'bearer', hosts: ['api.example.com'] },
    ],
  });
  await pull.waitFor((m) => m.method === 'workspace/diagnostic/refresh', 10_000, mark);
  const after1 = await pullDiagnostics(pull, URI, before1.resultId);
  assert.equal(after1.kind, 'full');
  assert.ok(!after1.items!.some((d) => d.code === 'unknown-credential'), 'unknown-credential is gone');

  const push = client();
  await push.initialize(PUSH_CAPS, { credentials });
  push.open(URI, fixture);
  const first = (await lastPublished(push)).params as { diagnostics: Diag[] };
  assert.ok(first.diagnostics.some((d) => d.code === 'unknown-credential'));
  const mark2 = push.received.length;
  push.notify('flero/setCredentials', {
    credentials: [
      ...credentials,
      { id: 'cred_x', name: 'X', service: 'custom', authType: 'bearer', hosts: ['api.example.com'] },
    ],
  });
  const second = (await lastPublished(push, mark2)).params as { diagnostics: Diag[] };
  assert.ok(!second.diagnostics.some((d) => d.code === 'unknown-credential'));
});

test('edits are re-checked: a push client gets diagnostics for the new version', async () => {
  const push = client();
  await push.initialize(PUSH_CAPS, {});
  push.open(URI, fixture);
  await lastPublished(push);
  const mark = push.received.length;
  const clean = '{ "id": "wf_ok", "name": "ok", "nodes": [ { "id": "start", "type": "trigger" } ] }';
  push.change(URI, clean, 2);
  const msg = (await lastPublished(push, mark)).params as { diagnostics: Diag[]; version: number };
  assert.equal(msg.version, 2);
  assert.deepEqual(msg.diagnostics, []);
});

test('code lenses, quick fixes, hover and completion over stdio; setServer adds a pre-flighted "Run on server"', async () => {
  const c = client();
  await c.initialize(PULL_CAPS, { credentials });
  c.open(URI, fixture);
  type Lens = { command: { title: string; command: string } };
  const lenses = await c.request<Lens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
  assert.deepEqual(
    lenses.map((l) => l.command.command),
    ['flero.runWorkflow', 'flero.runWorkflowWithInput', 'flero.editCodeNode', 'flero.editCodeNode'],
    'run lenses on the document, "Edit as JavaScript" on each of its two Code nodes',
  );
  const mark = c.received.length;
  c.notify('flero/setServer', {
    connected: true,
    url: 'http://127.0.0.1:8787',
    key: { id: 'k', name: 'reader', scopes: ['workflows:read'], workflows: 'all' },
  });
  await c.waitFor((m) => m.method === 'workspace/codeLens/refresh', 10_000, mark);
  const lenses2 = await c.request<Lens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
  assert.equal(lenses2.length, 5);
  assert.equal(lenses2[2]!.command.command, 'flero.explain');
  assert.match(lenses2[2]!.command.title, /lacks the executions:write scope/);

  const pulled = await pullDiagnostics(c);
  const unknownCred = pulled.items!.find((d) => d.code === 'unknown-credential')!;
  type Action = { title: string; edit: { changes: Record<string, { newText: string }[]> } };
  const actions = await c.request<Action[]>('textDocument/codeAction', {
    textDocument: { uri: URI },
    range: unknownCred.range,
    context: { diagnostics: [unknownCred] },
  });
  assert.ok(actions.some((a) => a.title.startsWith('Use credential "cred_')));

  const line = fixture.split('\n').findIndex((l) => l.includes('"gh"'));
  const character = fixture.split('\n')[line]!.indexOf('github.getUser') + 3;
  const h = await c.request<{ contents: { value: string } }>('textDocument/hover', {
    textDocument: { uri: URI },
    position: { line, character },
  });
  assert.match(h.contents.value, /GitHub: The authenticated user/);
  const items = await c.request<{ label: string }[]>('textDocument/completion', {
    textDocument: { uri: URI },
    position: { line, character },
  });
  assert.ok(items.some((i) => i.label === 'slack.postMessage'));
  const symbols = await c.request<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
  assert.deepEqual(
    symbols.map((s) => s.name),
    ['start', 'fetch', 'shape', 'bad', 'start', 'gh'],
  );
});

test('cancellation: a pull for a 2,000-node workflow is abandoned when the client cancels it', async () => {
  const c = client();
  await c.initialize(PULL_CAPS, {});
  const { generateWorkflow } = await import('../fixtures/lsp/generate');
  const uri = 'file:///ws/big.flero.json';
  c.open(uri, generateWorkflow(2000));
  const { id, done } = c.requestWithId('textDocument/diagnostic', { textDocument: { uri } });
  c.notify('$/cancelRequest', { id });
  await assert.rejects(done, (err: Error & { code?: number }) => err.code === -32800);
  // The server is still fine, and a later pull completes.
  const full = await pullDiagnostics(c, uri);
  assert.equal(full.kind, 'full');
  assert.deepEqual(full.items, []);
});

test('`flero lsp --stdio` starts the same server', async () => {
  const c = client({}, [cliJs, 'lsp', '--stdio']);
  await c.initialize(PUSH_CAPS, {});
  c.open(URI, fixture);
  const published = (await lastPublished(c)).params as { diagnostics: Diag[] };
  assert.ok(published.diagnostics.some((d) => d.code === 'log-leak'));
});

let upstream: Upstream | undefined;
after(async () => upstream?.close());

test('flero/runWorkflow: sealed credentials, real upstream, progress notifications, and no canary anywhere in the output', async () => {
  const canary = `canary-${randomBytes(12).toString('hex')}`;
  upstream = await startUpstream((req) => ({
    status: 200,
    // The upstream echoes the Authorization header: the engine must mask it in the execution.
    body: { seen: req.headers.authorization ?? null, city: req.query.city ?? null },
  }));
  const runKey = randomBytes(32);
  const c = client({ FLERO_LSP_RUN_KEY: runKey.toString('base64') });
  const meta = { id: 'cred_up', name: 'Upstream', service: 'custom', authType: 'bearer', hosts: [upstream.host] };
  await c.initialize(PULL_CAPS, { credentials: [meta] });
  const wf = {
    id: 'wf_run',
    name: 'Run over stdio',
    nodes: [
      { id: 'start', type: 'trigger' },
      {
        id: 'call',
        type: 'http',
        method: 'GET',
        url: `${upstream.url}/data?city={{ $input.city }}`,
        credential: 'cred_up',
      },
      {
        id: 'shape',
        type: 'code',
        code: "console.log('city', $node.call.body.city);\nreturn { city: $node.call.body.city, seen: $node.call.body.seen };",
      },
    ],
    connections: [
      { from: 'start', to: 'call' },
      { from: 'call', to: 'shape' },
    ],
  };
  const uri = 'file:///ws/run.flero.json';
  c.open(uri, JSON.stringify(wf, null, 2));
  const sealedCredentials = seal(runKey, JSON.stringify({ cred_up: canary }));
  type Result = {
    execution: { status: string; output: { city: string; seen: string }; nodes: { id: string; status: string }[] };
  };
  const result = await c.request<Result>('flero/runWorkflow', {
    uri,
    runId: 'r1',
    input: { city: 'Oslo' },
    sealedCredentials,
  });

  assert.equal(result.execution.status, 'succeeded', JSON.stringify(result.execution));
  assert.equal(result.execution.output.city, 'Oslo');
  assert.equal(upstream.requests.length, 1);
  assert.equal(upstream.requests[0]!.headers.authorization, `Bearer ${canary}`, 'the credential was injected');
  assert.ok(!JSON.stringify(result).includes(canary), 'the execution is masked');
  const progress = c.received.filter((m) => m.method === 'flero/runProgress');
  assert.ok(progress.length >= 3, 'per-node progress was streamed');
  assert.ok(progress.every((m) => (m.params as { runId: string }).runId === 'r1'));
  assert.ok(progress.some((m) => (m.params as { event: { nodeId: string; status: string } }).event.nodeId === 'call'));

  // A wrong run key is refused with a clear error that quotes nothing secret.
  const wrong = seal(randomBytes(32), JSON.stringify({ cred_up: canary }));
  await assert.rejects(c.request('flero/runWorkflow', { uri, runId: 'r2', sealedCredentials: wrong }), /wrong run key/);

  await c.close();
  const everything = c.everything();
  for (const form of [canary, Buffer.from(canary).toString('base64'), encodeURIComponent(canary)])
    assert.ok(!everything.includes(form), 'no canary form in anything the server wrote');
});

test('flero/runWorkflow honours cancellation: a run waiting on a slow upstream ends as cancelled', async () => {
  const slow = await startUpstream(() => ({ status: 200, body: { late: true }, delayMs: 8_000 }));
  try {
    const c = client();
    await c.initialize(PULL_CAPS, {});
    const wf = {
      id: 'wf_slow',
      name: 'Slow',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'wait', type: 'http', method: 'GET', url: `${slow.url}/slow` },
      ],
      connections: [{ from: 'start', to: 'wait' }],
    };
    const uri = 'file:///ws/slow.flero.json';
    c.open(uri, JSON.stringify(wf));
    const mark = c.received.length;
    const { id, done } = c.requestWithId<{ execution: { status: string } }>('flero/runWorkflow', {
      uri,
      runId: 'slow1',
    });
    await c.waitFor(
      (m) =>
        m.method === 'flero/runProgress' &&
        (m.params as { event: { nodeId: string; status: string } }).event.nodeId === 'wait' &&
        (m.params as { event: { status: string } }).event.status === 'running',
      10_000,
      mark,
    );
    const cancelledAt = Date.now();
    c.notify('$/cancelRequest', { id });
    const outcome = await done.then(
      (r) => r.execution.status,
      (err: Error & { code?: number }) => (err.code === -32800 ? 'cancelled' : `error ${err.message}`),
    );
    assert.equal(outcome, 'cancelled');
    assert.ok(Date.now() - cancelledAt < 6_000, 'it did not wait for the upstream');
  } finally {
    await slow.close();
  }
});
