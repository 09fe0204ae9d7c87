// `flero serve` and `flero keys` as a user meets them: --help, usage errors with exit code 2, the owner key printed
// once when no --owner-key-file is given, an admin key prefix, graceful SIGINT.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { api, runCli, startServer } from '../helpers/server';
import { tmpDir } from '../helpers/tmp';

test('serve --help and usage errors', async () => {
  const help = await runCli(['serve', '--help']);
  assert.equal(help.code, 0);
  for (const flag of ['--host', '--port', '--data', '--database-url', '--key-prefix', '--owner-key-file'])
    assert.ok(help.stdout.includes(flag), flag);
  const cases: [string[], RegExp][] = [
    [['serve', '--port', '99999'], /--port must be a number from 0 to 65535/],
    [['serve', '--port', 'abc'], /--port/],
    [['serve', '--key-prefix', 'Bad-Prefix'], /--key-prefix "Bad-Prefix" is invalid/],
    [['serve', '--bogus'], /^flero serve: unknown option --bogus \(see `flero serve --help`\)\n$/],
    [['serve', '--prot', '1'], /unknown option --prot \(did you mean --port\?\)/],
    [['serve', '--data', 'x', '--database-url', 'postgres://a@b/c'], /either --data or --database-url/],
    [['keys'], /Usage: flero keys/],
    [['keys', 'create', '--name', 'x'], /--scopes is required/],
    [['keys', 'revoke'], /missing <key-id>/],
    [['keys', 'revoke', 'a', 'b'], /unexpected argument "b"/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr + r.stdout, message);
  }
  for (const sub of ['create', 'list', 'show', 'revoke', 'roll']) {
    const r = await runCli(['keys', sub, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`Usage: flero keys ${sub}`));
  }
});

test('first start without --owner-key-file prints the owner key once; --key-prefix applies to every key', async () => {
  const srv = await startServer({ printOwnerKey: true, keyPrefix: 'acme_sk_' });
  try {
    const owner = srv.ownerKey!;
    assert.match(owner, /^acme_sk_[0-9A-Za-z]{36}$/);
    assert.equal(srv.output().split(owner).length - 1, 1, 'printed exactly once');
    assert.match(srv.output(), /^Flero API listening on http:\/\/127\.0\.0\.1:\d+$/m);
    const me = await api(srv.url, 'GET', '/api/me', { key: owner });
    assert.equal(me.body.name, 'owner');
    assert.equal(me.body.workflows, 'all');
    assert.equal(me.body.scopes.length, 9);
    const made = await api(srv.url, 'POST', '/api/api-keys', {
      key: owner,
      body: { name: 'x', scopes: ['audit:read'] },
    });
    assert.match(made.body.key, /^acme_sk_/);
    assert.equal(made.body.start, made.body.key.slice(0, 'acme_sk_'.length + 4));
  } finally {
    // One SIGINT, then wait: a second signal while stopping means "exit now" (130), which stop() would send.
    const exited = new Promise<number | null>((resolve) => srv.child.once('exit', (code) => resolve(code)));
    srv.child.kill('SIGINT');
    assert.equal(await exited, 0, 'SIGINT stops it cleanly');
    await srv.stop();
    assert.match(srv.output(), /Stopping \(SIGINT\)/);
  }
});

test('the owner key file is written with mode 0600', async () => {
  const dir = tmpDir('flero-owner-mode');
  const srv = await startServer({ ownerKeyFile: join(dir.path, 'owner') });
  try {
    assert.equal(statSync(srv.ownerKeyFile).mode & 0o777, 0o600);
    assert.ok(!srv.output().includes(srv.ownerKey!), 'not printed when written to the file');
  } finally {
    await srv.stop();
    dir.remove();
  }
});

test('keys on a data dir that does not exist: refused without --init (a typo never makes a new store)', async () => {
  const d = tmpDir('flero-keys-init');
  try {
    const typo = join(d.path, 'flero-dta');
    const args = ['keys', 'create', '--name', 'ci', '--scopes', 'workflows:read', '--data', typo];
    const refused = await runCli(args, { env: { FLERO_SERVER_URL: '', FLERO_DATABASE_URL: '' } });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /no Flero data dir at .*flero-dta \(a typo\? To make a new one, add --init/);
    assert.equal(existsSync(typo), false, 'nothing was created');
    const listed = await runCli(['keys', 'list', '--data', typo], { env: { FLERO_SERVER_URL: '' } });
    assert.equal(listed.code, 2);
    assert.equal(existsSync(typo), false);
    const made = await runCli([...args, '--init'], { env: { FLERO_SERVER_URL: '', FLERO_DATABASE_URL: '' } });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^flero_sk_[0-9A-Za-z]{36}\n$/);
    const list = await runCli(['keys', 'list', '--data', typo, '--json'], { env: { FLERO_SERVER_URL: '' } });
    assert.deepEqual(
      JSON.parse(list.stdout).map((k: { name: string }) => k.name),
      ['ci'],
    );
  } finally {
    d.remove();
  }
});
