// The TextMate injection grammars, tokenised by the real vscode-textmate + vscode-oniguruma that VS Code uses, over
// VS Code's own JSON grammar. Those come with code-server in the e2e cache (test/e2e/.cache, made by
// `npm run test:e2e`); without it the tokenising test is skipped and only the grammar files' shape is checked.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/server';

const VS = join(REPO_ROOT, 'test/e2e/.cache/code-server/node_modules/code-server/lib/vscode');
const GRAMMARS = {
  'flero.expressions.injection': join(REPO_ROOT, 'syntaxes/flero-expressions.injection.tmLanguage.json'),
  'flero.credentials.injection': join(REPO_ROOT, 'syntaxes/flero-credentials.injection.tmLanguage.json'),
};

interface Token {
  text: string;
  scopes: string[];
}

async function tokenize(text: string): Promise<Token[][]> {
  const req = createRequire(join(VS, 'package.json'));
  // biome-ignore lint/suspicious/noExplicitAny: untyped modules loaded from the code-server cache
  const tm: any = req('vscode-textmate');
  // biome-ignore lint/suspicious/noExplicitAny: idem
  const onig: any = req('vscode-oniguruma');
  const wasm = readFileSync(join(VS, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const files: Record<string, string> = {
    'source.json': join(VS, 'extensions/json/syntaxes/JSON.tmLanguage.json'),
    ...GRAMMARS,
  };
  const registry = new tm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new onig.OnigScanner(p),
      createOnigString: (s: string) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      files[scope] ? tm.parseRawGrammar(readFileSync(files[scope], 'utf8'), files[scope]) : null,
    getInjections: (scope: string) => (scope === 'source.json' ? Object.keys(GRAMMARS) : []),
  });
  const grammar = await registry.loadGrammar('source.json');
  let state = tm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t: { startIndex: number; endIndex: number; scopes: string[] }) => ({
      text: line.slice(t.startIndex, t.endIndex),
      scopes: t.scopes,
    }));
  });
}

const scopeOf = (lines: Token[][], text: string, nth = 0) =>
  lines
    .flat()
    .filter((t) => t.text === text)
    [nth]?.scopes.join(' ') ?? '(no such token)';

describe('injection grammars', () => {
  it('are contributed as injections into JSON', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const [scope, file] of Object.entries(GRAMMARS)) {
      const g = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(g.scopeName, scope);
      assert.match(g.injectionSelector, /^L:source\.json /);
      const c = pkg.contributes.grammars.find((x: { scopeName: string }) => x.scopeName === scope);
      assert.ok(c?.injectTo.includes('source.json'), `${scope} is injected into source.json`);
    }
  });

  it('highlight {{ }} expressions and credential ids without breaking JSON', {
    skip: !existsSync(VS) && 'no code-server in test/e2e/.cache',
  }, async () => {
    const lines = await tokenize(
      [
        '{',
        '  "nodes": [',
        '    { "id": "a", "credential": "cred_x", "url": "https://h/{{ $node.start.items[0].id }}" },',
        '    { "id": "c", "params": { "text": "{{ $input.city }} and {{ unclosed", "n": 1 } },',
        '    { "id": "d", "note": "no {{ here", "credential": "cred.y-2" }',
        '  ]',
        '}',
      ].join('\n'),
    );
    assert.match(scopeOf(lines, 'cred_x'), /string\.quoted\.double\.json .*entity\.name\.tag\.credential\.flero/);
    assert.match(scopeOf(lines, 'cred.y-2'), /entity\.name\.tag\.credential\.flero/);
    assert.match(scopeOf(lines, '$node'), /meta\.template\.expression\.flero .*variable\.language\.flero/);
    assert.match(scopeOf(lines, 'items'), /variable\.other\.property\.flero/);
    assert.match(scopeOf(lines, '$input'), /string\.quoted\.double\.json .*variable\.language\.flero/);
    assert.match(scopeOf(lines, '{{'), /punctuation\.definition\.template-expression\.begin\.flero/);
    // An unclosed {{ stays inside its string: the next key is still a JSON property name.
    assert.match(scopeOf(lines, 'n'), /support\.type\.property-name\.json/);
    assert.doesNotMatch(scopeOf(lines, 'n'), /flero/);
    // Nothing became invalid JSON (the credential pair's comma and the closing braces).
    const illegal = lines.flat().filter((t) => t.scopes.some((s) => s.includes('invalid')));
    assert.deepEqual(illegal, []);
    // A "credential" word elsewhere is not a reference.
    assert.doesNotMatch(scopeOf(lines, 'a'), /credential-reference/);
  });
});
