// The language server's own parts, without a connection: the analysis cache (per version and credentials
// generation; the pull path stops when the document changes meanwhile) and the push debounce.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { AnalysisCache, type OpenDocument } from '../../server/src/lsp/analysisCache';
import { PUSH_DELAY_MS, PushScheduler } from '../../server/src/lsp/pushScheduler';
import { CancelledError } from '../../server/src/lsp/service/diagnostics';
import type { ServiceContext } from '../../server/src/lsp/service/types';
import { generateWorkflow } from '../fixtures/lsp/generate';

const uri = 'file:///wf.flero.json';
const leaky = JSON.stringify({
  id: 'wf',
  name: 'x',
  nodes: [{ id: 'a', type: 'http', method: 'GET', url: 'https://api.example.com', credential: 'cred_nope' }],
  connections: [],
});

function setup(text: string) {
  const open = new Map<string, OpenDocument>([[uri, { version: 1, getText: () => text }]]);
  const ctx: ServiceContext = {};
  return { open, ctx, cache: new AnalysisCache((u) => open.get(u), ctx) };
}

test('analysis cache: same version → same analysis and diagnostics; a new version is parsed again', () => {
  const { open, cache } = setup(leaky);
  const a = cache.get(uri)!;
  const d = cache.diagnosticsOf(a);
  assert.equal(cache.get(uri), a);
  assert.equal(cache.diagnosticsOf(cache.get(uri)!), d);
  open.set(uri, { version: 2, getText: () => leaky });
  assert.notEqual(cache.get(uri), a);
  assert.equal(cache.get('file:///other.flero.json'), undefined);
});

test('analysis cache: new credentials (invalidate) recompute the diagnostics of the same version', () => {
  const { ctx, cache } = setup(leaky);
  assert.deepEqual(cache.diagnosticsOf(cache.get(uri)!), []);
  ctx.credentials = [];
  cache.invalidate();
  const codes = cache.diagnosticsOf(cache.get(uri)!).map((d) => d.code);
  assert.deepEqual(codes, ['unknown-credential']);
});

test('analysis cache: the pull path gives the push path’s diagnostics, and stops when the document changes', async () => {
  const { cache } = setup(leaky);
  const pulled = await cache.diagnosticsOfAsync(cache.get(uri)!, { isCancellationRequested: false });
  const other = setup(leaky);
  assert.deepEqual(pulled, other.cache.diagnosticsOf(other.cache.get(uri)!));

  const big = setup(generateWorkflow(1000));
  const a = big.cache.get(uri)!;
  const pending = big.cache.diagnosticsOfAsync(a, { isCancellationRequested: false });
  big.open.set(uri, { version: 2, getText: () => generateWorkflow(1000) });
  big.cache.get(uri);
  await assert.rejects(pending, CancelledError);
  await assert.rejects(
    cache.diagnosticsOfAsync(setup(generateWorkflow(1000)).cache.get(uri)!, { isCancellationRequested: true }),
    CancelledError,
  );
});

test('push scheduler: a burst of changes publishes once; a cancelled one never', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const published: string[] = [];
    const pushes = new PushScheduler((u) => published.push(u));
    pushes.schedule('a');
    pushes.schedule('a');
    pushes.schedule('b');
    mock.timers.tick(PUSH_DELAY_MS - 1);
    pushes.schedule('a');
    mock.timers.tick(1);
    assert.deepEqual(published, ['b']);
    mock.timers.tick(PUSH_DELAY_MS);
    assert.deepEqual(published, ['b', 'a']);
    pushes.schedule('c');
    pushes.cancel('c');
    mock.timers.tick(PUSH_DELAY_MS * 2);
    assert.deepEqual(published, ['b', 'a']);
  } finally {
    mock.timers.reset();
  }
});
