// The workflow graph webview: its HTML shell (client/src/graph/html.ts) under the strict content-security policy,
// the webview script's own type check (its folder is a TypeScript project of its own, with DOM types and outside the
// root project), and the build and packaging of what the panel loads (dist/graphView.js, media/graph.css).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { graphHtml } from '../../client/src/graph/html';
import { bundleGraphView } from '../helpers/graphView';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CSP_SOURCE = 'https://*.vscode-cdn.net';
const NONCE = 'bm9uY2Utc2FtcGxlLTEyMw==';
const SCRIPT = 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/graphView.js';
const STYLE = 'https://file+.vscode-resource.vscode-cdn.net/ext/media/graph.css';

describe('the graph webview HTML', () => {
  const html = graphHtml({ cspSource: CSP_SOURCE, nonce: NONCE, scriptUri: SCRIPT, styleUri: STYLE, title: 'a"<b>' });

  it('has exactly the strict content-security policy', () => {
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
    assert.equal(metas.length, 1);
    assert.equal(
      metas[0]![1],
      `default-src 'none'; style-src ${CSP_SOURCE}; script-src 'nonce-${NONCE}'; img-src ${CSP_SOURCE} data:`,
    );
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<link'), 'the policy comes before resources');
  });

  it('loads only the given script (with the nonce) and stylesheet; nothing inline, nothing remote', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs!, new RegExp(`\\snonce="${NONCE.replace(/[+=/]/g, '\\$&')}"`));
      assert.match(attrs!, new RegExp(`\\ssrc="${SCRIPT.replace(/[.+]/g, '\\$&')}"`));
      assert.equal(body!.trim(), '', 'no inline script');
    }
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
    const urls = [...html.matchAll(/https?:[^\s"'<>;]+/g)].map((m) => m[0]);
    assert.deepEqual(urls.sort(), [CSP_SOURCE, CSP_SOURCE, SCRIPT, STYLE].sort());
    assert.doesNotMatch(html, /\sstyle\s*=/i, 'no inline style attribute');
    assert.doesNotMatch(html, /<style\b/i, 'no inline style element');
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handler');
    assert.match(html, /<link rel="stylesheet" href="[^"]+graph\.css">/);
  });

  it('escapes the title', () => {
    assert.match(html, /<title>a&quot;&lt;b&gt;<\/title>/);
  });
});

describe('the graph webview script', () => {
  it('type-checks as a browser program (client/src/graph/view/tsconfig.json)', () => {
    const configPath = join(ROOT, 'client/src/graph/view/tsconfig.json');
    const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
    assert.equal(read.error, undefined);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, join(ROOT, 'client/src/graph/view'));
    assert.ok(parsed.fileNames.some((f) => f.endsWith('view/main.ts')));
    const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.deepEqual(problems, []);
  });

  it('bundles for the browser without vscode, Node built-ins or markup injection (innerHTML)', async () => {
    const out = await bundleGraphView();
    const inputs = Object.keys(out.metafile.inputs);
    assert.ok(inputs.some((i) => i.includes('@dagrejs/dagre')));
    assert.deepEqual(
      inputs.filter((i) => /jsonc-parser|node:|server\/src|client\/src\/(?!graph\/)/.test(i)),
      [],
    );
    const code = out.outputFiles[0]!.text;
    assert.doesNotMatch(code, /\brequire\(["']vscode["']\)/);
    assert.doesNotMatch(code, /\.innerHTML\s*=|insertAdjacentHTML/);
  });

  it('ships: esbuild.mjs builds dist/graphView.js and .vscodeignore keeps it and media/graph.css', () => {
    assert.match(
      readFileSync(join(ROOT, 'esbuild.mjs'), 'utf8'),
      /graphView: join\(root, 'client\/src\/graph\/view\/main\.ts'\)/,
    );
    const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');
    assert.ok(ignore.includes('!dist/graphView.js'));
    assert.ok(ignore.includes('!media/**'));
    assert.ok(existsSync(join(ROOT, 'media/graph.css')));
  });
});
