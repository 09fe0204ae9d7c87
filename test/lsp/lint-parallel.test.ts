// `flero lint` over many files checks them on a worker pool (server/src/cli/lint/pool.ts, issue 17): the output and
// the exit code are the serial path's, byte for byte, in every format. FLERO_LINT_WORKERS=0 is the serial path (the
// main thread checks every file); =2 makes two workers check every file (the main thread none); =auto, the pool
// decides whatever the load; unset, the pool decides. The loader hook (test/helpers/loadedModules.mjs) shows that the workers really ran.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateWorkflow } from '../fixtures/lsp/generate';
import { type TmpDir, tmpDir } from '../helpers/tmp';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'test/fixtures/lsp');

function lint(workers: string | undefined, args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const env = { ...process.env, ...extraEnv };
  delete env.FLERO_LINT_WORKERS;
  if (workers !== undefined) env.FLERO_LINT_WORKERS = workers;
  const loader = extraEnv.FLERO_LOADED_MODULES ? ['--import', join(root, 'test/helpers/loadedModules.mjs')] : [];
  const r = spawnSync(process.execPath, [...loader, join(root, 'dist/flero.mjs'), 'lint', ...args], {
    encoding: 'utf8',
    cwd: root,
    env,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('flero lint on a worker pool: the serial path’s output and exit codes', () => {
  let tmp: TmpDir;
  let clean: string;
  let mixed: string;
  before(() => {
    tmp = tmpDir('flero-lint-parallel');
    clean = join(tmp.path, 'clean');
    mixed = join(tmp.path, 'mixed');
    mkdirSync(clean);
    mkdirSync(join(mixed, 'sub'), { recursive: true });
    const small = generateWorkflow(30);
    for (let i = 0; i < 12; i++)
      writeFileSync(join(clean, `wf${String(i).padStart(2, '0')}.flero.json`), small.replace('wf_bench', `wf_${i}`));
    // Every diagnostics fixture (errors, warnings, hints, clean ones), some clean generated files between them.
    for (const f of readdirSync(join(fixtures, 'diagnostics')).filter((n) => n.endsWith('.flero.json')))
      copyFileSync(join(fixtures, 'diagnostics', f), join(mixed, f));
    for (let i = 0; i < 6; i++) writeFileSync(join(mixed, 'sub', `gen${i}.flero.json`), small);
  });
  after(() => tmp?.remove());

  it('mixed files, every format: identical stdout, stderr and exit 1', () => {
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const args = ['--format', format, '--credentials', join(fixtures, 'credentials.json'), mixed];
      const serial = lint('0', args);
      assert.equal(serial.status, 1, serial.stderr);
      assert.ok(serial.stdout.length > 100);
      for (const workers of ['1', '2', undefined])
        assert.deepEqual(lint(workers, args), serial, `${format} ${workers}`);
    }
  });

  it('clean files exit 0; --max-warnings still gates (exit 1); an unreadable file among them exits 2', () => {
    const cases: [string[], number][] = [
      [[clean], 0],
      [['--max-warnings', '0', '--credentials', join(fixtures, 'credentials.json'), clean, mixed], 1],
      [[clean, join(tmp.path, 'missing.flero.json'), mixed], 2],
    ];
    for (const [args, status] of cases) {
      const serial = lint('0', args);
      assert.equal(serial.status, status, `${args.join(' ')}: ${serial.stderr}`);
      for (const workers of ['2', 'auto', undefined]) assert.deepEqual(lint(workers, args), serial, args.join(' '));
    }
    const r = lint('2', [clean, join(tmp.path, 'missing.flero.json')]);
    assert.match(r.stderr, /cannot read .*missing\.flero\.json: ENOENT/);
  });

  // Whether the default shares the Code nodes with a worker depends on an idle core (lint-code-worker.test.ts forces it).
  it('one large file: the default gives the diagnostics it gives with no worker at all', () => {
    // ~250 KiB, ~200 Code nodes, some of which leak a secret to the log or do not parse, some hard-coded secrets.
    const wf = JSON.parse(generateWorkflow(600)) as { nodes: { type: string; code?: string; url?: string }[] };
    wf.nodes.forEach((n, i) => {
      if (n.type === 'code' && i % 7 === 2)
        n.code = `const t = $input.token;\nconsole.log('tok', t, ${i});\nreturn {};`;
      if (n.type === 'code' && i % 11 === 5) n.code = `const a = ;\nreturn ${i};`;
      if (n.type === 'http' && i % 13 === 1)
        n.url = `https://api.example.com/x?api_key=sk_live_${'a1B2c3D4'.repeat(3)}${i}`;
    });
    const big = join(tmp.path, 'big.flero.json');
    writeFileSync(big, JSON.stringify(wf, null, 2));
    for (const format of ['json', 'text']) {
      const serial = lint('0', ['--format', format, big]);
      assert.equal(serial.status, 1, serial.stderr);
      const codes = new Set(
        (JSON.parse(lint('0', ['--format', 'json', big]).stdout) as { code: string }[]).map((p) => p.code),
      );
      for (const c of ['log-leak', 'code-syntax']) assert.ok(codes.has(c), `the file has ${c} problems`);
      for (const workers of ['auto', undefined])
        assert.deepEqual(lint(workers, ['--format', format, big]), serial, format);
    }
  });

  it('the workers really check the files (dist/flero-lintWorker.mjs is loaded); the serial path starts none', () => {
    const loadedBy = (workers: string) => {
      const list = join(tmp.path, `loaded-${workers}.txt`);
      const r = lint(workers, ['--format', 'json', clean], { FLERO_LOADED_MODULES: list });
      assert.equal(r.status, 0, r.stderr);
      return readFileSync(list, 'utf8');
    };
    assert.match(loadedBy('2'), /flero-lintWorker\.mjs/);
    assert.doesNotMatch(loadedBy('0'), /flero-lintWorker\.mjs/);
  });
});
