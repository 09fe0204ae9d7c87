// Every diagnostic code against positive and negative fixtures (test/fixtures/lsp/diagnostics). Positive fixtures
// are golden: `<name>.expected.json` lists each diagnostic with its exact range and the file text it covers.
// Regenerate with UPDATE_GOLDEN=1 after reviewing a change.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CredentialMeta } from '../../server/src/core/credentials';
import { toLspDiagnostic } from '../../server/src/lsp/service/convert';
import { computeDiagnostics } from '../../server/src/lsp/service/diagnostics';
import { parseDocument } from '../../server/src/lsp/service/document';
import { DIAGNOSTIC_CODES } from '../../server/src/lsp/service/types';

const dir = new URL('../fixtures/lsp/diagnostics/', import.meta.url);
const credentials = JSON.parse(
  readFileSync(new URL('../fixtures/lsp/credentials.json', import.meta.url), 'utf8'),
) as CredentialMeta[];
const files = readdirSync(dir).filter((f) => f.endsWith('.flero.json'));

function check(file: string) {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const doc = parseDocument(`file:///${file}`, text);
  return computeDiagnostics(doc, { credentials }).map((d) => {
    const lsp = toLspDiagnostic(doc, d);
    return {
      code: d.code,
      severity: d.severity,
      line: lsp.range.start.line,
      character: lsp.range.start.character,
      text: text.slice(d.start, d.end),
      message: d.message,
      ...(d.related ? { related: d.related.map((r) => text.slice(r.start, r.end)) } : {}),
    };
  });
}

for (const file of files.filter((f) => f.includes('.pos.'))) {
  test(`diagnostics (golden): ${file}`, () => {
    const code = file.slice(0, file.indexOf('.pos.'));
    const actual = check(file);
    const goldenUrl = new URL(file.replace('.flero.json', '.expected.json'), dir);
    if (process.env.UPDATE_GOLDEN || !existsSync(goldenUrl))
      writeFileSync(goldenUrl, `${JSON.stringify(actual, null, 2)}\n`);
    assert.deepEqual(actual, JSON.parse(readFileSync(goldenUrl, 'utf8')));
    const expectCode = code === 'json-syntax' ? 'schema' : code;
    assert.ok(
      actual.some((d) => d.code === expectCode),
      `${file} shows ${expectCode}`,
    );
  });
}

for (const file of files.filter((f) => f.includes('.neg.'))) {
  test(`diagnostics (negative): ${file} is clean`, () => {
    assert.deepEqual(check(file), []);
  });
}

test('every diagnostic code has a positive and a negative fixture', () => {
  for (const code of DIAGNOSTIC_CODES) {
    assert.ok(files.includes(`${code}.pos.flero.json`), `positive fixture for ${code}`);
    assert.ok(files.includes(`${code}.neg.flero.json`), `negative fixture for ${code}`);
  }
});

test('without credential metadata, credential checks stay silent (nothing is known)', () => {
  const text = readFileSync(new URL('unknown-credential.pos.flero.json', dir), 'utf8');
  assert.deepEqual(computeDiagnostics(parseDocument('file:///x', text), {}), []);
});

test('credential-host-mismatch names each allowed host once, in order, and the target with its scheme when hosts carry one', () => {
  const metas: CredentialMeta[] = [
    {
      id: 'dup',
      name: 'Dup',
      service: 'custom',
      authType: 'bearer',
      hosts: ['api.example.com', 'API.example.com', 'other.example.com', 'api.example.com'],
    },
    { id: 'plain', name: 'Plain', service: 'custom', authType: 'bearer', hosts: ['http://127.0.0.1:8080'] },
  ];
  const messages = (cred: string, url: string) => {
    const text = JSON.stringify({
      id: 'wf',
      name: 'wf',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'call', type: 'http', method: 'GET', url, credential: cred },
      ],
      connections: [{ from: 'start', to: 'call' }],
    });
    return computeDiagnostics(parseDocument('file:///dup.flero.json', text), { credentials: metas })
      .filter((d) => d.code === 'credential-host-mismatch')
      .map((d) => d.message);
  };
  assert.deepEqual(messages('dup', 'https://evil.example/x'), [
    'credential "dup" may only be sent to api.example.com, other.example.com, not evil.example: the run will refuse',
  ]);
  assert.deepEqual(messages('dup', 'https://other.example.com/x'), []);
  assert.deepEqual(messages('plain', 'https://127.0.0.1:8080/x'), [
    'credential "plain" may only be sent to http://127.0.0.1:8080, not https://127.0.0.1:8080: the run will refuse',
  ]);
  assert.deepEqual(messages('plain', 'http://127.0.0.1:8080/x'), []);
});
