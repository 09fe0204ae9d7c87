// The npm package outside this repo (issue 11, item 5): `npm pack` once, `npm i -D <tarball> --offline` into a
// scratch project in a temp dir, then `npx flero …` there, with no build step and no dev dependencies: --version,
// lint, a local run against a local upstream, keys --help, and the installed server (PGlite WASM, data and seed
// loaded from node_modules/flero-vscode/dist) answering /healthz and /api/me with the owner key, and /api-docs with
// Swagger UI's files from that dist/.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Packed, packOnce, type ScratchProject, scratchEnv, scratchProject } from '../helpers/packed';
import { generateKey } from '../../server/src/core/keys';
import { api, REPO_ROOT, type RunningServer, startServer } from '../helpers/server';
import { startUpstream, type Upstream } from '../helpers/upstream';

const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The files the npm package ships, exactly (.npmignore is an allowlist; npm adds package.json), besides the CLI's
 * chunks (dist/flero-<hash>.mjs, esbuild.mjs cliProgram: their names change with their contents).
 */
const SHIPPED = [
  'LICENSE',
  'README.md',
  'bin/flero.js',
  'dist/codeWorker.mjs',
  'dist/emscripten-module.wasm',
  'dist/flero-lintWorker.mjs',
  'dist/flero.mjs',
  'dist/initdb.wasm',
  'dist/pglite-seed.tar.gz',
  'dist/pglite.data',
  'dist/pglite.wasm',
  'dist/swagger-ui-bundle.js',
  'dist/swagger-ui-bundle.js.LICENSE.txt',
  'dist/swagger-ui.css',
  'dist/workflow.schema.json',
  'package.json',
  'scanners/gitleaks-flero.toml',
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
    const all = packed.files.map((f) => f.path).sort();
    const chunks = all.filter((p) => /^dist\/flero-[A-Z0-9]+\.mjs$/.test(p));
    assert.ok(chunks.length > 0, 'the CLI’s chunks are shipped');
    const paths = all.filter((p) => !chunks.includes(p));
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
              headers: { Authorization: 'Bearer abc123def456ghi789' }, // flero-scan:allow
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

  it('npx flero scan finds a Flero key in a .env (exit 1, never printing it); the shipped gitleaks rule is --gitleaks-rule', async () => {
    const key = generateKey();
    mkdirSync(join(project.dir, 'scan'), { recursive: true });
    writeFileSync(join(project.dir, 'scan', '.env'), `PORT=8080\nFLERO_API_KEY=${key}\n`);
    const r = await project.npx(['scan', 'scan']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^scan\/\.env:2:15 {2}error {2}flero-api-key /m);
    assert.ok(!(r.stdout + r.stderr).includes(key));
    const shipped = readFileSync(join(project.dir, 'node_modules/flero-vscode/scanners/gitleaks-flero.toml'), 'utf8');
    assert.equal((await project.flero(['scan', '--gitleaks-rule'])).stdout, shipped);
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

  it('the installed server starts on a fresh data dir and answers /healthz, /api/me with the owner key and /api-docs', async () => {
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
      // /api-docs and every file it references, from the installed dist/ (the scratch project has no swagger-ui-dist).
      const html = await (await fetch(`${url}/api-docs`)).text();
      const refs = [...html.matchAll(/\b(?:src|href)="(\/api-docs\/assets\/[^"]+)"/g)].map((m) => m[1]!);
      assert.equal(refs.length, 3, html);
      for (const ref of refs) {
        const res = await fetch(`${url}${ref}`);
        assert.equal(res.status, 200, ref);
        await res.arrayBuffer();
      }
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

// The "done when" of issue 11: a pipeline's whole life cycle with the packed `flero` alone, in a project outside this
// repo, against a real server: a key for one workflow with an expiry, a credential from a CI secret on stdin, push,
// run and wait, read the execution and the audit, roll and revoke the key. No credential value in any output.
describe('a CI pipeline’s life cycle with the packed flero, against a real server', () => {
  const SLACK_TOKEN = 'xoxb-CANARY-packed-lifecycle-0000000000000';
  let project: ScratchProject;
  let srv: RunningServer;
  let slack: Upstream;
  const outputs: string[] = [];
  let admin: Record<string, string>;

  before(async () => {
    await packOnce();
    project = await scratchProject('flero-packed-lifecycle');
    slack = await startUpstream((req) =>
      req.headers.authorization === `Bearer ${SLACK_TOKEN}`
        ? { status: 200, body: { ok: true, ts: '1.2' } }
        : { status: 401, body: { ok: false, error: 'invalid_auth' } },
    );
    srv = await startServer({ env: { FLERO_SERVICE_BASE_URLS: `slack=${slack.url}/api` } });
    admin = { FLERO_SERVER_URL: srv.url, FLERO_API_KEY: srv.ownerKey! };
  });
  after(async () => {
    await srv?.stop();
    await slack?.close();
    project?.remove();
    const all = outputs.join('\n') + (srv ? srv.output() : '');
    assert.ok(!all.includes(SLACK_TOKEN), 'the credential value appears in no output');
  });

  const flero = async (args: string[], env: Record<string, string>, input?: string) => {
    const r = await project.npx(args, { env, input });
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  it('key → credential → push → run → execution → audit → roll → revoke', async () => {
    // 1. A key for one workflow, expiring in a day; printed alone on stdout.
    const made = await flero(
      [
        'keys',
        'create',
        '--name',
        'deploy (CI)',
        '--scopes',
        'workflows:read,workflows:write,executions:read,executions:write',
        '--workflows',
        'deploy_notify',
        '--expires-in',
        '1d',
      ],
      admin,
    );
    assert.equal(made.code, 0, made.stderr);
    const ciKey = made.stdout.trim();
    assert.match(ciKey, /^flero_sk_[0-9A-Za-z]{36}$/);
    const ci = { FLERO_SERVER_URL: srv.url, FLERO_API_KEY: ciKey };
    const me = JSON.parse((await flero(['whoami', '--json'], ci)).stdout);
    assert.deepEqual(me.workflows, ['deploy_notify']);
    assert.ok(Date.parse(me.expiresAt) - Date.now() <= 86_400_000);

    // 2. The Slack token from the CI's secrets, on stdin.
    const cred = await flero(
      ['credentials', 'create', '--id', 'cred_slack', '--name', 'Slack (CI)', '--service', 'slack'],
      admin,
      `${SLACK_TOKEN}\n`,
    );
    assert.equal(cred.code, 0, cred.stderr);
    assert.equal((await flero(['credentials', 'test', 'cred_slack'], admin)).code, 0);

    // 3. Push the repo's workflows (a folder) with the pipeline key; again: unchanged.
    mkdirSync(join(project.dir, 'workflows'), { recursive: true });
    writeFileSync(
      join(project.dir, 'workflows', 'deploy-notify.flero.json'),
      JSON.stringify({
        id: 'deploy_notify',
        name: 'Deploy notification',
        nodes: [
          { id: 'start', type: 'trigger' },
          {
            id: 'post',
            type: 'slack.postMessage',
            credential: 'cred_slack',
            params: { channel: '#deploys', text: 'deployed {{ $input.sha }}' },
          },
        ],
        connections: [{ from: 'start', to: 'post' }],
      }),
    );
    const pushed = await flero(['workflows', 'push', 'workflows'], ci);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /^\+ deploy_notify\s+created/m);
    assert.match((await flero(['workflows', 'push', 'workflows'], ci)).stderr, /0 created, 0 updated, 1 unchanged/);

    // 4. Run it and wait; the token went to Slack (the local stand-in) and nowhere else.
    const run = await flero(['run', 'deploy_notify', '--input', '{"sha":"abc123"}'], ci);
    assert.equal(run.code, 0, run.stderr);
    const ex = JSON.parse(run.stdout);
    assert.equal(ex.status, 'succeeded');
    const post = slack.requests.at(-1)!;
    assert.equal(post.path, '/api/chat.postMessage');
    assert.deepEqual(JSON.parse(post.body), { channel: '#deploys', text: 'deployed abc123' });

    // 5. Read the execution and the audit.
    const show = await flero(['executions', 'show', ex.id], ci);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /✓ post \(slack\.postMessage\) succeeded/);
    const listed = JSON.parse(
      (await flero(['executions', 'list', '--workflow', 'deploy_notify', '--json'], ci)).stdout,
    );
    assert.equal(listed[0].id, ex.id);
    const audit = JSON.parse(
      (await flero(['audit', '--event', 'workflow.run', '--since', '1h', '--json'], admin)).stdout,
    );
    assert.ok(audit.some((e: { keyId: string; target: string }) => e.keyId === me.id && e.target === 'deploy_notify'));

    // 6. Roll the pipeline key (no overlap): the new one works, the old one is refused; then revoke the new one.
    const rolled = await flero(['keys', 'roll', me.id, '--overlap', '0s'], admin);
    assert.equal(rolled.code, 0, rolled.stderr);
    const newKey = rolled.stdout.trim();
    assert.match(newKey, /^flero_sk_[0-9A-Za-z]{36}$/);
    const old = await flero(['whoami'], ci);
    assert.equal(old.code, 1);
    assert.match(old.stderr, /did not accept the key/);
    const fresh = JSON.parse((await flero(['whoami', '--json'], { ...ci, FLERO_API_KEY: newKey })).stdout);
    assert.equal(fresh.name, 'deploy (CI)');
    assert.deepEqual(fresh.workflows, ['deploy_notify']);
    assert.equal((await flero(['keys', 'revoke', fresh.id], admin)).code, 0);
    assert.equal((await flero(['whoami'], { ...ci, FLERO_API_KEY: newKey })).code, 1, 'revoked: refused');
  });
});
