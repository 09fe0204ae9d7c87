// One large file's Code nodes shared with a worker thread (server/src/cli/lint/codeOffload.ts, issue 17): with the
// built worker (dist/flero-lintWorker.mjs) made ready first, so that it certainly takes part, the problems are the
// ones the main thread alone finds, and the worker did analyse some of the code.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CodeWorker, codeStrings } from '../../server/src/cli/lint/codeOffload';
import { lintDocument } from '../../server/src/cli/lint/check';
import { clearCodeCache } from '../../server/src/lsp/service/diagnostics';
import { parseDocument } from '../../server/src/lsp/service/document';
import { generateWorkflow } from '../fixtures/lsp/generate';

const script = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/flero-lintWorker.mjs');

test('Code nodes analysed on a worker too: the same problems as on the main thread alone', async (t) => {
  if (!existsSync(script)) return t.skip('build first (node esbuild.mjs)');
  const wf = JSON.parse(generateWorkflow(900)) as { nodes: { type: string; code?: string }[] };
  wf.nodes.forEach((n, i) => {
    if (n.type === 'code' && i % 7 === 2) n.code = `const t = $input.token;\nconsole.log('tok', t, ${i});\nreturn {};`;
    if (n.type === 'code' && i % 11 === 5) n.code = `const a = ;\nreturn ${i};`;
  });
  const text = JSON.stringify(wf, null, 2);
  const file = '/tmp/big.flero.json';
  const ctx = { credentials: [{ id: 'cred_github', name: 'GitHub', service: 'github', authType: 'bearer' as const }] };
  clearCodeCache();
  const alone = lintDocument(file, parseDocument('file:///tmp/big.flero.json', text), ctx);
  assert.ok(alone.some((p) => p.code === 'log-leak') && alone.some((p) => p.code === 'code-syntax'));
  clearCodeCache();
  const worker = new CodeWorker(script);
  try {
    await worker.whenReady();
    const doc = parseDocument('file:///tmp/big.flero.json', text);
    assert.ok(codeStrings(doc).length > 200);
    const shared = await worker.lint(file, doc, ctx);
    assert.deepEqual(shared, alone);
    assert.ok(worker.analysed > 0, 'the worker analysed part of the code');
  } finally {
    await worker.terminate();
    clearCodeCache();
  }
});
