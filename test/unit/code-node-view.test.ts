// A Code node as a JavaScript document and back (client/src/codeNodes/model.ts): the view, the write-back's escaping
// (golden), positions mapped through escapes, the generated declarations. The extension's file system provider is
// exercised in the real VS Code (test/e2e/ext).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import {
  codeFromView,
  codeLiteral,
  codeNodes,
  declarations,
  findCodeNode,
  HEADER_LINES,
  JSCONFIG,
  javascriptView,
  parseWorkflow,
  upstreamNodes,
  viewPosition,
} from '../../client/src/codeNodes/model';
import { parseDocument } from '../../server/src/lsp/service/document';
import { computeDiagnostics } from '../../server/src/lsp/service/diagnostics';

const workflow = (code: string) =>
  JSON.stringify(
    {
      id: 'wf_code',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'forecast', type: 'http', method: 'GET', url: 'https://api.example.com/forecast' },
        { id: 'shape', type: 'code', code },
        { id: 'other', type: 'http', method: 'GET', url: 'https://x.example/' },
      ],
      connections: [
        { from: 'start', to: 'forecast' },
        { from: 'forecast', to: 'shape' },
        { from: 'start', to: 'other' },
      ],
    },
    null,
    2,
  );

const view = (code: string) => javascriptView(code, { nodeId: 'shape', workflowName: 'weather.flero.json' });

test('the view is the sandbox function, typed; the code between is unchanged and round-trips', () => {
  const code = 'const t = $node.forecast.body.temp;\nreturn { summary: `Temp ${t}` };';
  const v = view(code);
  const lines = v.split('\n');
  assert.equal(lines[0], '// @ts-check');
  assert.match(lines[2]!, /@param \{FleroInput\} \$input/);
  assert.match(lines[3]!, /@param \{FleroNodes\} \$node/);
  assert.equal(lines[HEADER_LINES - 1], 'export default async function ($input, $node) {');
  assert.equal(lines.slice(HEADER_LINES, HEADER_LINES + 2).join('\n'), code);
  assert.equal(lines.at(-2), '}');
  assert.deepEqual(codeFromView(v), { code });
  // CRLF from an editor on Windows, a header regenerated elsewhere, no final newline: the same code.
  assert.deepEqual(codeFromView(v.replace(/\n/g, '\r\n')), { code });
  assert.deepEqual(codeFromView(v.replace('in weather.flero.json', 'in renamed.flero.json').trimEnd()), { code });
  assert.deepEqual(codeFromView(view('')), { code: '' });
});

test('a broken function around the code is refused with what to keep', () => {
  const v = view('return 1;');
  const noOpen = codeFromView(v.replace('export default async function ($input, $node) {', 'function f() {'));
  assert.match((noOpen as { error: string }).error, /Keep the line "export default async function/);
  const noClose = codeFromView(v.replace(/\n\}\n$/, '\n'));
  assert.match((noClose as { error: string }).error, /closing "\}"/);
});

test('golden: saving writes the code back with JSON escaping (quotes, backslashes, unicode, </script>, tabs)', () => {
  const code = [
    'const q = "say \\"hi\\"";',
    "const path = 'C:\\\\temp\\\\new';",
    'const re = /\\d+\\/\\w*/;',
    '\tconsole.log(`ünïcödé — 🎉 ${q}`);',
    'const html = "<script>alert(1)</script>";',
    'return { q, path, html };',
  ].join('\n');
  const literal = codeLiteral(code);
  // What the workflow file holds afterwards, character for character.
  const golden = String.raw`"const q = \"say \\\"hi\\\"\";\nconst path = 'C:\\\\temp\\\\new';\nconst re = /\\d+\\/\\w*/;\n\tconsole.log(${'`'}ünïcödé — 🎉 ${'${q}'}${'`'});\nconst html = \"<script>alert(1)</script>\";\nreturn { q, path, html };"`;
  assert.equal(literal, golden);
  // Replace the literal in the file as the provider does, then read it back: the same code, valid JSON.
  const text = workflow('return 0;');
  const node = findCodeNode(text, 'shape')!;
  const saved = text.slice(0, node.start) + literal + text.slice(node.end);
  assert.equal(JSON.parse(saved).nodes[2].code, code);
  assert.equal(findCodeNode(saved, 'shape')!.code, code);
  assert.equal(saved.slice(0, node.start), text.slice(0, node.start), 'nothing before the literal changes');
  assert.equal(saved.slice(node.start + literal.length), text.slice(node.end), 'nothing after it changes');
  // A lone surrogate cannot be written raw into UTF-8: JSON.stringify escapes it.
  assert.equal(codeLiteral('\ud800'), '"\\ud800"');
});

test('a file position inside the code string maps to the view through escapes', () => {
  const code = 'const a = "x\\ty";\nconsole.log($node.forecast.headers["x-api-key"]);';
  const text = workflow(code);
  const doc = parseWorkflow(text);
  const node = findCodeNode(text, 'shape', doc)!;
  const fileOffset = text.indexOf('console.log');
  assert.deepEqual(viewPosition(doc, node, fileOffset), { line: HEADER_LINES + 1, character: 0 });
  const after = text.indexOf('x\\\\ty') + 'x\\\\t'.length; // "y" after the escaped backslash-t in the file
  assert.deepEqual(viewPosition(doc, node, after), { line: HEADER_LINES, character: 'const a = "x\\t'.length });
  assert.deepEqual(viewPosition(doc, node, node.end - 1), {
    line: HEADER_LINES + 1,
    character: code.split('\n')[1]!.length,
  });
  assert.equal(viewPosition(doc, node, node.start - 3), undefined);
});

test("the language server's log-leak diagnostic lands on the logged expression in the view", () => {
  const code = 'const h = $node.forecast.headers;\nconsole.log("key", h["x-api-key"]);\nreturn {};';
  const text = workflow(code);
  const doc = parseDocument('file:///w.flero.json', text);
  const leak = computeDiagnostics(doc, {}).find((d) => d.code === 'log-leak');
  assert.ok(leak, 'the language server reports the leak');
  const parsed = parseWorkflow(text);
  const node = findCodeNode(text, 'shape', parsed)!;
  const a = viewPosition(parsed, node, leak.start)!;
  const b = viewPosition(parsed, node, leak.end)!;
  const viewLines = view(code).split('\n');
  assert.equal(a.line, b.line);
  assert.match(viewLines[a.line]!.slice(a.character, b.character), /h\["x-api-key"\]|console\.log/);
});

test('declarations type $node from the upstream kinds; only ancestors are in it', () => {
  const text = workflow('return 1;');
  assert.deepEqual(
    upstreamNodes(text, 'shape').map((u) => `${u.id}:${u.type}:${u.detail ?? ''}`),
    ['start:trigger:', 'forecast:http:GET https://api.example.com/forecast'],
  );
  const d = declarations('shape', upstreamNodes(text, 'shape'), 'weather.flero.json');
  assert.match(
    d,
    /interface FleroHttpOutput \{[^}]*status: number;[^}]*headers: Record<string, string>;[^}]*body: any;/s,
  );
  assert.match(d, /interface FleroNodes \{[^}]*forecast: FleroHttpOutput;[^}]*\}/s);
  assert.match(d, /start: FleroInput;/);
  assert.doesNotMatch(d, /other:/, 'a node that is not upstream is not promised');
  assert.match(d, /declare var console: FleroConsole;/);
  assert.deepEqual(
    codeNodes(text).map((n) => n.nodeId),
    ['shape'],
  );
});

test("a Code node whose id the schema refuses gets no view: its id would be a path under the views' folder", () => {
  const text = JSON.stringify({
    id: 'wf_t',
    nodes: [
      { id: '../../escape', type: 'code', code: 'return 1;' },
      { id: 'a/b', type: 'code', code: 'return 2;' },
      { id: 'ok_1', type: 'code', code: 'return 3;' },
    ],
    connections: [],
  });
  assert.deepEqual(
    codeNodes(text).map((n) => n.nodeId),
    ['ok_1'],
  );
});

test('the TypeScript checker over a node folder (view + declarations + jsconfig): what the sandbox has, and lacks', () => {
  const text = workflow('return 1;');
  const dir = mkdtempSync(join(tmpdir(), 'flero-code-'));
  try {
    writeFileSync(join(dir, 'jsconfig.json'), JSCONFIG);
    writeFileSync(join(dir, 'flero.d.ts'), declarations('shape', upstreamNodes(text, 'shape'), 'w.flero.json'));
    const code = [
      'const t = $node.forecast.body.temp;',
      'const s = $node.forecast.status.toFixed(0);',
      "console.log('temp', t, await Promise.resolve(s));",
      'const missing = $node.nope;',
      "fetch('https://example.com');",
      'setTimeout(() => {}, 1);',
      'return { summary: `Temp ${t}` };',
    ].join('\n');
    writeFileSync(join(dir, 'shape.js'), view(code));
    const cfg = ts.parseJsonConfigFileContent(
      ts.readConfigFile(join(dir, 'jsconfig.json'), ts.sys.readFile).config,
      ts.sys,
      dir,
    );
    const program = ts.createProgram(cfg.fileNames, cfg.options);
    const found = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName.endsWith('shape.js'))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start!);
        return `${line - HEADER_LINES}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    // Top-level await and return are fine (it is the sandbox's async function); $node.forecast is typed; console
    // exists. What the sandbox lacks is an error: an unknown node, fetch, timers.
    assert.deepEqual(found, [
      "3: Property 'nope' does not exist on type 'FleroNodes'.",
      "4: Cannot find name 'fetch'.",
      "5: Cannot find name 'setTimeout'.",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
