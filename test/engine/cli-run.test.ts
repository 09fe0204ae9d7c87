// `flero run` from the built bundle (dist/flero.mjs: also proves the QuickJS WASM loads beside the bundle) against a
// real local upstream: progress lines, the execution on stdout, exit codes, and no secret in any output.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scanString } from '../reliability/canary';
import { runCli } from '../helpers/server';
import { tmpDir, type TmpDir } from '../helpers/tmp';
import { startUpstream, type Upstream } from '../helpers/upstream';

const CANARY = 'canaryCli_R4nd0mV4lue_x9Qe2';

function leaks(text: string): number {
  return scanString(text, { canaries: { credential: CANARY }, flagValidKeys: false }).length;
}

describe('flero run (local)', () => {
  let up: Upstream;
  let dir: TmpDir;
  let file: string;
  let creds: string;
  before(async () => {
    up = await startUpstream((req) => ({
      body: {
        temp: 21,
        city: req.query.city,
        auth: req.headers.authorization,
        b64: Buffer.from(String(req.headers.authorization)).toString('base64'),
      },
    }));
    dir = tmpDir('flero-cli-run');
    file = join(dir.path, 'weather.flero.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'wf_weather',
        name: 'Weather',
        nodes: [
          { id: 'start', type: 'trigger' },
          {
            id: 'forecast',
            type: 'http',
            method: 'GET',
            url: `${up.url}/forecast`,
            credential: 'cred_weather',
            query: { city: '{{ $input.city }}' },
          },
          {
            id: 'shape',
            type: 'code',
            code: 'console.log("auth seen:", $node.forecast.body.auth); return { summary: "Temp " + $node.forecast.body.temp };',
          },
        ],
        connections: [
          { from: 'start', to: 'forecast' },
          { from: 'forecast', to: 'shape' },
        ],
      }),
    );
    creds = join(dir.path, 'creds.json');
    writeFileSync(
      creds,
      JSON.stringify([
        { id: 'cred_weather', service: 'custom', authType: 'bearer', hosts: [up.host], valueEnv: 'WEATHER_KEY' },
      ]),
    );
  });
  after(async () => {
    await up.close();
    dir.remove();
  });

  it('runs a file locally with the credential injected, prints progress and the masked execution', async () => {
    const r = await runCli(['run', file, '--input', '{"city":"Oslo"}'], {
      env: { FLERO_CREDENTIALS: creds, WEATHER_KEY: CANARY },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${CANARY}`);
    const ex = JSON.parse(r.stdout) as { status: string; output: unknown; nodes: { id: string; status: string }[] };
    assert.equal(ex.status, 'succeeded');
    assert.deepEqual(ex.output, { summary: 'Temp 21' });
    assert.match(r.stderr, /✓ start \(trigger\) succeeded/);
    assert.match(r.stderr, /✓ forecast \(http\) succeeded \d/);
    assert.match(r.stderr, /✓ shape \(code\) succeeded/);
    assert.match(r.stderr, /\[log\] auth seen: Bearer \*\*\*/);
    assert.equal(leaks(r.stdout + r.stderr), 0, 'no form of the secret in CLI output');
  });

  it('exits 1 on a failed run and names the node', async () => {
    const bad = join(dir.path, 'bad.flero.json');
    writeFileSync(
      bad,
      JSON.stringify({
        id: 'wf_bad',
        name: 'Bad',
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'leak', type: 'http', method: 'GET', url: 'http://127.0.0.1:1/', credential: 'cred_weather' },
          { id: 'never', type: 'code', code: 'return 1' },
        ],
        connections: [
          { from: 'start', to: 'leak' },
          { from: 'leak', to: 'never' },
        ],
      }),
    );
    const r = await runCli(['run', bad], { env: { FLERO_CREDENTIALS: creds, WEATHER_KEY: CANARY } });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /✗ leak \(http\) failed.*may only be sent to 127\.0\.0\.1:\d+, not to 127\.0\.0\.1:1; nothing was sent/,
    );
    assert.match(r.stderr, /- never \(code\) skipped/);
    assert.equal(JSON.parse(r.stdout).status, 'failed');
    assert.equal(leaks(r.stdout + r.stderr), 0);
  });

  it('exits 2 on usage errors with a clear message', async () => {
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [[], /missing a workflow file or a workflow id/],
      [[file, '--input', '{oops'], /--input is not valid JSON/],
      [[file, '--input', '[1]'], /--input must be a JSON object/],
      [['missing.flero.json'], /no such file: missing\.flero\.json/],
      [['wf_remote'], /give --server URL or set FLERO_SERVER_URL/],
      [[file, '--bogus'], /unknown option --bogus/],
      [
        [file],
        /FLERO_CREDENTIALS \(.*creds\.json\) entry 0 \("cred_weather"\): valueEnv WEATHER_KEY is set but empty/,
        { FLERO_CREDENTIALS: creds },
      ],
      [['wf_remote', '--server', 'http://127.0.0.1:1'], /FLERO_API_KEY is not set/],
    ];
    for (const [args, pattern, env] of cases) {
      const r = await runCli(['run', ...args], {
        env: { FLERO_API_KEY: '', FLERO_SERVER_URL: '', WEATHER_KEY: '', ...env },
      });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
    }
  });
  it('a local run names the unset valueEnv, and says where a missing credential was looked for', async () => {
    const write = (name: string, entries: unknown) => {
      const p = join(dir.path, name);
      writeFileSync(p, JSON.stringify(entries));
      return p;
    };
    const gh = { id: 'gh', service: 'github', authType: 'bearer' };
    const unsetEnv = write('unset.json', [{ ...gh, valueEnv: 'FLERO_TEST_UNSET_TOKEN' }]);
    const noValue = write('novalue.json', [gh]);
    const other = write('other.json', [{ ...gh, value: CANARY }]);
    const env = { WEATHER_KEY: CANARY }; // FLERO_TEST_UNSET_TOKEN is not in the environment

    const unset = await runCli(['run', file], { env: { ...env, FLERO_CREDENTIALS: unsetEnv } });
    assert.equal(unset.code, 2, unset.stderr);
    assert.ok(
      unset.stderr.includes(
        `flero run: FLERO_CREDENTIALS (${unsetEnv}) entry 0 ("gh"): valueEnv FLERO_TEST_UNSET_TOKEN is not set\n`,
      ),
      unset.stderr,
    );
    const none = await runCli(['run', file], { env: { ...env, FLERO_CREDENTIALS: noValue } });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /entry 0 \("gh"\): needs "value" \(the value itself\) or "valueEnv"/);

    // cred_weather is not in the file: the run fails naming the file it read.
    const missing = await runCli(['run', file], { env: { ...env, FLERO_CREDENTIALS: other } });
    assert.equal(missing.code, 1, missing.stderr);
    const ex = JSON.parse(missing.stdout) as { status: string; error: string };
    assert.equal(ex.status, 'failed');
    assert.equal(
      ex.error,
      `credential "cred_weather" does not exist in FLERO_CREDENTIALS (${other}), the file a local run reads credentials from; it defines: gh`,
    );
    // FLERO_CREDENTIALS not set at all: the run says so.
    const unsetFile = await runCli(['run', file], { env: { ...env, FLERO_CREDENTIALS: '' } });
    assert.equal(unsetFile.code, 1, unsetFile.stderr);
    assert.equal(
      (JSON.parse(unsetFile.stdout) as { error: string }).error,
      'credential "cred_weather" does not exist: a local run reads credentials from the JSON file named by FLERO_CREDENTIALS, which is not set (or run it on a server with --server)',
    );
    for (const r of [unset, none, missing, unsetFile]) assert.equal(leaks(r.stdout + r.stderr), 0);
  });
});
