// `flero` against a running server, as a pipeline author meets it: every server command's happy path, its table
// and its --json (exactly the API's JSON), and the bad inputs (missing key, wrong server, 401/403 in the API's
// words, unknown options and commands with the closest name, exit codes 0/1/2). Real server, real HTTP, the built CLI.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api, runCli, type RunningServer, startServer } from '../helpers/server';
import { tmpDir } from '../helpers/tmp';
import { startUpstream, type Upstream } from '../helpers/upstream';

const CANARY = 'ghp_CANARYcliREMOTE0000000000000000000000';
const CANARY2 = 'ghp_CANARYcliROTATED000000000000000000000';
let srv: RunningServer;
let upstream: Upstream;
let env: Record<string, string>;
const dir = tmpDir('flero-cli-remote');
const outputs: string[] = [];

async function flero(args: string[], opts: { env?: Record<string, string>; input?: string } = {}) {
  const r = await runCli(args, { env: { ...env, ...opts.env }, input: opts.input });
  outputs.push(r.stdout, r.stderr);
  return r;
}

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const wf = (id: string, name = id) => ({
  id,
  name,
  nodes: [{ id: 'shape', type: 'code', code: 'return { ok: true, at: $input.n ?? 0 };' }],
  connections: [],
});

before(async () => {
  upstream = await startUpstream((req) =>
    req.headers.authorization === `Bearer ${CANARY}`
      ? { status: 200, body: { login: 'bot' } }
      : { status: 401, body: {} },
  );
  srv = await startServer({ env: { FLERO_SERVICE_BASE_URLS: `github=${upstream.url}` } });
  env = { FLERO_SERVER_URL: srv.url, FLERO_API_KEY: srv.ownerKey!, FLERO_DATABASE_URL: '', FLERO_CREDENTIALS: '' };
});

after(async () => {
  await srv.stop();
  await upstream.close();
  dir.remove();
  const all = outputs.join('\n') + srv.output();
  for (const secret of [CANARY, CANARY2, 'basic-canary-password-0001'])
    assert.ok(!all.includes(secret), 'no credential value in any output');
});

describe('flero against a server', () => {
  it('whoami: the key in FLERO_API_KEY, as text and as the /api/me JSON', async () => {
    const text = await flero(['whoami']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^owner \(key_\w+, flero_sk_\w{4}…\) on http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(text.stdout, /^workflows: all$/m);
    const json = await flero(['whoami', '--json']);
    const me = await api(srv.url, 'GET', '/api/me', { key: srv.ownerKey });
    assert.deepEqual({ ...JSON.parse(json.stdout), lastUsedAt: null }, { ...me.body, lastUsedAt: null });
  });

  it('keys create prints the key alone on stdout; list, show and revoke work on the server', async () => {
    const made = await flero([
      'keys',
      'create',
      '--name',
      'deploy bot',
      '--scopes',
      'workflows:read,executions:read',
      '--workflows',
      'cli_a',
      '--expires-in',
      '30d',
    ]);
    assert.equal(made.code, 0, made.stderr);
    const key = made.stdout.trim();
    assert.match(key, /^flero_sk_[0-9A-Za-z]{36}$/);
    assert.equal(made.stdout, `${key}\n`, 'only the key on stdout');
    assert.match(made.stderr, /shown only this once/);
    assert.ok(!made.stderr.includes(key));
    const me = JSON.parse((await flero(['whoami', '--json'], { env: { FLERO_API_KEY: key } })).stdout);
    assert.deepEqual(me.workflows, ['cli_a']);
    const days = (Date.parse(me.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in 30 days (${days})`);

    const list = await flero(['keys', 'list']);
    assert.match(list.stdout, /^ID\s+NAME\s+START\s+SCOPES\s+WORKFLOWS\s+STATE\s+LAST USED$/m);
    assert.match(list.stdout, /deploy bot\s+flero_sk_\w{4}…\s+workflows:read,executions:read\s+cli_a\s+expires /);
    const listed = JSON.parse((await flero(['keys', 'list', '--json'])).stdout);
    assert.deepEqual(
      listed,
      (await api(srv.url, 'GET', '/api/api-keys', { key: srv.ownerKey })).body
        .map((k: object) => ({ ...k }))
        .map((k: Record<string, unknown>, i: number) => ({ ...k, lastUsedAt: listed[i].lastUsedAt })),
    );
    assert.ok(!list.stdout.includes(key));

    const show = await flero(['keys', 'show', me.id]);
    assert.match(show.stdout, /^name:\s+deploy bot$/m);
    const revoke = await flero(['keys', 'revoke', me.id]);
    assert.equal(revoke.code, 0, revoke.stderr);
    const after = await flero(['whoami'], { env: { FLERO_API_KEY: key } });
    assert.equal(after.code, 1);
    assert.match(after.stderr, /did not accept the key \(unknown, revoked or expired\)\. Set FLERO_API_KEY/);
  });

  it('keys roll: a new key on stdout, the old one keeps working for the overlap', async () => {
    const old = (await flero(['keys', 'create', '--name', 'rolling', '--scopes', 'workflows:read'])).stdout.trim();
    const id = JSON.parse((await flero(['whoami', '--json'], { env: { FLERO_API_KEY: old } })).stdout).id;
    const rolled = await flero(['keys', 'roll', id, '--overlap', '1h']);
    assert.equal(rolled.code, 0, rolled.stderr);
    const fresh = rolled.stdout.trim();
    assert.match(fresh, /^flero_sk_[0-9A-Za-z]{36}$/);
    assert.notEqual(fresh, old);
    assert.equal((await flero(['whoami'], { env: { FLERO_API_KEY: old } })).code, 0, 'old key within the overlap');
    const me = JSON.parse((await flero(['whoami', '--json'], { env: { FLERO_API_KEY: fresh } })).stdout);
    assert.equal(me.name, 'rolling');
    const bad = await flero(['keys', 'roll', id, '--overlap', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--overlap must be a duration/);
  });

  it('credentials: create from stdin, list, show, test, rotate from --value-env, rollback, delete — no value anywhere', async () => {
    const created = await flero(
      [
        'credentials',
        'create',
        '--id',
        'gh_ci',
        '--name',
        'GitHub (CI)',
        '--service',
        'github',
        '--auth-type',
        'bearer',
      ],
      { input: `${CANARY}\n` },
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'gh_ci\n');
    const list = await flero(['credentials', 'list']);
    assert.match(list.stdout, /^gh_ci\s+GitHub \(CI\)\s+github\s+bearer\s+\(service\)\s+…0000\s+1\s+-$/m);
    const show = await flero(['credentials', 'show', 'gh_ci', '--json']);
    assert.equal(JSON.parse(show.stdout).version, 1);
    const test = await flero(['credentials', 'test', 'gh_ci']);
    assert.equal(test.code, 0, test.stderr);
    assert.match(test.stdout, /^✓ gh_ci: the service accepted it \(HTTP 200\)/);

    // The service refuses the new value: tested before the swap, so nothing changes (exit 1).
    const refusedNew = await flero(['credentials', 'rotate', 'gh_ci', '--value-env', 'NEW_TOKEN'], {
      env: { NEW_TOKEN: CANARY2 },
    });
    assert.equal(refusedNew.code, 1, 'the new value is refused by the service: exit 1');
    assert.match(refusedNew.stdout, /✗ gh_ci: the service refused it \(HTTP 401\)/, refusedNew.stderr);
    assert.match(refusedNew.stderr, /Nothing changed: gh_ci keeps its current value.*--force/);
    assert.equal(JSON.parse((await flero(['credentials', 'show', 'gh_ci', '--json'])).stdout).version, 1);
    // --force rotates anyway; the test after it still reports the refusal (exit 1) and how to undo.
    const rotated = await flero(['credentials', 'rotate', 'gh_ci', '--force', '--value-env', 'NEW_TOKEN'], {
      env: { NEW_TOKEN: CANARY2 },
    });
    assert.equal(rotated.code, 1, 'rotated, but the service refuses the new value: exit 1');
    assert.match(rotated.stdout, /✗ gh_ci: the service refused it \(HTTP 401\)/);
    assert.match(rotated.stderr, /flero credentials rollback gh_ci/);
    assert.equal(JSON.parse((await flero(['credentials', 'show', 'gh_ci', '--json'])).stdout).version, 2);
    const back = await flero(['credentials', 'rollback', 'gh_ci']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal((await flero(['credentials', 'test', 'gh_ci'])).code, 0, 'the old value is back');

    const noValue = await flero(['credentials', 'rotate', 'gh_ci', '--value-env', 'UNSET_VAR_X']);
    assert.equal(noValue.code, 2);
    assert.match(noValue.stderr, /--value-env UNSET_VAR_X: that environment variable is not set/);
    const empty = await flero(['credentials', 'rotate', 'gh_ci'], { input: '' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /standard input was empty/);
    const badService = await flero(['credentials', 'create', '--name', 'x', '--service', 'githib'], { input: 'x' });
    assert.equal(badService.code, 2);
    assert.match(badService.stderr, /unknown service "githib" \(did you mean github\?\)/);
    const refused = await flero(['credentials', 'create', '--name', 'x', '--service', 'github'], {
      input: '  padded-canary-value-0001',
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /HTTP 400 validation_failed.*value: the value has leading or trailing whitespace/);
    assert.ok(!refused.stderr.includes('padded-canary'), 'the value is not echoed');

    const basic = await flero(
      [
        'credentials',
        'create',
        '--id',
        'basic_ci',
        '--name',
        'basic',
        '--service',
        'custom',
        '--auth-type',
        'basic',
      ].concat(['--username', 'bot', '--host', upstream.host]),
      { input: 'basic-canary-password-0001\n' },
    );
    assert.equal(basic.code, 0, basic.stderr);
    assert.deepEqual(JSON.parse((await flero(['credentials', 'show', 'basic_ci', '--json'])).stdout).basic, {
      username: 'bot',
    });
    const noUser = await flero(['credentials', 'create', '--name', 'b', '--service', 'custom', '--auth-type', 'basic']);
    assert.equal(noUser.code, 2);
    assert.match(noUser.stderr, /--username is required for basic/);
    const del = await flero(['credentials', 'delete', 'gh_ci']);
    assert.equal(del.code, 0, del.stderr);
    const gone = await flero(['credentials', 'show', 'gh_ci']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Could not read the credential gh_ci: not found/);
  });

  it('workflows push is idempotent and says what changed; pull and delete', async () => {
    const flows = join(dir.path, 'flows');
    mkdirSync(join(flows, 'nested'), { recursive: true });
    writeFileSync(join(flows, 'a.flero.json'), JSON.stringify(wf('cli_a')));
    writeFileSync(join(flows, 'nested', 'b.flero.json'), JSON.stringify(wf('cli_b')));
    writeFileSync(join(flows, 'notes.json'), '{}');
    const first = await flero(['workflows', 'push', flows]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^\+ cli_a\s+created/m);
    assert.match(first.stdout, /^\+ cli_b\s+created/m);
    assert.match(first.stderr, /2 created, 0 updated, 0 unchanged/);
    const again = await flero(['workflows', 'push', flows]);
    assert.match(again.stderr, /0 created, 0 updated, 2 unchanged/);
    writeFileSync(join(flows, 'a.flero.json'), JSON.stringify(wf('cli_a', 'renamed')));
    const dry = await flero(['workflows', 'push', flows, '--dry-run']);
    assert.match(dry.stdout, /^~ cli_a\s+would be updated/m);
    const third = await flero(['workflows', 'push', flows, '--json']);
    assert.deepEqual(
      JSON.parse(third.stdout).map((r: { id: string; change: string }) => [r.id, r.change]),
      [
        ['cli_a', 'updated'],
        ['cli_b', 'unchanged'],
      ],
    );
    writeFileSync(join(flows, 'broken.flero.json'), JSON.stringify({ id: 'cli_c', name: 'c', nodes: [{ id: 'x' }] }));
    const broken = await flero(['workflows', 'push', flows]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /✗ .*broken\.flero\.json: nodes\.0/);
    assert.match(broken.stderr, /1 failed/);

    const pulled = await flero(['workflows', 'pull', 'cli_a']);
    assert.equal(JSON.parse(pulled.stdout).name, 'renamed');
    const file = join(dir.path, 'pulled.flero.json');
    await flero(['workflows', 'pull', 'cli_b', '-o', file]);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).id, 'cli_b');
    const list = await flero(['workflows', 'list']);
    assert.match(list.stdout, /^cli_a\s+renamed\s+1\s+/m);
    assert.equal((await flero(['workflows', 'delete', 'cli_b'])).code, 0);
    const missing = await flero(['workflows', 'pull', 'cli_b']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
    const none = await flero(['workflows', 'push', join(dir.path, 'nope')]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no such file or folder/);
  });

  it('run, executions list/show/delete and audit filters', async () => {
    const run = await flero(['run', 'cli_a', '--input', '{"n":7}']);
    assert.equal(run.code, 0, run.stderr);
    const ex = JSON.parse(run.stdout);
    assert.equal(ex.status, 'succeeded');
    const list = await flero(['executions', 'list', '--workflow', 'cli_a']);
    assert.match(list.stdout, new RegExp(`^${ex.id}\\s+cli_a\\s+succeeded`, 'm'));
    const show = await flero(['executions', 'show', ex.id]);
    assert.match(show.stdout, /^ {2}✓ shape \(code\) succeeded/m);
    const json = await flero(['executions', 'show', ex.id, '--json']);
    assert.deepEqual(
      JSON.parse(json.stdout),
      (await api(srv.url, 'GET', `/api/executions/${ex.id}`, { key: srv.ownerKey })).body,
    );
    const badStatus = await flero(['executions', 'list', '--status', 'faild']);
    assert.equal(badStatus.code, 2);
    assert.match(badStatus.stderr, /unknown state "faild" \(did you mean failed\?\)/);
    const cancel = await flero(['executions', 'cancel', ex.id]);
    assert.equal(cancel.code, 1, 'a finished run cannot be cancelled');
    assert.match(cancel.stderr, /Could not cancel the execution exe_\w+: HTTP 409/);
    assert.equal((await flero(['executions', 'delete', ex.id])).code, 0);

    const audit = await flero(['audit', '--event', 'workflow.run', '--since', '1h']);
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout, /workflow\.run\s+key_\w+\s+cli_a/);
    const auditJson = JSON.parse((await flero(['audit', '--event', 'key.created', '--json', '--limit', '2'])).stdout);
    assert.ok(auditJson.length <= 2 && auditJson.every((e: { event: string }) => e.event === 'key.created'));
    const future = JSON.parse((await flero(['audit', '--since', '2999-01-01', '--json'])).stdout);
    assert.deepEqual(future, []);
    const badEvent = await flero(['audit', '--event', 'key.revokd']);
    assert.equal(badEvent.code, 2);
    assert.match(badEvent.stderr, /unknown event "key\.revokd" \(did you mean key\.revoked\?\)/);
    const badSince = await flero(['audit', '--since', 'yesterday']);
    assert.equal(badSince.code, 2);
  });

  it('403 in the API’s words, 401, no key, no server, a wrong server, and a non-Flero server', async () => {
    const narrow = (await flero(['keys', 'create', '--name', 'narrow', '--scopes', 'workflows:read'])).stdout.trim();
    const denied = await flero(['credentials', 'list'], { env: { FLERO_API_KEY: narrow } });
    assert.equal(denied.code, 1);
    assert.equal(
      denied.stderr,
      'flero credentials list: Could not list credentials: the key lacks the scope "credentials:read"\n',
    );
    const bad = await flero(['workflows', 'list'], { env: { FLERO_API_KEY: 'flero_sk_notAKeyAtAll' } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /did not accept the key/);
    assert.ok(!bad.stderr.includes('notAKeyAtAll'));
    const noKey = await flero(['workflows', 'list'], { env: { FLERO_API_KEY: '' } });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /FLERO_API_KEY is not set/);
    const noServer = await flero(['workflows', 'list'], { env: { FLERO_SERVER_URL: '' } });
    assert.equal(noServer.code, 2);
    assert.match(noServer.stderr, /no server: give --server URL or set FLERO_SERVER_URL/);
    const keysNowhere = await flero(['keys', 'list'], { env: { FLERO_SERVER_URL: '' } });
    assert.equal(keysNowhere.code, 2);
    assert.match(keysNowhere.stderr, /give --server URL .* or --data DIR \/ --database-url URL/);
    const port = await closedPort();
    const closed = await flero(['whoami', '--server', `http://127.0.0.1:${port}`]);
    assert.equal(closed.code, 1);
    assert.equal(
      closed.stderr,
      `flero whoami: Could not check the API key: the Flero server at http://127.0.0.1:${port} did not answer (ECONNREFUSED)\n`,
    );
    const notFlero = await flero(['whoami', '--server', upstream.url]);
    assert.equal(notFlero.code, 1);
    const badUrl = await flero(['whoami', '--server', 'ftp://x']);
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.stderr, /--server must be an http\(s\) URL/);
    const withPassword = await flero(['whoami', '--server', 'http://u:p@127.0.0.1:1']);
    assert.equal(withPassword.code, 2);
  });
});

/** Every command that talks to a server, with arguments that would otherwise be valid. */
const SERVER_COMMANDS: string[][] = [
  ['whoami'],
  ['keys', 'create', '--name', 'x', '--scopes', 'workflows:read'],
  ['keys', 'list'],
  ['keys', 'show', 'key_x'],
  ['keys', 'revoke', 'key_x'],
  ['keys', 'roll', 'key_x'],
  ['credentials', 'create', '--name', 'x', '--service', 'github', '--value-env', 'SOME_VALUE'],
  ['credentials', 'list'],
  ['credentials', 'show', 'c'],
  ['credentials', 'test', 'c'],
  ['credentials', 'rotate', 'c', '--value-env', 'SOME_VALUE'],
  ['credentials', 'rollback', 'c'],
  ['credentials', 'delete', 'c'],
  ['workflows', 'list'],
  ['workflows', 'pull', 'w'],
  ['workflows', 'delete', 'w'],
  ['executions', 'list'],
  ['executions', 'show', 'exe_x'],
  ['executions', 'cancel', 'exe_x'],
  ['executions', 'delete', 'exe_x'],
  ['audit'],
  ['run', 'some_workflow'],
];

describe('every server command refuses the same way', () => {
  it('no key (2), a wrong key (1, "did not accept"), an unreachable server (1, its URL)', async () => {
    const port = await closedPort();
    const base = { FLERO_SERVER_URL: srv.url, SOME_VALUE: 'placeholder-value-0000' };
    for (const args of SERVER_COMMANDS) {
      const noKey = await runCli(args, { env: { ...base, FLERO_API_KEY: '' } });
      assert.equal(noKey.code, 2, `${args.join(' ')}: ${noKey.stderr}`);
      assert.match(noKey.stderr, /FLERO_API_KEY is not set/, args.join(' '));
      const badKey = await runCli(args, { env: { ...base, FLERO_API_KEY: 'flero_sk_wrongwrongwrong' } });
      assert.equal(badKey.code, 1, `${args.join(' ')}: ${badKey.stderr}`);
      assert.match(badKey.stderr, /did not accept the key/, args.join(' '));
      assert.ok(!badKey.stderr.includes('wrongwrong'), 'the key is never echoed');
      const gone = await runCli(args, {
        env: { ...base, FLERO_SERVER_URL: `http://127.0.0.1:${port}`, FLERO_API_KEY: 'flero_sk_x' },
      });
      assert.equal(gone.code, 1, `${args.join(' ')}: ${gone.stderr}`);
      assert.match(
        gone.stderr,
        new RegExp(`127\\.0\\.0\\.1:${port} did not answer \\(ECONNREFUSED\\)`),
        args.join(' '),
      );
      assert.equal(gone.stderr.split('\n').length, 2, `one line: ${gone.stderr}`);
    }
  });
});

describe('flero commands and help', () => {
  it('every command and subcommand has --help (exit 0); help <command> is the same', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    const commands = [...top.stdout.matchAll(/^ {2}(\w+) {2,}.*?(?:\(([\w|]+)\))?$/gm)].map(
      (m) => [m[1]!, m[2]] as const,
    );
    assert.ok(commands.length >= 11, top.stdout);
    for (const [cmd, subs] of commands) {
      if (cmd === 'help') continue;
      for (const sub of subs ? subs.split('|') : [undefined]) {
        const args = sub ? [cmd, sub] : [cmd];
        const r = await runCli([...args, '--help']);
        assert.equal(r.code, 0, `${args.join(' ')} --help: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: flero ${args.join(' ')}`, 'm'));
        const viaHelp = await runCli(['help', ...args]);
        assert.equal(viaHelp.stdout, r.stdout, `flero help ${args.join(' ')}`);
      }
    }
  });

  it('unknown commands, subcommands and options: one line with the closest name, exit 2', async () => {
    const cases: [string[], string][] = [
      [
        ['credentails', 'list'],
        'flero: unknown command "credentails" (did you mean "credentials"?) (see `flero --help`)\n',
      ],
      [
        ['workflows', 'psuh'],
        'flero: unknown workflows command "psuh" (did you mean "push"?) (see `flero workflows --help`)\n',
      ],
      [
        ['audit', '--evnt', 'x'],
        'flero audit: unknown option --evnt (did you mean --event?) (see `flero audit --help`)\n',
      ],
      [['keys', 'show'], 'flero keys show: missing <key-id> (see `flero keys show --help`)\n'],
      [['whoami', '--server'], 'flero whoami: --server needs a value (see `flero whoami --help`)\n'],
      [['whoami', '--json=yes'], 'flero whoami: --json takes no value (see `flero whoami --help`)\n'],
    ];
    for (const [args, line] of cases) {
      const r = await runCli(args, { env: { FLERO_SERVER_URL: '', FLERO_API_KEY: '' } });
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr, line);
    }
    const version = await runCli(['--version']);
    assert.equal(
      version.stdout,
      `${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`,
    );
  });
});
