// The README and docs/ say what is true: every picture they show exists, every `flero …` command line they quote uses
// only commands and flags the CLI accepts (read from the CLI's own parser specs), the settings table is the
// extension's settings, and the CHANGELOG's top entry is the package's version.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { checkCommandLines, cliFlags, commandLines } from '../helpers/cliFlags';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const README = read('README.md');
const pkg = JSON.parse(read('package.json'));
const DOCS = ['README.md', 'examples/README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter(
  (f) => f.endsWith('.md'),
);

/** The text of the README section under `## title` (up to the next heading of that level or higher). */
function section(title: string, level = 2): string {
  const hashes = '#'.repeat(level);
  const start = README.search(new RegExp(`^${hashes} ${title}`, 'm'));
  assert.ok(start >= 0, `README has a "${hashes} ${title}" section`);
  const rest = README.slice(README.indexOf('\n', start) + 1);
  const end = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

/** GitHub's heading anchors: lower case, punctuation dropped (hyphens and underscores kept), spaces → hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const body = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  for (const m of body.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    let a = base;
    for (let i = 1; out.has(a); i++) a = `${base}-${i}`;
    out.add(a);
  }
  return out;
}

describe('README.md and docs/', () => {
  test('the README opens with what Flero is, then Install, then the developer quick start; internals live in docs/', () => {
    const h2 = [...README.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
    assert.match(README.slice(0, README.indexOf('\n## ')), /^# Flero for VS Code\n\n\*\*Flero\*\* is /);
    assert.equal(h2[0], 'Install');
    assert.equal(h2[1], 'Quick start (developers)');
    for (const s of [
      'A five-minute tutorial',
      'Screenshots',
      'CI: lint, run, rotate',
      'CLI reference',
      'Troubleshooting',
      'Architecture in short',
    ])
      assert.ok(h2.includes(s), `README has "## ${s}"`);
    assert.match(section('Quick start \\(developers\\)'), /npm ci && npm start/);
    assert.match(section('Quick start \\(developers\\)'), /^npm test /m);
    // What moved out, and where it is now.
    const moved: [RegExp, string][] = [
      [/enableCompileCache/, 'docs/internals.md'],
      [/One argument parser/, 'docs/internals.md'],
      [/One typed API client/, 'docs/internals.md'],
      [/four files or more .* holding 8 MiB/, 'docs/internals.md'],
      [/compiles the WASM module once/, 'docs/internals.md'],
      [/Every log line, node output, error and execution record passes one masker/, 'docs/internals.md'],
      [/bench\/framework-choice\.ts/, 'docs/internals.md'],
    ];
    for (const [re, where] of moved) {
      assert.doesNotMatch(README, re, `README still explains ${re}`);
      assert.match(read(where), re, `${where} explains ${re}`);
    }
  });

  test('every relative link in README.md and docs/*.md points at a file that exists, and at a heading it has', () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      const text = read(file).replace(/^```[\s\S]*?^```$/gm, '');
      for (const m of text.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const [path, hash] = target.split('#') as [string, string | undefined];
        const base = file === 'docs/extension-page.md' ? ROOT : join(ROOT, dirname(file));
        const abs = path ? join(base, decodeURI(path)) : join(ROOT, file);
        if (!existsSync(abs)) {
          broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (hash && abs.endsWith('.md') && !anchors(readFileSync(abs, 'utf8')).has(hash))
          broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    assert.deepEqual(broken, []);
  });

  test('every picture in README.md and docs/*.md exists', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of DOCS) {
      const text = read(file);
      const paths = [
        ...[...text.matchAll(/!\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!),
        ...[...text.matchAll(/<img[^>]+src="([^"]+)"/g)].map((m) => m[1]!),
      ];
      for (const p of paths) {
        if (/^[a-z]+:/.test(p)) continue;
        seen++;
        // docs/extension-page.md is the README packaged in the .vsix (`vsce --readme-path`): its links are relative to
        // the package root, not to docs/.
        const base = file === 'docs/extension-page.md' ? ROOT : join(ROOT, dirname(file));
        if (!existsSync(join(base, decodeURI(p)))) missing.push(`${file}: ${p}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(seen >= 10, `${seen} pictures`);
  });

  test('every `flero …` command line in README.md, examples/README.md and docs/ uses flags the CLI accepts', async () => {
    const flags = await cliFlags();
    const problems = DOCS.flatMap((f) =>
      checkCommandLines(commandLines(read(f)), flags).map((p) => `${f}: ${p.problem} — ${p.line.trim()}`),
    );
    assert.deepEqual(problems, []);
  });

  test('the flag check finds a wrong flag, an unknown subcommand, and reads past a pipe', async () => {
    const flags = await cliFlags();
    const found = checkCommandLines(
      commandLines(
        [
          'Run `flero keys create --name x --scope audit:read`.',
          '```sh',
          'KEY=$(npx flero keys create --name ci \\',
          '   --scopes audit:read --expire 3d) && npx flero keys frob',
          'npx flero lint --format sarif x.flero.json | jq --raw-output .',
          '```',
        ].join('\n'),
      ),
      flags,
    ).map((p) => p.problem);
    assert.deepEqual(found, [
      'flero keys create: no option --scope',
      'flero keys create: no option --expire',
      'unknown command "flero keys frob"',
    ]);
    assert.ok(flags.get('keys create')?.has('scopes'));
    assert.ok(flags.get('serve')?.has('owner-key-file'));
  });

  test('curl samples name the CLI’s variables: $FLERO_SERVER_URL for the server, $FLERO_API_KEY for the key', () => {
    const wrong: string[] = [];
    let keyed = 0;
    for (const file of DOCS)
      for (const line of commandLines(read(file))) {
        if (/\$FLERO_URL\b|\$FLERO_KEY\b/.test(line)) wrong.push(`${file}: ${line.trim()}`);
        if (!/^curl /.test(line.trim()) || !line.includes('$FLERO_API_KEY')) continue;
        keyed++;
        if (!line.includes('"$FLERO_SERVER_URL/'))
          wrong.push(`${file}: ${line.trim()} (the server is not $FLERO_SERVER_URL)`);
      }
    assert.deepEqual(wrong, []);
    assert.ok(keyed >= 3, `${keyed} curl lines with a key`);
  });

  test('the settings table is exactly the settings package.json contributes', () => {
    const contributed = new Set<string>(
      [pkg.contributes.configuration]
        .flat()
        .flatMap((c: { properties: Record<string, unknown> }) => Object.keys(c.properties)),
    );
    const table = section('Settings', 3);
    const documented = new Set([...table.matchAll(/^\| `(flero\.[\w.]+)` \|/gm)].map((m) => m[1]!));
    assert.deepEqual([...documented].sort(), [...contributed].sort());
    for (const [name, p] of Object.entries<{ default: unknown }>([pkg.contributes.configuration].flat()[0].properties))
      assert.match(
        table,
        new RegExp(
          `\\| \`${name.replace(/\./g, '\\.')}\` \\| \`${JSON.stringify(p.default).replace(/"/g, '"?')}\` \\|`,
        ),
        `${name}: the default in the table is package.json's (${JSON.stringify(p.default)})`,
      );
  });

  test("CHANGELOG.md's top entry is package.json's version; the README's tarball names carry it", () => {
    const top = /^## (\S+)(.*)$/m.exec(read('CHANGELOG.md'));
    assert.ok(top, 'CHANGELOG.md has a version heading');
    assert.equal(top[1], pkg.version, 'the top CHANGELOG entry is the version package.json has');
    assert.match(
      top[2]!,
      /^( — unreleased| — \d{4}-\d{2}-\d{2})?$/,
      'after the version: nothing, unreleased or a date',
    );
    for (const file of DOCS)
      for (const m of read(file).matchAll(/flero-vscode-(\d+\.\d+\.\d+)\.tgz/g))
        assert.equal(m[1], pkg.version, `${file} names flero-vscode-${m[1]}.tgz`);
  });
});
