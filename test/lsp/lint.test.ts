// `flero lint` from the built CLI (dist/flero.mjs): human and JSON formats, exit codes, credentials metadata file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tmpDir } from '../helpers/tmp';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'test/fixtures/lsp');
const lint = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'dist/flero.mjs'), 'lint', ...args], { encoding: 'utf8', cwd: root });

test('JSON format: an array of {file, code, severity, message, range} with LSP ranges; exit 1 on errors', () => {
  const file = join(fixtures, 'diagnostics/hardcoded-secret.pos.flero.json');
  const r = lint('--format', 'json', file);
  assert.equal(r.status, 1, r.stderr);
  const problems = JSON.parse(r.stdout) as {
    file: string;
    code: string;
    severity: string;
    message: string;
    range: unknown;
  }[];
  assert.ok(problems.length >= 10);
  for (const p of problems) {
    assert.deepEqual(Object.keys(p).sort(), ['code', 'file', 'message', 'range', 'severity']);
    assert.equal(p.file, file);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(p.severity));
  }
  const bearer = problems.find((p) => p.message.includes('literal Bearer'))!;
  // Line 7 (zero-based 6) holds the header; the range covers exactly the token.
  const lines = spawnSync('sed', ['-n', '7p', file], { encoding: 'utf8' }).stdout;
  const range = bearer.range as {
    start: { line: number; character: number };
    end: { line: number; character: number };
  };
  assert.equal(range.start.line, 6);
  assert.equal(lines.slice(range.start.character, range.end.character), 'abc123def456ghi789');
  // The mistyped Flero key is a hint, not an error.
  assert.ok(
    problems.some((p) => p.severity === 'hint' && p.message.startsWith('looks like a Flero API key, but its checksum')),
  );
});

test('human format: file:line:col severity code message; a clean file exits 0', () => {
  const bad = join(fixtures, 'diagnostics/cycle.pos.flero.json');
  const r = lint(bad);
  assert.equal(r.status, 1);
  assert.match(
    r.stdout,
    new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:80 error cycle connection b → a closes a cycle$`, 'm'),
  );
  const ok = lint(join(fixtures, 'diagnostics/cycle.neg.flero.json'));
  assert.equal(ok.status, 0, ok.stdout);
  assert.equal(ok.stdout, '');
});

test('warnings alone exit 0; --credentials enables credential checks', () => {
  const file = join(fixtures, 'diagnostics/unknown-credential.pos.flero.json');
  assert.equal(lint(file).stdout, '', 'without metadata nothing is known about credentials');
  const r = lint('--credentials', join(fixtures, 'credentials.json'), '--format=json', file);
  assert.equal(r.status, 0, 'a warning is not an error');
  assert.deepEqual(
    (JSON.parse(r.stdout) as { code: string }[]).map((p) => p.code),
    ['unknown-credential'],
  );
});

test('usage errors and unreadable files exit 2 with a clear message; a credentials file with values is refused', () => {
  let r = lint();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no files given/);
  r = lint('--format', 'xml', 'a.json');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown format "xml"/);
  r = lint('--bogus', 'a.json');
  assert.equal(r.status, 2);
  r = lint(join(fixtures, 'does-not-exist.flero.json'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot read .*does-not-exist\.flero\.json: ENOENT/);
  // The summary does not claim the unreadable file was checked (it said "1 file(s) checked: 0 error(s)").
  assert.match(r.stderr, /0 file\(s\) checked: 0 error\(s\), 0 other problem\(s\); 1 file\(s\) could not be read/);
  const tmp = tmpDir('flero-lint');
  try {
    const creds = join(tmp.path, 'creds.json');
    writeFileSync(
      creds,
      JSON.stringify([{ id: 'c', name: 'c', service: 'custom', authType: 'bearer', value: 'canary-lint-0001' }]),
    );
    r = lint('--credentials', creds, join(fixtures, 'diagnostics/cycle.neg.flero.json'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /metadata only/);
    assert.ok(!r.stderr.includes('canary-lint-0001'));
  } finally {
    tmp.remove();
  }
});

test('a folder is searched for *.flero.json files; a folder without any is a usage error', () => {
  const dir = join(fixtures, 'diagnostics');
  const expected = readdirSync(dir).filter((f) => f.endsWith('.flero.json')).length;
  const r = lint('--format=json', dir);
  const files = new Set((JSON.parse(r.stdout) as { file: string }[]).map((p) => p.file));
  assert.ok(files.size > 0 && files.size <= expected, `${files.size} of ${expected} files had problems`);
  for (const f of files) assert.ok(f.startsWith(dir) && f.endsWith('.flero.json'), f);
  assert.match(lint(dir).stderr, new RegExp(`^${expected} file\\(s\\) checked`, 'm'));
  const empty = tmpDir('flero-lint-empty');
  try {
    const none = lint(empty.path);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no \*\.flero\.json files in /);
  } finally {
    empty.remove();
  }
});
