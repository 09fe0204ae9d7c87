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

// The shortest value each variable-length format accepts (the others' examples have their one length).
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SHORTEST: Record<string, (r: Random) => string> = {
  'pem-private-key': (r) => `-----BEGIN RSA PRIVATE KEY-----\n${r.from(B64, 64)}\n-----END RSA PRIVATE KEY-----`,
  'stripe-secret-key': (r) => `sk_live_${r.base62(24)}`,
  'slack-config-token': (r) => `xoxe.xoxp-1-${r.base62(140)}`,
  'anthropic-api-key': (r) => `sk-ant-api03-${r.base62(80)}`,
  'openai-api-key': (r) => `sk-proj-${r.base62(40)}`,
  jwt: (r) => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.eyJ${r.base62(10)}.${r.base62(16)}`,
  'bearer-token': (r) => `${r.base62(15)}7`,
  'generic-keyed-secret': (r) => `${r.base62(15)}7`,
};
/** Near misses by structure: Basic without its `user:` colon, a URL's password without the `@` that ends it. */
const BROKEN: Record<string, (v: string) => string> = {
  'basic-auth': (v) =>
    `Authorization: Basic ${Buffer.from(Buffer.from(v, 'base64').toString('latin1').replace(':', '')).toString('base64')}`,
  'url-password': (v) => `DSN=postgres://app:${v}db.internal/app`,
};

for (const rule of SECRET_RULES) {
  test(`${rule.id}: the example is found exactly, at ${rule.severity}; near misses and placeholders are not errors`, () => {
    const v = rule.example(r);
    const text = wrap(rule.id, v);
    const hits = scanText(text);
    assert.equal(hits.length, 1, JSON.stringify(hits));
    assert.equal(hits[0]!.ruleId, rule.id);
    assert.equal(text.slice(hits[0]!.start, hits[0]!.end), v);
    assert.equal(hits[0]!.severity, rule.severity);
    // Near miss: the shortest value of the format is found; one character less (length − 1) is not this rule's
    // finding. Formats without a length to fall short of (Basic, a URL's password) have their structure broken.
    const edge = SHORTEST[rule.id]?.(r) ?? v;
    const found = (t: string) => scanText(t).some((h) => h.ruleId === rule.id && h.severity !== 'hint');
    if (!(rule.id in BROKEN)) {
      assert.ok(found(wrap(rule.id, edge)), `the shortest ${rule.id} is found: ${edge.length} characters`);
      assert.ok(!found(wrap(rule.id, edge.slice(0, -1))), `near miss (length − 1) of ${rule.id}`);
    } else assert.ok(!found(BROKEN[rule.id]!(v)), `near miss (structure broken) of ${rule.id}`);
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

test('our CRC-32 gives the standard check value: CRC-32 of "123456789" is 0xCBF43926', () => {
  // The check value of CRC-32/ISO-HDLC (the IEEE 802.3 polynomial, reflected, init and xorout 0xFFFFFFFF), as
  // catalogued in Greg Cook's "Catalogue of parametrised CRC algorithms" (reveng.sourceforge.io/crc-catalogue).
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(zlibCrc32('123456789'), 0xcbf43926);
});

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

// Positives written independently of the rules' example() generators: example values printed in standards and in
// services' public documentation (each one's origin beside it; all public, none anybody's credential), and a GitHub
// token built from GitHub's published description with Node's own CRC-32 and a base62 encoder written here.
const DOCUMENTED: { rule: string; value: string; from: string; severity: 'error' | 'warning' | 'hint' }[] = [
  {
    rule: 'jwt',
    value:
      'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', // flero-scan:allow
    from: 'RFC 7519 section 3.1 (and RFC 7515 appendix A.1): the example JWT',
    severity: 'warning',
  },
  {
    rule: 'jwt',
    value:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', // flero-scan:allow
    from: 'jwt.io, the debugger’s default token: a JWT by format, and a known example (a placeholder hint)',
    severity: 'hint',
  },
  {
    rule: 'basic-auth',
    value: 'QWxhZGRpbjpvcGVuIHNlc2FtZQ==', // flero-scan:allow
    from: 'RFC 7617 section 2 (and RFC 2617): Aladdin:open sesame',
    severity: 'error',
  },
  {
    rule: 'slack-token',
    value: ['xoxb', '17653672481', '19874698323', 'pdFZKVeTuE8sk7oOcBrzbqgy'].join('-'),
    from: 'Slack API docs, oauth.v2.access: the example response’s bot token',
    severity: 'error',
  },
  {
    rule: 'stripe-secret-key',
    value: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc', // flero-scan:allow
    from: 'Stripe API reference, the sample test key: a Stripe key by format, and a known example (a placeholder hint)',
    severity: 'hint',
  },
  {
    rule: 'pem-private-key',
    value:
      '-----BEGIN PRIVATE KEY-----\nMIGEAgEAMBAGByqGSM49AgEGBSuBBAAKBG0wawIBAQQgVcB/UNPxalR9zDYAjQIf\njojUDiQuGnSJrFEEzZPT/92hRANCAASc7UJtgnF/abqWM60T3XNJEzBv5ez9TdwK\nH0M6xpM2q+53wmsN/eYLdgtjgBd3DBmHtPilCkiFICXyaA8z9LkJ\n-----END PRIVATE KEY-----', // flero-scan:allow
    from: 'RFC 7468 section 10, figure 12: the PKCS #8 example',
    severity: 'error',
  },
];

/** Base62 as GitHub describes it (0-9, A-Z, a-z), written here rather than taken from the code under test. */
function base62(n: number, width: number): string {
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let out = '';
  for (let v = n; v > 0; v = Math.floor(v / 62)) out = digits[v % 62] + out;
  return out.padStart(width, '0');
}

test('documented example tokens match their rule by format (independent of the example generators)', () => {
  for (const d of DOCUMENTED) {
    const text = d.rule === 'basic-auth' ? `Authorization: Basic ${d.value}` : `value: "${d.value}" end`;
    const hits = scanText(text);
    assert.deepEqual(
      hits.map((h) => [h.ruleId, text.slice(h.start, h.end), h.severity]),
      [[d.rule, d.value, d.severity]],
      d.from,
    );
  }
});

test('a GitHub token built from GitHub’s description (30 base62 + 6 base62 of their CRC-32, Node’s zlib) is an error', () => {
  // github.blog 2021-04-05, "Behind GitHub's new authentication token formats": prefix, 30 random characters, a
  // 32-bit checksum of them in base62 (6 characters).
  const random = 'Tq3Lm9Xv2Rk7Wp4Zs8Nd1Yb6Hc5Fg0'; // hand-typed, not generated by the code under test
  for (const prefix of ['ghp_', 'gho_', 'ghs_', 'npm_']) {
    const token = `${prefix}${random}${base62(zlibCrc32(random), 6)}`;
    const hits = scanText(`value: "${token}" end`);
    assert.deepEqual(
      hits.map((h) => [h.severity, h.end - h.start]),
      [['error', 40]],
      prefix,
    );
    const wrong = `${prefix}${random}${base62((zlibCrc32(random) + 1) % 2 ** 32, 6)}`;
    assert.deepEqual(
      scanText(`value: "${wrong}" end`).map((h) => [h.severity, h.reason]),
      [['hint', 'checksum']],
      prefix,
    );
  }
});
