// Quick fixes, golden: for each fixture in test/fixtures/lsp/actions, every action offered for its diagnostics, the
// command it carries, and the file after applying it (`<name>.golden.json`). UPDATE_GOLDEN=1 regenerates.
// Each fix must leave valid JSON and make its diagnostic go away.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CredentialMeta } from '../../server/src/core/credentials';
import { codeActions, type TextEditOffsets } from '../../server/src/lsp/service/actions';
import { computeDiagnostics } from '../../server/src/lsp/service/diagnostics';
import { parseDocument } from '../../server/src/lsp/service/document';

const dir = new URL('../fixtures/lsp/actions/', import.meta.url);
const credentials = JSON.parse(
  readFileSync(new URL('../fixtures/lsp/credentials.json', import.meta.url), 'utf8'),
) as CredentialMeta[];

function apply(text: string, edits: TextEditOffsets[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.flero.json'))) {
  test(`quick fixes (golden): ${file}`, () => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const doc = parseDocument(`file:///ws/${file}`, text);
    const ctx = { credentials };
    const diags = computeDiagnostics(doc, ctx);
    const actions = codeActions(doc, ctx, diags, { start: 0, end: text.length });
    assert.ok(actions.length > 0, 'at least one fix is offered');
    const actual = actions.map((a) => ({
      title: a.title,
      fixes: a.diagnostic.code,
      ...(a.isPreferred ? { preferred: true } : {}),
      ...(a.command ? { command: a.command.command, arguments: a.command.arguments } : {}),
      after: apply(text, a.edits).split('\n'),
    }));
    const goldenUrl = new URL(file.replace('.flero.json', '.golden.json'), dir);
    if (process.env.UPDATE_GOLDEN || !existsSync(goldenUrl))
      writeFileSync(goldenUrl, `${JSON.stringify(actual, null, 2)}\n`);
    assert.deepEqual(actual, JSON.parse(readFileSync(goldenUrl, 'utf8')));

    for (const a of actions) {
      const after = apply(text, a.edits);
      const fixed = parseDocument(doc.uri, after);
      assert.deepEqual(fixed.parseErrors, [], `${a.title}: result is valid JSON`);
      const remaining = computeDiagnostics(fixed, {
        credentials: [
          ...credentials,
          ...(a.command ? [(a.command.arguments[0] as { credential: CredentialMeta }).credential] : []),
        ],
      });
      assert.ok(
        !remaining.some((d) => d.code === a.diagnostic.code && d.severity === a.diagnostic.severity),
        `${a.title}: the ${a.diagnostic.code} problem is gone (left: ${JSON.stringify(remaining.map((d) => d.message))})`,
      );
    }
  });
}

test('the move-secret command never carries the secret value', () => {
  for (const file of readdirSync(dir).filter((f) => f.startsWith('move-secret') && f.endsWith('.golden.json'))) {
    const golden = readFileSync(new URL(file, dir), 'utf8');
    const args = JSON.stringify((JSON.parse(golden) as { arguments?: unknown }[]).map((a) => a.arguments));
    for (const secret of ['abc123def456ghi789', 'w3ath3r-k3y-0001', 'AIzaSyA-1234567890abcdef'])
      assert.ok(!args.includes(secret), `${file}: command arguments hold no secret`);
  }
});
