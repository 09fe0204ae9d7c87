// `flero scan` as a user runs it (the built CLI, a real process) over a temp tree: .env, source and log files,
// nested .gitignore files, .flero-scanignore, a binary file, exit codes, the three formats, never the secret in any
// output, and `--report` against a local HTTP server that records what it receives.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { generateKey } from '../../server/src/core/keys';
import { RULES_BY_ID } from '../../server/src/core/secrets';
import { Random } from '../../server/src/core/secrets/random';
import { api, REPO_ROOT, runCli, startServer } from '../helpers/server';
import { type TmpDir, tmpDir } from '../helpers/tmp';

const r = new Random(5);
const key = generateKey();
const key2 = generateKey();
const gh = RULES_BY_ID.get('github-pat')!.example(r);
const write = (root: string, rel: string, text: string | Buffer) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
};

describe('flero scan', () => {
  let dir: TmpDir;
  const scan = (args: string[]) => runCli(['scan', ...args], { cwd: dir.path });
  before(() => {
    dir = tmpDir('flero-scan');
    const d = dir.path;
    write(d, '.env', `PORT=8080\nFLERO_API_KEY=${key}\n`);
    write(d, 'src/app.js', `// config\nconst gh = "${gh}";\nconst k = process.env.API_KEY;\n`);
    write(d, 'logs/run.log', `2026-12-02 request with Authorization: Bearer ${key2} failed\n`);
    write(d, 'src/.gitignore', 'generated/\n');
    write(d, 'src/generated/out.js', `const leaked = "${key}";\n`);
    write(d, '.gitignore', '*.tmp\n');
    write(d, 'notes.tmp', `${key}\n`);
    write(d, '.flero-scanignore', 'fixtures/\n');
    write(d, 'fixtures/fake.env', `KEY=${key}\n`);
    write(d, 'blob.bin', Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(key)]));
    write(d, 'README.md', 'Set FLERO_API_KEY=<your key> and API_TOKEN=${API_TOKEN}.\n');
  });
  after(() => dir.remove());

  test('text: each secret with path:line:col, exit 1; ignored, scanignored and binary files skipped; no value printed', async () => {
    const res = await scan([]);
    assert.equal(res.code, 1, res.stderr);
    const lines = res.stdout.trim().split('\n').sort();
    assert.deepEqual(lines, [
      '.env:2:15  error  flero-api-key  a Flero API key (Flero)',
      'logs/run.log:1:47  error  flero-api-key  a Flero API key (Flero)',
      'src/app.js:2:13  error  github-pat  a GitHub personal access token (GitHub)',
    ]);
    assert.match(res.stderr, /3 secrets found in 3 files \(\d+ files scanned, 1 skipped/);
    for (const secret of [key, key2, gh, key.slice(9, 30)]) assert.ok(!(res.stdout + res.stderr).includes(secret));
  });

  test('an explicitly named file is scanned even if ignored; a clean tree exits 0', async () => {
    const named = await scan(['src/generated/out.js']);
    assert.equal(named.code, 1);
    assert.match(named.stdout, /^src\/generated\/out\.js:1:17 {2}error {2}flero-api-key/);
    const clean = await scan(['README.md']);
    assert.equal(clean.code, 0, clean.stdout);
    assert.equal(clean.stdout, '');
    assert.match(clean.stderr, /no secrets found/);
    const hints = await scan(['README.md', '--include-hints']);
    assert.equal(hints.code, 0);
  });

  test('json: findings with positions, counts; --exclude', async () => {
    const res = await scan(['--format', 'json', '--exclude', 'logs/']);
    assert.equal(res.code, 1);
    const out = JSON.parse(res.stdout) as {
      findings: { path: string; line: number; column: number; endColumn: number; ruleId: string }[];
      scanned: number;
      skipped: number;
    };
    assert.deepEqual(out.findings.map((f) => [f.path, f.line, f.column, f.endColumn, f.ruleId]).sort(), [
      ['.env', 2, 15, 15 + key.length, 'flero-api-key'],
      ['src/app.js', 2, 13, 13 + gh.length, 'github-pat'],
    ]);
    assert.equal(out.skipped, 1);
    assert.ok(!res.stdout.includes(key));
  });

  test('sarif: valid SARIF 2.1.0 with the rules that fired, no secret', async () => {
    const res = await scan(['--format', 'sarif']);
    assert.equal(res.code, 1);
    const log = JSON.parse(res.stdout) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: unknown[] }[];
    };
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors));
    assert.deepEqual(log.runs[0]!.tool.driver.rules.map((x: { id: string }) => x.id).sort(), [
      'flero-api-key',
      'github-pat',
    ]);
    assert.equal(log.runs[0]!.results.length, 3);
    for (const secret of [key, key2, gh]) assert.ok(!res.stdout.includes(secret));
  });

  test('usage errors exit 2: a missing path, an unknown format, a bad size, a bad --report URL', async () => {
    for (const args of [
      ['nope'],
      ['--format', 'xml'],
      ['--max-file-size', 'big'],
      ['--report', 'not a url'],
      ['--formt', 'json'],
    ]) {
      const res = await scan(args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, /^flero scan: /);
    }
    assert.match((await scan(['--formt', 'json'])).stderr, /--format/);
  });

  test('--max-file-size skips larger files', async () => {
    const res = await scan(['--max-file-size', '40', '--format', 'json']);
    const out = JSON.parse(res.stdout) as { findings: { path: string }[] };
    assert.deepEqual(
      out.findings.map((f) => f.path),
      [],
    );
    assert.equal(res.code, 0);
  });

  test('--report sends only the Flero keys found, deduplicated, with the source; never prints them', async () => {
    const bodies: unknown[] = [];
    const paths: string[] = [];
    const srv = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => {
        b += c;
      });
      req.on('end', () => {
        paths.push(`${req.method} ${req.url}`);
        bodies.push(JSON.parse(b));
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ received: 2 }));
      });
    });
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    const port = (srv.address() as { port: number }).port;
    try {
      const res = await scan(['--report', `http://127.0.0.1:${port}`, '--source', 'https://git.example.com/acme/app']);
      assert.equal(res.code, 1);
      assert.deepEqual(paths, ['POST /api/leaked-keys']);
      const body = bodies[0] as { keys: string[]; source: string };
      assert.deepEqual(body.keys.sort(), [key, key2].sort());
      assert.equal(body.source, 'https://git.example.com/acme/app');
      assert.match(res.stderr, new RegExp(`reported 2 Flero key\\(s\\) to http://127\\.0\\.0\\.1:${port}`));
      assert.ok(!(res.stdout + res.stderr).includes(key));
    } finally {
      srv.close();
    }
    const down = await scan(['.env', '--report', `http://127.0.0.1:${port}`]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /could not report to/);
  });

  test('--gitleaks-rule prints a gitleaks config whose regex finds keys of that prefix only; the shipped file is the default', async () => {
    const res = await scan(['--gitleaks-rule', '--prefix', 'acme_']);
    assert.equal(res.code, 0);
    assert.match(res.stdout, /^\[\[rules\]\]$/m);
    const regex = /regex = '''(.*)'''/.exec(res.stdout)![1]!;
    const re = new RegExp(regex);
    assert.ok(re.test(` ${generateKey('acme_')} `));
    assert.ok(!re.test(` ${key} `));
    assert.ok(!re.test(` ${generateKey('acme_').slice(0, -1)} `));
    const shipped = readFileSync(join(REPO_ROOT, 'scanners/gitleaks-flero.toml'), 'utf8');
    assert.equal((await scan(['--gitleaks-rule'])).stdout, shipped);
    assert.equal((await scan(['--gitleaks-rule', '--prefix', 'Bad'])).code, 2);
  });

  test('this repository scans clean (fixtures of fakes are in .flero-scanignore, deliberate test values marked)', async () => {
    const res = await runCli(['scan', '.'], { cwd: REPO_ROOT });
    assert.equal(res.code, 0, res.stdout);
    assert.match(res.stderr, /no secrets found \(\d{3,} files scanned/);
  });
});

describe('flero scan: keys in URLs', () => {
  let dir: TmpDir;
  const apiKey = r.base62(32);
  before(() => {
    dir = tmpDir('flero-scan-url');
    write(
      dir.path,
      'src/client.js',
      `// items\nconst res = await fetch("https://api.example.com/v1/items?page=2&api_key=${apiKey}");\n`,
    );
    write(dir.path, 'deploy.sh', `curl -s https://api.example.com/v1/items?access_token=${apiKey}#top\n`);
  });
  after(() => dir.remove());

  test('a key-like query parameter in a URL is reported with exactly its range', async () => {
    const res = await runCli(['scan', '--format', 'json'], { cwd: dir.path });
    assert.equal(res.code, 1, res.stderr);
    const out = JSON.parse(res.stdout) as {
      findings: { path: string; line: number; column: number; endColumn: number; ruleId: string }[];
    };
    const line = `const res = await fetch("https://api.example.com/v1/items?page=2&api_key=${apiKey}");`;
    const curl = `curl -s https://api.example.com/v1/items?access_token=${apiKey}#top`;
    assert.deepEqual(out.findings.map((f) => [f.path, f.line, f.column, f.endColumn, f.ruleId]).sort(), [
      ['deploy.sh', 1, curl.indexOf(apiKey) + 1, curl.indexOf(apiKey) + 1 + apiKey.length, 'generic-keyed-secret'],
      ['src/client.js', 2, line.indexOf(apiKey) + 1, line.indexOf(apiKey) + 1 + apiKey.length, 'generic-keyed-secret'],
    ]);
    assert.ok(!res.stdout.includes(apiKey));
  });
});

describe('flero scan <subdir> inside a repository', () => {
  let dir: TmpDir;
  const token = RULES_BY_ID.get('github-pat')!.example(new Random(17));
  const json = async (args: string[], cwd: string) => {
    const res = await runCli(['scan', '--format', 'json', ...args], { cwd });
    return (JSON.parse(res.stdout) as { findings: { path: string }[] }).findings.map((f) => f.path).sort();
  };
  before(() => {
    dir = tmpDir('flero-scan-repo');
    const d = dir.path;
    mkdirSync(join(d, '.git/info'), { recursive: true });
    write(d, '.gitignore', 'secrets/\n/local.env\n/sub/cache/\n');
    write(d, '.git/info/exclude', 'mine.env\n');
    write(d, 'sub/secrets/x.env', `TOKEN=${token}\n`);
    write(d, 'sub/cache/y.env', `TOKEN=${token}\n`);
    write(d, 'sub/deeper/mine.env', `TOKEN=${token}\n`);
    write(d, 'sub/local.env', `TOKEN=${token}\n`);
    write(d, 'sub/app.env', `TOKEN=${token}\n`);
  });
  after(() => dir.remove());

  test('the enclosing repository’s .gitignore and .git/info/exclude apply; root patterns stay anchored at the root', async () => {
    // `/local.env` is the root's only: sub/local.env is scanned. `secrets/` (unanchored) ignores sub/secrets/.
    assert.deepEqual(await json(['sub'], dir.path), ['sub/app.env', 'sub/local.env']);
    assert.deepEqual(await json(['.'], join(dir.path, 'sub')), ['app.env', 'local.env']);
    assert.deepEqual(await json([], join(dir.path, 'sub/secrets')), []);
    // An explicitly named file is still read.
    assert.deepEqual(await json(['sub/secrets/x.env'], dir.path), ['sub/secrets/x.env']);
  });
});

describe('flero scan --report against the real server', () => {
  let dir: TmpDir;
  let srv: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    dir = tmpDir('flero-scan-report');
    srv = await startServer();
  });
  after(async () => {
    dir.remove();
    await srv.stop();
  });

  test('a live key found in a file is revoked by the report and audited as key.leaked with the source; output holds no key', async () => {
    const made = await api(srv.url, 'POST', '/api/api-keys', {
      key: srv.ownerKey,
      body: { name: 'committed by mistake', scopes: ['workflows:read'] },
    });
    assert.equal(made.status, 201, made.text);
    const live: string = made.body.key;
    assert.equal((await api(srv.url, 'GET', '/api/me', { key: live })).status, 200);
    write(dir.path, 'deploy/.env', `FLERO_API_KEY=${live}\n`);
    const res = await runCli(
      ['scan', '--report', srv.url, '--source', 'https://git.example.com/acme/app/blob/main/deploy/.env'],
      { cwd: dir.path },
    );
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /reported 1 Flero key\(s\) to http:\/\/127\.0\.0\.1:\d+/);
    for (const out of [res.stdout, res.stderr]) assert.ok(!out.includes(live), 'the key was printed');
    assert.equal((await api(srv.url, 'GET', '/api/me', { key: live })).status, 401, 'the reported key still works');
    const audit = await api(srv.url, 'GET', '/api/audit?event=key.leaked&limit=10', { key: srv.ownerKey });
    const entry = (audit.body as { target: string; detail: { source?: string } }[]).find(
      (e) => e.target === made.body.id,
    );
    assert.equal(entry?.detail.source, 'https://git.example.com/acme/app/blob/main/deploy/.env');
    assert.ok(!audit.text.includes(live), 'the audit log holds the key');
  });
});
