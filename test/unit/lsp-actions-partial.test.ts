// Quick fixes on documents in the middle of an edit (found by the language-service fuzzer): a node whose id is not a
// string yet must still get its "move the secret into a credential" fix, named generically, without throwing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeActions } from '../../server/src/lsp/service/actions';
import { computeDiagnostics } from '../../server/src/lsp/service/diagnostics';
import { parseDocument } from '../../server/src/lsp/service/document';

test('a hard-coded secret in a node whose id is an object gets a fix named cred_node', () => {
  const text = JSON.stringify(
    {
      id: 'wf_partial',
      name: 'Partial',
      nodes: [
        { id: 'start', type: 'trigger' },
        {
          id: { half: 'typed' },
          type: 'http',
          method: 'GET',
          url: 'https://api.example.com/x',
          headers: { Authorization: 'Bearer 9fQ2xLm4Tz7Kp0Wd3Rb8Vn1Hs6Jc5Ya' }, // flero-scan:allow
        },
      ],
      connections: [],
    },
    null,
    2,
  );
  const doc = parseDocument('file:///partial.flero.json', text, 1);
  const ctx = { credentials: [] };
  const diags = computeDiagnostics(doc, ctx);
  assert.ok(diags.some((d) => d.code === 'hardcoded-secret'));
  const actions = codeActions(doc, ctx, diags, { start: 0, end: text.length });
  const move = actions.find((a) => /credential/i.test(a.title) && a.edits.length > 0);
  assert.ok(move, `a move-to-credential fix is offered: ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(JSON.stringify(move).includes('cred_node'));
});
