// The domain rules that have one home in core: where a credential may be sent (allowedHostsOf, also with a base-URL
// override), the FLERO_SERVICE_BASE_URLS parser, and the id formats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedHostsOf, CREDENTIAL_ID_PATTERN } from '../../server/src/core/credentials';
import { newCredentialId, newExecutionId, newKeyId, newServerId } from '../../server/src/core/ids';
import { parseServiceBaseUrl, parseServiceBaseUrls } from '../../server/src/core/services';
import { ADVISORY_LOCKS } from '../../server/src/api/store/advisoryLocks';

describe('allowedHostsOf', () => {
  it("a credential's own hosts, else its service's; an override adds its host only to the service's", () => {
    assert.deepEqual(allowedHostsOf({ service: 'github' }), ['api.github.com']);
    assert.deepEqual(allowedHostsOf({ service: 'github', hosts: ['ghe.example.com'] }), ['ghe.example.com']);
    const overrides = { github: 'http://127.0.0.1:9000', custom: 'http://127.0.0.1:9001' };
    assert.deepEqual(allowedHostsOf({ service: 'github' }, overrides), ['api.github.com', '127.0.0.1:9000']);
    assert.deepEqual(allowedHostsOf({ service: 'github', hosts: ['ghe.example.com'] }, overrides), ['ghe.example.com']);
    assert.deepEqual(allowedHostsOf({ service: 'custom', hosts: ['api.example.com'] }, overrides), ['api.example.com']);
    assert.deepEqual(allowedHostsOf({ service: 'nosuch' }), []);
  });
});

describe('service base-URL overrides', () => {
  it('parses service=http(s)://… for catalog services and refuses anything else, naming the source', () => {
    assert.equal(parseServiceBaseUrls(undefined), undefined);
    assert.equal(parseServiceBaseUrls('  '), undefined);
    assert.deepEqual(parseServiceBaseUrls('github=http://127.0.0.1:1,slack=https://x.example/api'), {
      github: 'http://127.0.0.1:1',
      slack: 'https://x.example/api',
    });
    assert.deepEqual(parseServiceBaseUrl(' github = http://h '), { service: 'github', url: 'http://h' });
    for (const bad of ['github', '=http://h', 'nosuch=http://h', 'github=ftp://h', 'github=http://a b'])
      assert.equal(parseServiceBaseUrl(bad), undefined, bad);
    assert.throws(() => parseServiceBaseUrls('github=ftp://h', 'SRC'), /^Error: SRC: "github=ftp:\/\/h" is not/);
  });
});

describe('ids', () => {
  it('keep their formats', () => {
    assert.match(newKeyId(), /^key_[0-9A-Za-z]{16}$/);
    assert.match(newCredentialId(), /^cred_[0-9A-Za-z]{12}$/);
    assert.match(newCredentialId(), CREDENTIAL_ID_PATTERN);
    assert.match(newExecutionId(), /^exe_[0-9a-f]{32}$/);
    assert.match(newServerId(), /^srv_[0-9A-Za-z_-]{12}$/);
    assert.notEqual(newKeyId(), newKeyId());
  });

  it('advisory-lock ids are distinct', () => {
    const ids = Object.values(ADVISORY_LOCKS);
    assert.equal(new Set(ids).size, ids.length);
  });
});
