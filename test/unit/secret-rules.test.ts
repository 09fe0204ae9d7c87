// The rule table, rule by rule: its example is found with exactly its range, at the rule's severity; a near miss
// (one character short) is not this rule's error; a placeholder in its shape is at most a hint; a checksum mismatch
// is a hint. Then what the issue saw, item by item, through the real language service.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32 } from '../../server/src/core/keys';
import { RULES_BY_ID, SECRET_RULES, scanText } from '../../server/src/core/secrets';
import { Random } from '../../server/src/core/secrets/random';
import { computeDiagnostics } from '../../server/src/lsp/service/diagnostics';
import { parseDocument } from '../../server/src/lsp/service/document';

const r = new Random(99);
const HIGH_ENTROPY = 'f3A9kLm2Qx7Vp4Rt8Wz1Yb6N'; // flero-scan:allow
const wrap = (id: string, v: string) =>
  id === 'basic-auth'
    ? `Authorization: Basic ${v}`
    : id === 'bearer-token'
      ? `Authorization: Bearer ${v}`
      : id === 'url-password'
        ? `DSN=postgres://app:${v}@db.internal/app`
        : id === 'generic-keyed-secret'
          ? `API_KEY=${v}`
          : `value: "${v}" end`;

for (const rule of SECRET_RULES) {
  test(`${rule.id}: the example is found exactly, at ${rule.severity}; near misses and placeholders are not errors`, () => {
    const v = rule.example(r);
    const text = wrap(rule.id, v);
    const hits = scanText(text);
    assert.equal(hits.length, 1, JSON.stringify(hits));
    assert.equal(hits[0]!.ruleId, rule.id);
    assert.equal(text.slice(hits[0]!.start, hits[0]!.end), v);
    assert.equal(hits[0]!.severity, rule.severity);
    // Near miss: the value one character short (or its structure broken).
    const short = wrap(rule.id, v.slice(0, 12));
    assert.ok(
      !scanText(short).some((h) => h.ruleId === rule.id && h.severity !== 'hint' && rule.id !== 'url-password'),
      `near miss of ${rule.id}`,
    );
    // Placeholder: the random part replaced by x's.
    const body = rule.body ? rule.body(v) : v;
    const fake = v.includes(body)
      ? v.replace(body, 'x'.repeat(body.length))
      : v.replace(/\n[^-\n][^\n]*/g, `\n${'x'.repeat(64)}`);
    assert.ok(!scanText(wrap(rule.id, fake)).some((h) => h.severity !== 'hint'), `placeholder ${rule.id}`);
    if (rule.checksum) {
      const bad = v.slice(0, -1) + (v.endsWith('A') ? 'B' : 'A');
      const h = scanText(wrap(rule.id, bad));
      assert.ok(
        h.every((x) => x.severity === 'hint'),
        `bad checksum of ${rule.id} is at most a hint`,
      );
    }
  });
}

test('our CRC-32 is zlib’s (GitHub and npm tokens use the IEEE polynomial)', () => {
  for (const s of ['', 'a', 'flero_sk_abc', 'x'.repeat(300)])
    assert.equal(crc32(new TextEncoder().encode(s)), zlibCrc32(s));
});

function diags(node: Record<string, unknown>) {
  const wf = {
    id: 'wf_t',
    name: 'T',
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'n', ...node },
    ],
    connections: [],
  };
  const text = JSON.stringify(wf);
  return computeDiagnostics(parseDocument('file:///t.flero.json', text, 1), { credentials: [] })
    .filter((d) => d.code === 'hardcoded-secret')
    .map((d) => ({ severity: d.severity, text: text.slice(d.start, d.end), message: d.message }));
}
const http = (extra: Record<string, unknown>) => ({
  type: 'http',
  method: 'GET',
  url: 'https://api.example.com/x',
  ...extra,
});

test('placeholders in key slots are the same hint everywhere, never an error', () => {
  for (const headers of [
    { Authorization: 'Bearer YOUR_API_KEY' },
    { Authorization: 'Bearer <token>' },
    { 'X-Api-Key': '<token>' },
    { 'X-Api-Key': '${API_KEY}' },
  ])
    assert.deepEqual(
      diags(http({ headers })).map((d) => [d.severity, d.message]),
      [['hint', 'placeholder: use a credential']],
      JSON.stringify(headers),
    );
  assert.deepEqual(
    diags(http({ url: 'https://api.example.com/x?api_key=changeme' })).map((d) => d.severity),
    ['hint'],
  );
  for (const v of ['ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'AKIAIOSFODNN7EXAMPLE', 'sk_live_...'])
    assert.ok(
      diags({ type: 'code', code: `const k = '${v}';\nreturn 1;` }).every((d) => d.severity === 'hint'),
      v,
    );
});

test('an image URL containing xoxo is not a Slack token; an xoxe.xoxp token’s range starts at xoxe', () => {
  assert.deepEqual(diags(http({ url: 'https://cdn.example.com/img/xoxo-hugs-and-kisses-banner-2024-final.png' })), []);
  const token = RULES_BY_ID.get('slack-config-token')!.example(r);
  const found = diags({ type: 'code', code: `const t = "${token}";\nreturn 1;` });
  assert.deepEqual(
    found.map((d) => [d.severity, d.text]),
    [['error', token]],
  );
});

test('a Flero key with a wrong checksum and an npm-shaped token are not "mistyped Flero keys"', () => {
  const flero = RULES_BY_ID.get('flero-api-key')!.example(r);
  const badFlero = flero.slice(0, -1) + (flero.endsWith('A') ? 'B' : 'A');
  assert.deepEqual(
    diags({ type: 'code', code: `const k = '${badFlero}';` }).map((d) => d.severity),
    ['hint'],
  );
  const npm = RULES_BY_ID.get('npm-token')!.example(r);
  const found = diags({ type: 'code', code: `const k = '${npm}';` });
  assert.deepEqual(
    found.map((d) => d.message),
    ['an npm access token is hard-coded: store it as a credential instead'],
  );
  const badNpm = npm.slice(0, -1) + (npm.endsWith('A') ? 'B' : 'A');
  assert.ok(
    diags({ type: 'code', code: `const k = '${badNpm}';` }).every(
      (d) => d.severity === 'hint' && !/Flero/.test(d.message),
    ),
  );
});

test('secrets in every place: userinfo, connector params, body maps, template literals, keyed names', () => {
  const gh = RULES_BY_ID.get('github-pat')!.example(r);
  assert.deepEqual(
    diags(http({ url: 'https://deploy:Xk9m2Qp7Lw4v@git.example.com/r.git' })).map((d) => d.text), // flero-scan:allow
    ['Xk9m2Qp7Lw4v'],
  );
  assert.deepEqual(
    diags({ type: 'slack.postMessage', params: { channel: '#x', text: `use ${gh}` } }).map((d) => d.text),
    [gh],
  );
  assert.deepEqual(
    diags(http({ method: 'POST', body: { client_secret: HIGH_ENTROPY } })).map((d) => [d.severity, d.text]),
    [['warning', 'f3A9kLm2Qx7Vp4Rt8Wz1Yb6N']],
  );
  assert.deepEqual(
    diags({ type: 'code', code: 'const h = `Bearer ' + gh + '`;\nreturn h;' }).map((d) => d.text),
    [gh],
  );
  assert.deepEqual(
    diags({ type: 'code', code: 'const apiKey = "f3A9kLm2Qx7Vp4Rt8Wz1Yb6N";\nreturn 1;' }).map((d) => d.text), // flero-scan:allow
    ['f3A9kLm2Qx7Vp4Rt8Wz1Yb6N'],
  );
  assert.deepEqual(diags({ type: 'code', code: 'const h = `Bearer ${input.token}`;\nreturn h;' }), []);
});

test('a key-like query parameter inside a URL in a Code string, a template literal or a text file is found', () => {
  const k = HIGH_ENTROPY;
  for (const text of [
    `const u = "https://api.example.com/v1/items?api_key=${k}";`,
    `const u = \`https://api.example.com/v1/items?page=2&access_token=${k}&x=1\`;`,
    `url: https://api.example.com/v1/items?api_key=${k}`,
    `curl 'https://api.example.com/v1/items?token=${k}#top'`,
  ]) {
    const hits = scanText(text).filter((h) => h.severity !== 'hint');
    assert.deepEqual(
      hits.map((h) => [h.ruleId, text.slice(h.start, h.end)]),
      [['generic-keyed-secret', k]],
      text,
    );
  }
  assert.deepEqual(
    diags({ type: 'code', code: `const u = "https://api.example.com/x?api_key=${k}";\nreturn u;` }).map((d) => [
      d.severity,
      d.text,
    ]),
    [['warning', k]],
  );
  assert.deepEqual(
    diags({ type: 'code', code: `const u = \`https://api.example.com/x?api_key=${k}\`;\nreturn u;` }).map(
      (d) => d.text,
    ),
    [k],
  );
  assert.deepEqual(scanText('const u = "https://api.example.com/v1/items?page=2&sort=name";'), []);
});

test('an AWS secret access key under its usual names is found (AWS_SECRET_ACCESS_KEY, aws_secret_access_key, secretAccessKey)', () => {
  // The shape of an AWS secret access key: 40 characters of base64 (generated here, not anybody's key).
  const secret = new Random(7).from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 40);
  for (const text of [
    `AWS_SECRET_ACCESS_KEY=${secret}`,
    `export AWS_SECRET_ACCESS_KEY="${secret}"`,
    `[default]\naws_secret_access_key = ${secret}\n`,
    `const creds = { accessKeyId: id, secretAccessKey: '${secret}' };`,
    `MINIO_ACCESS_KEY: ${secret}`,
  ]) {
    const hits = scanText(text).filter((h) => h.severity !== 'hint');
    assert.deepEqual(
      hits.map((h) => [h.ruleId, text.slice(h.start, h.end)]),
      [['generic-keyed-secret', secret]],
      text,
    );
  }
  assert.deepEqual(
    diags(http({ method: 'POST', body: { secretAccessKey: secret } })).map((d) => d.text),
    [secret],
  );
});

test('a Basic placeholder (user:password, admin:changeme, user:<password>) is a hint in a header as in any string; a real-looking one is an error', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  for (const cred of ['user:password', 'admin:changeme', 'user:<password>', 'deploy:deploy', 'svc:${PASSWORD}']) {
    const v = `Basic ${b64(cred)}`;
    for (const headers of [{ Authorization: v }, { 'Proxy-Authorization': v }])
      assert.ok(
        diags(http({ headers })).every((d) => d.severity === 'hint'),
        `${cred}: ${JSON.stringify(diags(http({ headers })))}`,
      );
    assert.ok(
      scanText(`Authorization: ${v}`).every((h) => h.severity === 'hint'),
      cred,
    );
  }
  const real = b64(`svc-4821:${new Random(3).base62(20)}`);
  assert.deepEqual(
    diags(http({ headers: { Authorization: `Basic ${real}` } })).map((d) => [d.severity, d.text]),
    [['error', real]],
  );
});

test('a Cookie header is checked pair by pair: the range is exactly each secret value', () => {
  const rr = new Random(11);
  const sid = rr.base62(32);
  const csrf = rr.base64url(40);
  const cookie = (v: string) => diags(http({ headers: { Cookie: v } })).map((d) => [d.severity, d.text]);
  assert.deepEqual(cookie(`session=${sid}`), [['error', sid]]);
  assert.deepEqual(cookie(`a=1; session=${sid}; theme=dark`), [['error', sid]]);
  assert.deepEqual(cookie(`session=${sid};csrf_token=${csrf}`), [
    ['error', sid],
    ['error', csrf],
  ]);
  assert.deepEqual(cookie('theme=dark; lang=en-US; consent=accepted'), []);
  assert.deepEqual(cookie('session={{ $credentials.session }}; theme=dark'), []);
  assert.deepEqual(cookie('session=<your-session-id>; theme=dark'), [['hint', '<your-session-id>']]);
});
