// Property-based fuzzing of the language service (the pure layer under the language server) with mutated workflow
// documents: no exception from diagnostics, quick fixes, lenses, symbols, hover or completion, and every range
// (diagnostics, related information, quick-fix edits, lenses, symbols) inside the document.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CredentialMeta } from '../../server/src/core/credentials';
import { codeActions } from '../../server/src/lsp/service/actions';
import { completion, hover } from '../../server/src/lsp/service/assist';
import { toLspDiagnostic } from '../../server/src/lsp/service/convert';
import { computeDiagnostics } from '../../server/src/lsp/service/diagnostics';
import { parseDocument } from '../../server/src/lsp/service/document';
import { codeLenses, documentSymbols } from '../../server/src/lsp/service/lenses';
import type { ServiceContext } from '../../server/src/lsp/service/types';
import { documentTextArb } from './lib/documents';

const TOTAL = Math.max(500, Number(process.env.FLERO_FUZZ_DOCUMENTS ?? 5_000));
const SEED = Number(process.env.FLERO_FUZZ_SEED ?? Date.now() % 2 ** 31);

const CREDENTIALS: CredentialMeta[] = [
  { id: 'cred_a', name: 'A', service: 'custom', authType: 'bearer', hosts: ['api.example.com'] },
  { id: 'cred_slack', name: 'Slack', service: 'slack', authType: 'bearer' },
];

const ctxArb: fc.Arbitrary<ServiceContext> = fc.constantFrom<ServiceContext>(
  {},
  { credentials: CREDENTIALS },
  { credentials: [] },
  {
    credentials: CREDENTIALS,
    server: {
      connected: true,
      url: 'http://127.0.0.1:8787',
      key: { id: 'k', name: 'ci', scopes: ['workflows:read'], workflows: ['wf_small'], expiresAt: null },
    },
  },
);

function inside(len: number, start: number, end: number): boolean {
  return Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= len;
}

/** Documents that end in the middle of something: the parser's "value expected" lands at the very end. */
const EDGE_DOCUMENTS = [
  '',
  ' ',
  '{',
  '[',
  '"',
  'headers',
  'console.log(',
  '{"nodes":[',
  '{"id":',
  '\\u',
  '{"a":1,',
  '\r\n{',
];

describe(`language service fuzzing (${TOTAL} documents, seed ${SEED})`, { timeout: 600_000 }, () => {
  it('keeps ranges inside truncated documents (deterministic edge cases)', () => {
    for (const text of EDGE_DOCUMENTS) {
      const doc = parseDocument('file:///edge.flero.json', text, 1);
      for (const d of computeDiagnostics(doc, {}))
        assert.ok(
          inside(text.length, d.start, d.end),
          `${JSON.stringify(text)}: ${d.code} "${d.message}" span ${d.start}-${d.end}`,
        );
    }
  });

  it('never throws and keeps every range inside the document', () => {
    let checked = 0;
    let withDiagnostics = 0;
    fc.assert(
      fc.property(documentTextArb(), ctxArb, fc.double({ min: 0, max: 1, noNaN: true }), (text, ctx, where) => {
        const doc = parseDocument('file:///fuzz.flero.json', text, 1);
        const len = text.length;
        const diags = computeDiagnostics(doc, ctx);
        if (diags.length) withDiagnostics++;
        for (const d of diags) {
          assert.ok(inside(len, d.start, d.end), `${d.code} span ${d.start}-${d.end} outside 0-${len}`);
          for (const r of d.related ?? [])
            assert.ok(inside(len, r.start, r.end), `${d.code} related span ${r.start}-${r.end} outside 0-${len}`);
          const lsp = toLspDiagnostic(doc, d);
          const lines = doc.lineStarts.length;
          for (const p of [lsp.range.start, lsp.range.end])
            assert.ok(p.line >= 0 && p.line < lines && p.character >= 0);
        }
        for (const action of codeActions(doc, ctx, diags, { start: 0, end: len }))
          for (const e of action.edits)
            assert.ok(
              inside(len, e.start, e.end),
              `quick fix "${action.title}" edit ${e.start}-${e.end} outside 0-${len}`,
            );
        for (const l of codeLenses(doc, ctx)) assert.ok(inside(len, l.start, l.end), `lens ${l.start}-${l.end}`);
        for (const s of documentSymbols(doc)) {
          assert.ok(inside(len, s.start, s.end), `symbol ${s.start}-${s.end}`);
          assert.ok(inside(len, s.selectionStart, s.selectionEnd), `symbol selection ${s.selectionStart}`);
        }
        const offset = Math.floor(where * len);
        hover(doc, ctx, offset);
        completion(doc, ctx, offset);
        checked++;
      }),
      { numRuns: TOTAL, seed: SEED, endOnFailure: true, includeErrorInReport: true },
    );
    assert.equal(checked, TOTAL);
    // The mutations must still reach the checks, not only produce unparseable noise.
    assert.ok(withDiagnostics > TOTAL / 4, `only ${withDiagnostics} of ${TOTAL} documents produced diagnostics`);
    console.log(`language fuzz: ${checked} documents, ${withDiagnostics} with diagnostics`);
  });
});
