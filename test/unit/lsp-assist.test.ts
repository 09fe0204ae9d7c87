// Hover, completion, code lenses, symbols and the document model. `|` in a source marks the cursor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CredentialMeta } from '../../server/src/core/credentials';
import { ClientCommands } from '../../server/src/lsp/protocol';
import { completion, hover } from '../../server/src/lsp/service/assist';
import { decodedIndexAt, parseDocument, positionAt, stringOffset } from '../../server/src/lsp/service/document';
import { codeLenses, documentSymbols } from '../../server/src/lsp/service/lenses';
import type { ServiceContext } from '../../server/src/lsp/service/types';

const credentials: CredentialMeta[] = [
  { id: 'cred_github', name: 'GitHub bot', service: 'github', authType: 'bearer' },
  {
    id: 'cred_weather',
    name: 'Weather',
    service: 'custom',
    authType: 'apiKey',
    header: { name: 'X-API-Key', prefix: '' },
    hosts: ['api.weather.example'],
  },
];

function at(source: string) {
  const offset = source.indexOf('|');
  assert.ok(offset >= 0, 'the source has a | cursor');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  return { doc: parseDocument('file:///t.flero.json', text), offset };
}

const wf = (node: string) =>
  `{ "id": "wf_a", "name": "A", "nodes": [ { "id": "start", "type": "trigger" }, { "id": "fetch", "type": "http", "method": "GET", "url": "https://api.github.com/user" }, ${node} ], "connections": [] }`;

test('hover on a credential id shows service, placement and hosts (metadata only)', () => {
  const { doc, offset } = at(
    wf('{ "id": "w", "type": "http", "method": "GET", "url": "https://x", "credential": "cred_wea|ther" }'),
  );
  const h = hover(doc, { credentials }, offset);
  assert.ok(h);
  assert.match(h.markdown, /\*\*Weather\*\* \(`cred_weather`\)/);
  assert.match(h.markdown, /header `X-API-Key: …`/);
  assert.match(h.markdown, /hosts: api\.weather\.example/);
  assert.equal(doc.text.slice(h.start, h.end), '"cred_weather"');
});

test('hover on a bearer credential of a catalog service shows the service hosts', () => {
  const { doc, offset } = at(wf('{ "id": "g", "type": "github.getUser", "credential": "|cred_github" }'));
  const h = hover(doc, { credentials }, offset)!;
  assert.match(h.markdown, /service: GitHub/);
  assert.match(h.markdown, /Authorization: Bearer/);
  assert.match(h.markdown, /hosts: api\.github\.com/);
});

test('hover on a node type describes it from the schema and the catalog', () => {
  let { doc, offset } = at(wf('{ "id": "c", "type": "co|de", "code": "return 1" }'));
  assert.match(hover(doc, {}, offset)!.markdown, /JavaScript run in a sandbox/);
  ({ doc, offset } = at(wf('{ "id": "p", "type": "slack.post|Message", "params": {} }')));
  const md = hover(doc, {}, offset)!.markdown;
  assert.match(md, /Post a message to a channel/);
  assert.match(md, /`channel` \(required\)/);
});

test('hover on $node.<id> inside {{ }} shows that node; the range is the expression in the file', () => {
  const { doc, offset } = at(
    wf('{ "id": "s", "type": "slack.postMessage", "params": { "text": "Hi \\"{{ $node.fe|tch.body.login }}\\"" } }'),
  );
  const h = hover(doc, {}, offset)!;
  assert.match(h.markdown, /`\$node\.fetch` — http node/);
  assert.match(h.markdown, /status, headers, body/);
  assert.equal(doc.text.slice(h.start, h.end), '{{ $node.fetch.body.login }}');
});

test('hover and completion of $node.<id> inside a Code node’s source', () => {
  let { doc, offset } = at(wf('{ "id": "c", "type": "code", "code": "const b = $node.fet|ch.body;\\nreturn b;" }'));
  const h = hover(doc, {}, offset)!;
  assert.match(h.markdown, /`\$node\.fetch` — http node/);
  assert.equal(doc.text.slice(h.start, h.end), '$node.fetch');
  ({ doc, offset } = at(wf('{ "id": "c", "type": "code", "code": "const b = $node.f|" }')));
  assert.deepEqual(
    completion(doc, {}, offset).map((c) => c.label),
    ['$node.fetch'],
  );
  ({ doc, offset } = at(wf('{ "id": "c", "type": "code", "code": "const b = no|" }')));
  assert.deepEqual(completion(doc, {}, offset), []);
});

test('hover on the workflow id shows the connected key scopes and whether it may run it', () => {
  const { doc, offset } = at('{ "id": "wf_|a", "name": "A", "nodes": [ { "id": "start", "type": "trigger" } ] }');
  const ctx: ServiceContext = {
    server: {
      connected: true,
      url: 'http://127.0.0.1:8787',
      key: { id: 'k1', name: 'ci', scopes: ['workflows:read'], workflows: 'all' },
    },
  };
  const md = hover(doc, ctx, offset)!.markdown;
  assert.match(md, /lacks the executions:write scope/);
  assert.match(md, /`workflows:read` — List and read workflows/);
});

test('completion of node types includes connectors; of credentials, the known ids; of methods, HTTP verbs', () => {
  let { doc, offset } = at(wf('{ "id": "x", "type": "|" }'));
  const types = completion(doc, {}, offset).map((c) => c.label);
  for (const t of ['trigger', 'http', 'code', 'slack.postMessage', 'github.getUser']) assert.ok(types.includes(t), t);
  ({ doc, offset } = at(wf('{ "id": "x", "type": "http", "method": "GET", "url": "https://a", "credential": "cr|" }')));
  const creds = completion(doc, { credentials }, offset);
  assert.deepEqual(
    creds.map((c) => c.label),
    ['cred_github', 'cred_weather'],
  );
  assert.equal(doc.text.slice(creds[0]!.start, creds[0]!.end), '"cr"');
  assert.equal(creds[0]!.newText, '"cred_github"');
  ({ doc, offset } = at(wf('{ "id": "x", "type": "http", "method": "P|", "url": "https://a" }')));
  assert.deepEqual(
    completion(doc, {}, offset).map((c) => c.label),
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  );
});

test('completion inside {{ }} offers $input and $node.<id>; outside it offers nothing', () => {
  let { doc, offset } = at(wf('{ "id": "s", "type": "slack.postMessage", "params": { "text": "\\t{{ $no|" } }'));
  const items = completion(doc, {}, offset);
  assert.deepEqual(
    items.map((c) => c.label),
    ['$node.start', '$node.fetch', '$node.s'],
  );
  assert.equal(doc.text.slice(items[0]!.start, items[0]!.end), '$no');
  ({ doc, offset } = at(wf('{ "id": "s", "type": "slack.postMessage", "params": { "text": "{{ $input }} and |" } }')));
  assert.deepEqual(completion(doc, {}, offset), []);
  ({ doc, offset } = at(wf('{ "id": "s", "type": "slack.postMessage", "params": { "text": "{{ |" } }')));
  assert.equal(completion(doc, {}, offset)[0]!.label, '$input');
});

test('code lenses: run, run with input; run on server only when connected, with the scope pre-flight', () => {
  const doc = parseDocument('file:///w.flero.json', wf('{ "id": "z", "type": "trigger" }'));
  assert.deepEqual(
    codeLenses(doc, {}).map((l) => l.command),
    [ClientCommands.runWorkflow, ClientCommands.runWorkflowWithInput],
  );
  const key = {
    id: 'k',
    name: 'deploy',
    scopes: ['executions:write', 'workflows:write'],
    workflows: ['wf_other'] as string[],
  };
  const blocked = codeLenses(doc, { server: { connected: true, url: 'http://h', key } })[2]!;
  assert.equal(blocked.command, ClientCommands.explain);
  assert.match(blocked.title, /outside key "deploy"'s allow-list/);
  assert.match(JSON.stringify(blocked.arguments), /wf_a/);
  const ok = codeLenses(doc, {
    server: { connected: true, url: 'http://h', key: { ...key, workflows: ['wf_a'] } },
  })[2]!;
  assert.equal(ok.command, ClientCommands.runWorkflowOnServer);
  const expired = codeLenses(doc, {
    server: { connected: true, key: { ...key, workflows: 'all', expiresAt: '2000-01-01T00:00:00Z' } },
  })[2]!;
  assert.match(expired.title, /expired/);
  const noUpload = codeLenses(doc, {
    server: { connected: true, key: { ...key, scopes: ['executions:write'], workflows: 'all' } },
  })[2]!;
  assert.match(noUpload.title, /lacks the workflows:write scope/);
  assert.equal(codeLenses(doc, { server: { connected: false } }).length, 2);
});

test('code lenses: "Edit as JavaScript" on each Code node\'s code property, with the node id', () => {
  const doc = parseDocument(
    'file:///w.flero.json',
    wf(
      '{ "id": "shape", "type": "code", "code": "return 1;" }, { "id": "odd", "type": "code", "code": 3 }, ' +
        '{ "id": "../../escape", "type": "code", "code": "return 2;" }, { "id": "a/b", "type": "code", "code": "" }',
    ),
  );
  const edit = codeLenses(doc, {}).filter((l) => l.command === ClientCommands.editCodeNode);
  assert.equal(edit.length, 1, 'a code node whose code is not a string, or whose id is a path, gets none');
  assert.equal(edit[0]!.title, 'Edit as JavaScript');
  assert.deepEqual(edit[0]!.arguments, [{ uri: 'file:///w.flero.json', nodeId: 'shape' }]);
  assert.equal(doc.text.slice(edit[0]!.start, edit[0]!.end), '"code": "return 1;"');
});

test('document symbols: one per node, selection on its id', () => {
  const doc = parseDocument('file:///w.flero.json', wf('{ "id": "z", "type": "trigger" }'));
  const syms = documentSymbols(doc);
  assert.deepEqual(
    syms.map((s) => `${s.name}:${s.detail}`),
    ['start:trigger', 'fetch:http', 'z:trigger'],
  );
  assert.equal(doc.text.slice(syms[1]!.selectionStart, syms[1]!.selectionEnd), '"fetch"');
});

test('string offsets map through every JSON escape, both ways', () => {
  const text = '{"s": "a\\nb\\"c\\u00e9d\\\\e\\/f\\tg😀h"}';
  const doc = parseDocument('file:///s.json', text);
  const node = doc.root!.children![0]!.children![1]!;
  const value = node.value as string;
  assert.equal(value, 'a\nb"céd\\e/f\tg😀h');
  for (let i = 0; i < value.length; i++) {
    const off = stringOffset(doc, node, i);
    const next = stringOffset(doc, node, i + 1);
    // The file slice of one decoded unit decodes back to that unit (surrogate halves: compare the pair).
    if (value.charCodeAt(i) >= 0xd800 && value.charCodeAt(i) < 0xdc00) continue;
    if (value.charCodeAt(i) >= 0xdc00 && value.charCodeAt(i) < 0xe000) continue;
    assert.equal(JSON.parse(`"${text.slice(off, next)}"`), value[i], `unit ${i}`);
    assert.equal(decodedIndexAt(doc, node, off), i);
  }
  assert.equal(text[stringOffset(doc, node, value.length)], '"');
});

test('positions: CRLF and LF line starts', () => {
  const doc = parseDocument('file:///c.json', '{\r\n  "a": 1,\n  "b": 2\r\n}');
  assert.deepEqual(positionAt(doc, doc.text.indexOf('"b"')), { line: 2, character: 2 });
  assert.deepEqual(positionAt(doc, doc.text.length), { line: 3, character: 1 });
});

test('the fast tree builder gives jsonc-parser’s tree for well-formed documents, and steps aside for broken ones', async () => {
  const { getNodeValue, parseTree } = await import('../../server/src/lsp/service/jsonc');
  const { fastParseTree } = await import('../../server/src/lsp/service/fastTree');
  const { generateWorkflow } = await import('../fixtures/lsp/generate');
  const strip = (n: unknown): unknown => JSON.parse(JSON.stringify(n, (k, v) => (k === 'parent' ? undefined : v)));
  const samples = [
    generateWorkflow(30),
    '{"a": [1, -2.5e3, true, false, null, "x\\u0041\\n\\"", {}, []], "b": {"c": "d"}}',
    '// comment\n{ /* inline */ "a": 1 // trailing\n}',
    '\ufeff{"bom": true}',
    '{"__proto__": {"polluted": 1}, "dup": 1, "dup": 2}',
  ];
  for (const text of samples) {
    const fast = fastParseTree(text);
    assert.ok(fast, 'well-formed: fast path');
    assert.deepEqual(strip(fast.root), strip(parseTree(text)));
    assert.deepEqual(fast.value, JSON.parse(JSON.stringify(getNodeValue(parseTree(text)!))), 'value = getNodeValue');
  }
  for (const broken of ['{"a": 1,}', '{"a" 1}', '[1 2]', '{"a": "unterminated}', '{"a": tru}', '{} extra', '{"a": 01}'])
    assert.equal(fastParseTree(broken), undefined, broken);
});
