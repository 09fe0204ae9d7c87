// The version is package.json's, fixed at build time (esbuild define __FLERO_VERSION__): `flero --version`, the
// OpenAPI document and the language server's serverInfo all say it; none reads it from the environment.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { api, runCli, startServer } from '../helpers/server';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

test('flero --version and the OpenAPI document carry the package version', async () => {
  const cli = await runCli(['--version'], { env: { FLERO_VERSION: '9.9.9' } });
  assert.equal(cli.code, 0);
  assert.equal(cli.stdout, `${version}\n`);
  const srv = await startServer();
  try {
    const doc = await api(srv.url, 'GET', '/api-docs/openapi.json');
    assert.equal(doc.body.info.version, version);
  } finally {
    await srv.stop();
  }
});
