// `flero serve`'s one settings table (server/src/cli/config.ts): the README's serve table is the table, the help
// names every flag and variable, and flags, environment and defaults land in the typed ServerConfig.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { UsageError } from '../../server/src/cli/args';
import {
  ConfigError,
  loadServerConfig,
  type ServerConfig,
  SETTINGS,
  serveHelp,
  settingsMarkdown,
} from '../../server/src/cli/config';

const README = new URL('../../README.md', import.meta.url);

function load(argv: string[], env: Record<string, string> = {}): ServerConfig {
  const c = loadServerConfig(argv, env);
  assert.notEqual(c, 'help');
  return c as ServerConfig;
}

describe('serve settings table', () => {
  it('the README serve table is the generated one', () => {
    const text = readFileSync(README, 'utf8');
    const m = /<!-- serve-settings:begin[^>]*-->\n([\s\S]*?)\n<!-- serve-settings:end -->/.exec(text);
    assert.ok(m, 'README.md has the serve-settings markers');
    assert.equal(
      m[1],
      settingsMarkdown(),
      `README.md serve table is out of date; it must read:\n${settingsMarkdown()}`,
    );
  });

  it('every setting has one row, and --help names each flag and variable', () => {
    const help = serveHelp();
    const names = SETTINGS.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    for (const s of SETTINGS) {
      assert.ok(s.flag || s.env, `${s.name} has a flag or a variable`);
      if (s.flag) assert.ok(help.includes(s.flag), s.flag);
      if (s.env) assert.ok(help.includes(s.env), s.env);
      assert.ok(s.description.length > 10, `${s.name} is described`);
    }
  });

  it('defaults, flags and environment', () => {
    const d = load([]);
    assert.equal(d.host, '127.0.0.1');
    assert.equal(d.port, 8787);
    assert.equal(d.dataDir, '.flero');
    assert.equal(d.databaseUrl, undefined);
    assert.equal(d.keyPrefix, 'flero_sk_');
    assert.equal(d.runWaitMs, undefined);
    assert.equal(d.runTimeLimitMs, 600_000);
    assert.equal(d.keepExecutions, 10_000);
    assert.equal(d.authFailureLimit, 20);
    assert.equal(d.authFailureWindowMs, 60_000);
    assert.equal(d.logTiming, false);
    const c = load(['--port', '0', '--run-wait-ms', '250', '--executions-max-age', '2d'], {
      FLERO_RUN_WAIT_MS: '9000',
      FLERO_DATABASE_URL: 'postgres://u@h/db',
      FLERO_SERVICE_BASE_URLS: 'github=http://127.0.0.1:9000, slack=http://127.0.0.1:9000/api',
      FLERO_AUTH_FAILURE_LIMIT: '5',
      FLERO_LEASE_MS: '2000',
      FLERO_CODE_WORKERS: '3',
      FLERO_LOG_TIMING: '1',
    });
    assert.equal(c.port, 0);
    assert.equal(c.runWaitMs, 250, 'a flag wins over its variable');
    assert.equal(c.executionsMaxAgeMs, 2 * 86_400_000);
    assert.equal(c.databaseUrl, 'postgres://u@h/db');
    assert.equal(c.dataDir, undefined);
    assert.deepEqual(c.serviceBaseUrls, { github: 'http://127.0.0.1:9000', slack: 'http://127.0.0.1:9000/api' });
    assert.equal(c.authFailureLimit, 5);
    assert.equal(c.leaseMs, 2000);
    assert.equal(c.codeWorkers, 3);
    assert.equal(c.logTiming, true);
    assert.equal(load([], { FLERO_RUN_WAIT_MS: '300' }).runWaitMs, 300);
    assert.equal(loadServerConfig(['-h'], {}), 'help');
  });

  it('refuses bad values with the flag named', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--port', '70000'], {}, /--port must be a number from 0 to 65535/],
      [['--key-prefix', 'Bad'], {}, /--key-prefix "Bad" is invalid/],
      [[], { FLERO_RUN_WAIT_MS: 'soon' }, /--run-wait-ms must be a whole number/],
      [['--run-time-limit', '5x'], {}, /--run-time-limit must be a duration/],
      [['--keep-executions', '0'], {}, /--keep-executions must be a whole number of at least 1/],
      [['--data', 'x', '--database-url', 'postgres://a@b/c'], {}, /either --data or --database-url/],
      [['--bogus'], {}, /^unknown option --bogus$/],
      [['--prot', '1'], {}, /^unknown option --prot \(did you mean --port\?\)$/],
      [['--run-wait-ms'], {}, /^--run-wait-ms needs a value$/],
    ];
    for (const [argv, env, message] of cases)
      assert.throws(
        () => loadServerConfig(argv, env),
        (e: unknown) => e instanceof UsageError && message.test(e.message) && !e.message.includes('\n'),
        argv.join(' '),
      );
    assert.throws(
      () => loadServerConfig([], { FLERO_SERVICE_BASE_URLS: 'nosuchservice=http://x' }),
      (e: unknown) => e instanceof ConfigError && /FLERO_SERVICE_BASE_URLS: "nosuchservice=http:\/\/x"/.test(e.message),
    );
  });
});
