// The npm package outside this repo (issue 11, item 5): `npm pack` once, `npm i -D <tarball> --offline` into a
// scratch project in a temp dir, then `npx flero …` there, with no build step and no dev dependencies: --version,
// lint, a local run against a local upstream, keys --help, and the installed server (PGlite WASM, data and seed
// loaded from node_modules/flero-vscode/dist) answering /healthz and /api/me with the owner key.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Packed, packOnce, type ScratchProject, scratchEnv, scratchProject } from '../helpers/packed';
import { api, REPO_ROOT } from '../helpers/server';
import { startUpstream, type Upstream } from '../helpers/upstream';

const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The files the npm package ships, exactly (.npmignore is an allowlist; npm adds package.json). */
const SHIPPED = [
  'LICENSE',
  'README.md',
  'bin/flero.js',
  'dist/codeWorker.mjs',
  'dist/emscripten-module.wasm',
  'dist/flero.mjs',
  'dist/initdb.wasm',
  'dist/pglite-seed.tar.gz',
  'dist/pglite.data',
  'dist/pglite.wasm',
  'dist/workflow.schema.json',
  'package.json',
];

describe('the packed npm package in a scratch project', () => {
  let packed: Packed;
  let project: ScratchProject;
  before(async () => {
    packed = await packOnce();
    project = await scratchProject('flero-packed-cli');
  });
  after(() => project?.remove());

  it('ships the CLI and the server files only: no extension, source maps, sources or dist-test', () => {
    assert.equal(packed.name, 'flero-vscode');
    assert.equal(packed.version, version);
    const paths = packed.files.map((f) => f.path).sort();
    assert.deepEqual(paths, SHIPPED);
    assert.ok(!paths.some((p) => p.endsWith('.map') || p.startsWith('dist-test/') || p === 'dist/extension.js'));
  });

  it('installs as one package, none of its dev dependencies', () => {
    assert.equal(project.install.code, 0, project.install.stderr);
    const installed = readdirSync(join(project.dir, 'node_modules')).filter((n) => !n.startsWith('.'));
    assert.deepEqual(installed, ['flero-vscode']);
    const lock = JSON.parse(readFileSync(join(project.dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(lock.packages).sort(), ['', 'node_modules/flero-vscode']);
    const pkg = JSON.parse(readFileSync(join(project.dir, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    assert.match(pkg.devDependencies['flero-vscode'] ?? '', /^file:.*flero-vscode-.*\.tgz$/);
  });

  it('npx flero --version prints package.json’s version', async () => {
    const r = await project.npx(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
    const direct = await project.flero(['--version']);
    assert.equal(direct.stdout.trim(), version, 'node_modules/.bin/flero too');
  });

  it('npx flero lint: a hard-coded secret exits 1 naming hardcoded-secret; a clean file exits 0', async () => {
    writeFileSync(
      join(project.dir, 'leaky.flero.json'),
      `${JSON.stringify(
        {
          id: 'wf_leaky',
          name: 'Leaky',
          nodes: [
            { id: 'start', type: 'trigger' },
            {
              id: 'call',
              type: 'http',
              method: 'GET',
              url: 'https://api.example.com/things',
              headers: { Authorization: 'Bearer abc123def456ghi789' },
            },
          ],
          connections: [{ from: 'start', to: 'call' }],
        },
        null,
        2,
      )}\n`,
    );
    const bad = await project.npx(['lint', 'leaky.flero.json']);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /^leaky\.flero\.json:\d+:\d+ error hardcoded-secret /m);
    const json = await project.flero(['lint', '--format', 'json', 'leaky.flero.json']);
    assert.equal(json.code, 1);
    assert.ok((JSON.parse(json.stdout) as { code: string }[]).some((p) => p.code === 'hardcoded-secret'));
    writeFileSync(
      join(project.dir, 'clean.flero.json'),
      JSON.stringify({ id: 'wf_clean', name: 'Clean', nodes: [{ id: 'start', type: 'trigger' }], connections: [] }),
    );
    const ok = await project.flero(['lint', 'clean.flero.json']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout, '');
  });

  describe('npx flero run', () => {
    let up: Upstream;
    before(async () => {
      up = await startUpstream((req) => ({ body: { hello: req.query.name } }));
    });
    after(() => up.close());

    it('runs a local workflow (HTTP node against a local upstream, code node in QuickJS) and prints the execution', async () => {
      writeFileSync(
        join(project.dir, 'wf.flero.json'),
        JSON.stringify({
          id: 'wf_hello',
          name: 'Hello',
          nodes: [
            { id: 'start', type: 'trigger' },
            { id: 'call', type: 'http', method: 'GET', url: `${up.url}/hello`, query: { name: '{{ $input.name }}' } },
            { id: 'shape', type: 'code', code: 'return { greeting: "hi " + $node.call.body.hello };' },
          ],
          connections: [
            { from: 'start', to: 'call' },
            { from: 'call', to: 'shape' },
          ],
        }),
      );
      const r = await project.npx(['run', 'wf.flero.json', '--input', '{"name":"Ada"}']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(up.requests.at(-1)?.query.name, 'Ada');
      const ex = JSON.parse(r.stdout) as { status: string; output: unknown; nodes: { id: string; status: string }[] };
      assert.equal(ex.status, 'succeeded');
      assert.deepEqual(ex.output, { greeting: 'hi Ada' });
      assert.deepEqual(
        ex.nodes.map((n) => [n.id, n.status]),
        [
          ['start', 'succeeded'],
          ['call', 'succeeded'],
          ['shape', 'succeeded'],
        ],
      );
    });
  });

  it('npx flero keys --help exits 0', async () => {
    const r = await project.npx(['keys', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: flero keys/);
  });

  it('the installed server starts on a fresh data dir and answers /healthz and /api/me with the owner key', async () => {
    const child = spawn(
      join(project.dir, 'node_modules/.bin/flero'),
      ['serve', '--host', '127.0.0.1', '--port', '0', '--data', './store', '--owner-key-file', './owner'],
      { cwd: project.dir, env: scratchEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${out}`)), 60_000);
        const onData = (d: Buffer) => {
          out += d.toString();
          const m = /Flero API listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`the server exited (${code}) before listening:\n${out}`));
        });
      });
      const health = await api(url, 'GET', '/healthz');
      assert.equal(health.status, 200, health.text);
      const owner = readFileSync(join(project.dir, 'owner'), 'utf8').trim();
      const me = await api(url, 'GET', '/api/me', { key: owner });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.name, 'owner');
      assert.equal(me.body.workflows, 'all');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      assert.equal(await exited, 0, `SIGTERM stops it cleanly:\n${out}`);
      clearTimeout(timer);
    }
    // The data dir that serve created, read by the installed `keys list` (no server needed).
    const listed = await project.flero(['keys', 'list', '--data', './store', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const keys = JSON.parse(listed.stdout) as { name: string }[];
    assert.deepEqual(
      keys.map((k) => k.name),
      ['owner'],
    );
  });
});
