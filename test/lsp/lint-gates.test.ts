// `flero lint`'s CI gates from the built CLI (dist/flero.mjs; build first with `node esbuild.mjs`): --format sarif
// (validated against the OASIS SARIF 2.1.0 schema in test/fixtures/sarif), --format github (workflow commands and
// their escaping), --max-warnings, and --credentials files in both shapes (GET /api/credentials, flero run).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parseCredentialMetaList } from '../../server/src/cli/credentialsFile';
import { DIAGNOSTIC_CODES } from '../../server/src/lsp/service/types';
import { REPO_ROOT, runCli } from '../helpers/server';
import { type TmpDir, tmpDir } from '../helpers/tmp';

const CANARY = 'flerocanary7Qx9Lm2Vp4Rt8Zk1Wd';
const CANARY_VALUE = 'canary-value-do-not-print-5b1e';

// One warning (unknown credential, once metadata is given) and one error (a hard-coded Bearer token, the canary).
// Line 6 has non-ASCII before the problem: "😀" is two UTF-16 code units, "é" one; columns count code units.
const KNOWN = `{
  "id": "wf_gates",
  "name": "Gates",
  "nodes": [
    { "id": "start", "type": "trigger" },
    { "id": "me", "type": "http", "method": "GET", "url": "https://api.github.com/user?q=😀é", "credential": "cred_githbu" },
    { "id": "leak", "type": "http", "method": "GET", "url": "https://api.example.com/x", "headers": { "Authorization": "Bearer ${CANARY}" } }
  ],
  "connections": [ { "from": "start", "to": "me" }, { "from": "me", "to": "leak" } ]
}
`;
const KNOWN_LINES = KNOWN.split('\n');
/** 1-based UTF-16 column of `needle` in 1-based line `line` of KNOWN. */
const colOf = (line: number, needle: string) => KNOWN_LINES[line - 1]!.indexOf(needle) + 1;

// Only a warning: the credential id is a typo of the listed one.
const WARN_ONLY = `{
  "id": "wf_warn",
  "name": "Typo in credential",
  "nodes": [
    { "id": "start", "type": "trigger" },
    { "id": "me", "type": "http", "method": "GET", "url": "https://api.github.com/user", "credential": "cred_githbu" }
  ],
  "connections": [ { "from": "start", "to": "me" } ]
}
`;

// Schema errors whose messages quote a property name holding a comma, a colon, a newline and a percent sign.
const ODD = '{"id":"wf","name":"n","nodes":[{"id":"start","type":"trigger","we,ird:\\nkey 100%":1}],"connections":[]}';

const META = [{ id: 'cred_github', name: 'GitHub bot', service: 'github', authType: 'bearer' }];

let tmp: TmpDir;
const write = (name: string, text: string) => {
  writeFileSync(join(tmp.path, name), text);
  return name;
};
const lint = (args: string[], env?: Record<string, string>) => runCli(['lint', ...args], { cwd: tmp.path, env });

before(() => {
  tmp = tmpDir('flero-lint-gates');
  mkdirSync(join(tmp.path, 'flows'));
  write('flows/known.flero.json', KNOWN);
  write('warn.flero.json', WARN_ONLY);
  write('a,b:c.flero.json', ODD);
  write('meta.json', JSON.stringify(META));
});
after(() => tmp.remove());

describe('--format sarif', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the parsed SARIF log is checked field by field
  let log: any;
  let stdout: string;
  before(async () => {
    const r = await lint(['--format', 'sarif', '--credentials', 'meta.json', 'flows/known.flero.json']);
    assert.equal(r.code, 1, r.stderr);
    stdout = r.stdout;
    log = JSON.parse(stdout);
  });

  test('validates against the OASIS SARIF 2.1.0 JSON schema', () => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    // The validator does reject a broken log (the test is not vacuous).
    assert.equal(validate({ ...(log as object), version: '2.0.0' }), false);
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
  });

  test('tool, rules from the diagnostic explanations, utf16 columns, %SRCROOT%', () => {
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    const driver = run.tool.driver;
    assert.equal(driver.name, 'flero');
    assert.match(driver.version, /^\d+\.\d+\.\d+/);
    assert.match(driver.informationUri, /^https:\/\//);
    assert.deepEqual(
      driver.rules.map((r: { id: string }) => r.id),
      [...DIAGNOSTIC_CODES],
    );
    const secretRule = driver.rules.find((r: { id: string }) => r.id === 'hardcoded-secret');
    assert.match(secretRule.fullDescription.text, /Move it into a credential/);
    assert.ok(secretRule.shortDescription.text.length < secretRule.fullDescription.text.length);
    assert.equal(run.columnKind, 'utf16CodeUnits');
    assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: `${pathToFileURL(tmp.path).href}/` } });
  });

  test('results: ruleIds, levels, regions (1-based, UTF-16) and relative URIs for the known fixture', () => {
    const results = log.runs[0].results;
    const rules = log.runs[0].tool.driver.rules;
    assert.deepEqual(
      results.map((r: { ruleId: string; level: string; locations: { physicalLocation: unknown }[] }) => ({
        ruleId: r.ruleId,
        level: r.level,
        location: r.locations[0]!.physicalLocation,
      })),
      [
        {
          ruleId: 'unknown-credential',
          level: 'warning',
          location: {
            artifactLocation: { uri: 'flows/known.flero.json', uriBaseId: '%SRCROOT%' },
            region: {
              startLine: 6,
              startColumn: colOf(6, '"cred_githbu"'),
              endLine: 6,
              endColumn: colOf(6, '"cred_githbu"') + '"cred_githbu"'.length,
            },
          },
        },
        {
          ruleId: 'hardcoded-secret',
          level: 'error',
          location: {
            artifactLocation: { uri: 'flows/known.flero.json', uriBaseId: '%SRCROOT%' },
            region: {
              startLine: 7,
              startColumn: colOf(7, CANARY),
              endLine: 7,
              endColumn: colOf(7, CANARY) + CANARY.length,
            },
          },
        },
      ],
    );
    // The emoji counts two: in code points the column would be one less.
    assert.equal(results[0].locations[0].physicalLocation.region.startColumn, 110);
    for (const r of results) {
      assert.equal(rules[r.ruleIndex].id, r.ruleId);
      assert.equal(typeof r.message.text, 'string');
      assert.match(r.partialFingerprints['flero/v1'], /^[0-9a-f]{64}:1$/);
    }
  });

  test('never holds the secret: no canary, no snippet, no artifact contents', () => {
    assert.ok(!stdout.includes(CANARY), 'the hard-coded token is not in the SARIF');
    assert.ok(!stdout.includes('Bearer fl'), 'nor a prefix of it');
    assert.doesNotMatch(stdout, /"snippet"|"contextRegion"|"contents"|"artifacts"/);
  });

  test('fingerprints survive moved lines and differ between results', async () => {
    const fp = async () => {
      const r = await lint(['--format', 'sarif', '--credentials', 'meta.json', 'flows/fp.flero.json']);
      return JSON.parse(r.stdout).runs[0].results.map(
        (x: {
          partialFingerprints: Record<string, string>;
          locations: { physicalLocation: { region: { startLine: number } } }[];
        }) => ({
          fp: x.partialFingerprints['flero/v1'],
          line: x.locations[0]!.physicalLocation.region.startLine,
        }),
      );
    };
    write('flows/fp.flero.json', KNOWN);
    const a = await fp();
    write('flows/fp.flero.json', KNOWN.replace('"name": "Gates",', '"name": "Gates",\n  "description": "moved",'));
    const b = await fp();
    assert.deepEqual(
      b.map((x: { line: number }) => x.line),
      a.map((x: { line: number }) => x.line + 1),
    );
    assert.deepEqual(
      b.map((x: { fp: string }) => x.fp),
      a.map((x: { fp: string }) => x.fp),
    );
    assert.notEqual(a[0].fp, a[1].fp);
  });

  test('a file outside the working directory gets an absolute file: URI', async () => {
    const outside = tmpDir('flero-lint-outside');
    try {
      const file = join(outside.path, 'o.flero.json');
      writeFileSync(file, ODD);
      const r = await lint(['--format', 'sarif', file]);
      const loc = JSON.parse(r.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation;
      assert.deepEqual(loc, { uri: pathToFileURL(file).href });
    } finally {
      outside.remove();
    }
  });
});

describe('--format github', () => {
  test('one workflow command per problem, exact lines for the known fixture', async () => {
    const r = await lint(['--format', 'github', '--credentials', 'meta.json', 'flows/known.flero.json']);
    assert.equal(r.code, 1);
    const c6 = colOf(6, '"cred_githbu"');
    const c7 = colOf(7, CANARY);
    assert.equal(
      r.stdout,
      `::warning file=flows/known.flero.json,line=6,col=${c6},endLine=6,endColumn=${c6 + 13},title=unknown-credential::unknown credential "cred_githbu": the run will refuse\n` +
        `::error file=flows/known.flero.json,line=7,col=${c7},endLine=7,endColumn=${c7 + CANARY.length},title=hardcoded-secret::a literal Bearer credential is hard-coded: store it as a credential instead\n`,
    );
    assert.ok(!r.stdout.includes(CANARY));
  });

  test('escapes properties (% CR LF : ,) and the message (% CR LF)', async () => {
    const r = await lint(['--format', 'github', 'a,b:c.flero.json']);
    assert.equal(r.code, 1);
    const key = '"we,ird:\\nkey 100%"'; // as written in the file: the \n is two characters there
    const col = ODD.indexOf(key) + 1;
    assert.equal(col, 63);
    assert.equal(
      r.stdout,
      `::error file=a%2Cb%3Ac.flero.json,line=1,col=${col},endLine=1,endColumn=${col + key.length},title=schema::unknown property "we,ird:%0Akey 100%25" in nodes[0]\n`,
    );
    assert.equal(r.stdout.split('\n').length, 2, 'the newline in the message does not start a new command');
  });

  test('info and hint become ::notice', async () => {
    const file = join(REPO_ROOT, 'test/fixtures/lsp/diagnostics/hardcoded-secret.pos.flero.json');
    const r = await lint(['--format', 'github', file]);
    assert.match(r.stdout, /^::notice file=[^\n]*::looks like a Flero API key, but its checksum does not match/m);
    assert.doesNotMatch(r.stdout, /^::(info|hint)/m);
  });
});

describe('--max-warnings', () => {
  test('0 with one warning → exit 1; 1 → exit 0; without it warnings pass', async () => {
    let r = await lint(['--credentials', 'meta.json', '--max-warnings', '0', 'warn.flero.json']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /1 warning\(s\), more than --max-warnings 0/);
    r = await lint(['--credentials', 'meta.json', '--max-warnings=1', 'warn.flero.json']);
    assert.equal(r.code, 0, r.stderr);
    r = await lint(['--credentials', 'meta.json', 'warn.flero.json']);
    assert.equal(r.code, 0, r.stderr);
    // Errors still fail whatever the warning budget.
    r = await lint(['--credentials', 'meta.json', '--max-warnings', '99', 'flows/known.flero.json']);
    assert.equal(r.code, 1);
    // The gate works with the machine formats too.
    r = await lint(['--format', 'sarif', '--credentials', 'meta.json', '--max-warnings', '0', 'warn.flero.json']);
    assert.equal(r.code, 1);
    JSON.parse(r.stdout);
  });

  for (const bad of [['--max-warnings', '-1'], ['--max-warnings', 'abc'], ['--max-warnings=1.5'], ['--max-warnings']])
    test(`${bad.join(' ')} → exit 2 with a one-line error naming the option`, async () => {
      const r = await lint([...bad, 'warn.flero.json']);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^flero lint: --max-warnings/);
    });
});

describe('--credentials', () => {
  const view = (id: string) => ({
    id,
    name: 'GitHub bot',
    service: 'github',
    authType: 'bearer',
    hosts: ['api.github.com'],
    last4: 'Zk1W',
    version: 2,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    rotatedAt: null,
  });

  test('GET /api/credentials output is accepted: a listed credential is no longer unknown', async () => {
    write('api.json', JSON.stringify([view('cred_other'), view('cred_githbu')], null, 2));
    const r = await lint(['--credentials', 'api.json', 'warn.flero.json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const before = await lint(['--credentials', 'meta.json', 'warn.flero.json']);
    assert.match(before.stdout, /unknown-credential/);
  });

  test('a flero run credentials file is accepted, valueEnv ignored (and never read)', async () => {
    write(
      'local.json',
      JSON.stringify([{ id: 'cred_githbu', service: 'github', authType: 'bearer', valueEnv: 'GATES_TOKEN' }]),
    );
    const r = await lint(['--credentials', 'local.json', 'warn.flero.json'], { GATES_TOKEN: CANARY_VALUE });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.ok(!r.stderr.includes(CANARY_VALUE));
  });

  test('a literal value is refused: exit 2, names entry and field, never the value', async () => {
    write(
      'secret.json',
      JSON.stringify([
        { id: 'cred_a', service: 'github', authType: 'bearer', valueEnv: 'X' },
        { id: 'cred_githbu', service: 'github', authType: 'bearer', value: CANARY_VALUE },
      ]),
    );
    const r = await lint(['--credentials', 'secret.json', 'warn.flero.json']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^flero lint: secret\.json: entry 1 \("cred_githbu"\): value: .*metadata only/);
    assert.ok(!r.stderr.includes(CANARY_VALUE));
  });

  test('a malformed entry names the file, entry and field', async () => {
    const cases: [unknown, string][] = [
      [
        [META[0], view('cred_x'), { id: 'gh', service: 'github', authType: 'oauth' }],
        'credentials.json: entry 2 ("gh"): authType: expected one of apiKey, bearer',
      ],
      [
        [{ id: 'gh', service: 'github', authType: 'bearer', hosts: ['ok.example', 'https://x/'] }],
        'entry 0 ("gh"): hosts[1]: expected a host name',
      ],
      [
        [{ id: 'gh', service: 'github', authType: 'bearer', header: { name: 'X-Key' } }],
        'entry 0 ("gh"): header.prefix: expected a string',
      ],
      [[{ id: 'gh', service: 'github', authType: 'bearer', token: CANARY_VALUE }], 'entry 0 ("gh"): token: unknown'],
      [[{ id: 'bad id!', service: 'github', authType: 'bearer' }], 'entry 0: id: expected a credential id'],
      [[{ service: 'github', authType: 'bearer' }], 'entry 0: id: missing'],
      [[{ id: 'gh', authType: 'bearer' }], 'entry 0 ("gh"): service: missing'],
      [[META[0], META[0]], 'entry 1 ("cred_github"): id: the same id as entry 0'],
      [['cred_github'], 'entry 0: expected an object, got a string'],
      [{ nope: [] }, 'credentials.json: expected a JSON array of credentials'],
    ];
    for (const [content, expected] of cases) {
      write('credentials.json', JSON.stringify(content));
      const r = await lint(['--credentials', 'credentials.json', 'warn.flero.json']);
      assert.equal(r.code, 2, expected);
      assert.ok(
        r.stderr.startsWith(
          `flero lint: ${expected.startsWith('credentials.json') ? '' : 'credentials.json: '}${expected}`,
        ),
        `${r.stderr} ≠ ${expected}`,
      );
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
      assert.ok(!r.stderr.includes(CANARY_VALUE));
    }
  });

  test('not JSON: the position, never the text', async () => {
    write('broken.json', `[{"id":"gh","value":"${CANARY_VALUE}`);
    const r = await lint(['--credentials', 'broken.json', 'warn.flero.json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^flero lint: broken\.json: not JSON: \w+ at line 1, column \d+\n$/);
    assert.ok(!r.stderr.includes(CANARY_VALUE));
  });

  test('an unreadable file: exit 2 naming the file and the error', async () => {
    let r = await lint(['--credentials', 'missing.json', 'warn.flero.json']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'flero lint: cannot read credentials file missing.json: ENOENT\n');
    r = await lint(['--credentials', 'flows', 'warn.flero.json']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'flero lint: cannot read credentials file flows: EISDIR\n');
  });
});

describe('parseCredentialMetaList (what flero run could use)', () => {
  test('allowValues: true keeps value and valueEnv; false drops valueEnv and refuses value', () => {
    const text = JSON.stringify([
      { id: 'a', service: 'custom', authType: 'apiKey', header: { name: 'X-Key', prefix: '' }, value: 'v1' },
      { id: 'b', name: 'B', service: 'github', authType: 'bearer', valueEnv: 'B_TOKEN' },
    ]);
    assert.deepEqual(parseCredentialMetaList(text, 'f.json', { allowValues: true }), [
      { id: 'a', name: 'a', service: 'custom', authType: 'apiKey', header: { name: 'X-Key', prefix: '' }, value: 'v1' },
      { id: 'b', name: 'B', service: 'github', authType: 'bearer', valueEnv: 'B_TOKEN' },
    ]);
    assert.throws(() => parseCredentialMetaList(text, 'f.json', { allowValues: false }), {
      name: 'CredentialsFileError',
      message: /^f\.json: entry 0 \("a"\): value: /,
    });
    assert.deepEqual(
      parseCredentialMetaList(
        JSON.stringify([{ id: 'b', service: 'github', authType: 'bearer', valueEnv: 'B' }]),
        'f',
        {
          allowValues: false,
        },
      ),
      [{ id: 'b', name: 'b', service: 'github', authType: 'bearer' }],
    );
    // The view's wrapper object (older lint files) is accepted too.
    assert.equal(
      parseCredentialMetaList(JSON.stringify({ credentials: META }), 'f', { allowValues: false })[0]!.id,
      'cred_github',
    );
  });
});
