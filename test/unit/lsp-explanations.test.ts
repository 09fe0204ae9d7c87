// Every diagnostic code has exactly one explanation, served from the protocol file (the client's `flero.explain`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_EXPLANATIONS } from '../../server/src/lsp/protocol';

test('explanations: one non-empty text per diagnostic code, no extra keys', () => {
  assert.deepEqual(Object.keys(DIAGNOSTIC_EXPLANATIONS).sort(), [...DIAGNOSTIC_CODES].sort());
  for (const code of DIAGNOSTIC_CODES) assert.ok(DIAGNOSTIC_EXPLANATIONS[code].length > 20, code);
});
