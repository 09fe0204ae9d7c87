// log-leak: each case's code is embedded in a workflow file (JSON-escaped, so ranges go through escape sequences) and
// the diagnostics' ranges, decoded back from the file, must be exactly the offending argument and its source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { computeDiagnostics } from '../../server/src/lsp/service/diagnostics';
import { parseDocument } from '../../server/src/lsp/service/document';

interface Case {
  name: string;
  code: string;
  leaks?: { arg: string; source: string }[];
}
const cases = JSON.parse(readFileSync(new URL('../fixtures/lsp/log-leak-cases.json', import.meta.url), 'utf8')) as {
  positive: Case[];
  negative: Case[];
};

function workflowWith(code: string): string {
  return JSON.stringify(
    {
      id: 'wf_leak',
      name: 'Leak test',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'script', type: 'code', code },
      ],
      connections: [{ from: 'start', to: 'script' }],
    },
    null,
    2,
  );
}

/** The decoded text of a file range inside a JSON string. */
function decoded(text: string, start: number, end: number): string {
  return JSON.parse(`"${text.slice(start, end)}"`) as string;
}

function leaks(code: string) {
  const text = workflowWith(code);
  const diags = computeDiagnostics(parseDocument('file:///leak.flero.json', text), {});
  const other = diags.filter((d) => d.code !== 'log-leak');
  assert.deepEqual(other, [], 'no other diagnostics on the test workflow');
  return diags.map((d) => ({
    arg: decoded(text, d.start, d.end),
    source: decoded(text, d.related![0]!.start, d.related![0]!.end),
    severity: d.severity,
  }));
}

test('log-leak cases are many, on both sides', () => {
  assert.ok(cases.positive.length >= 20, 'at least 20 positive cases');
  assert.ok(cases.negative.length >= 15, 'at least 15 negative cases');
});

for (const c of cases.positive) {
  test(`log-leak fires: ${c.name}`, () => {
    const found = leaks(c.code);
    assert.deepEqual(
      found.map(({ arg, source }) => ({ arg, source })),
      c.leaks,
    );
    for (const f of found) assert.equal(f.severity, 'warning');
  });
}

for (const c of cases.negative) {
  test(`log-leak stays quiet: ${c.name}`, () => {
    assert.deepEqual(leaks(c.code), []);
  });
}

test('log-leak ranges survive escapes before the argument (\\n, \\", \\u00e9, tabs)', () => {
  const code =
    'const note = "caf\u00e9 \\"quoted\\"\\t";\n\tconst h = { Authorization: `Bearer ${$input.t}` };\n\tconsole.log(note, h);';
  const text = workflowWith(code).replace('café', 'caf\\u00e9');
  const diags = computeDiagnostics(parseDocument('file:///x.flero.json', text), {});
  assert.equal(diags.length, 1);
  assert.equal(text.slice(diags[0]!.start, diags[0]!.end), 'h');
  assert.equal(decoded(text, diags[0]!.related![0]!.start, diags[0]!.related![0]!.end), '`Bearer ${$input.t}`');
});
