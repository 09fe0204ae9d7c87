// The secret corpus (test/fixtures/secrets/corpus.json) placed into workflow files the ways workflows hold strings —
// header values, URL queries and userinfo, query and body maps, connector params, Code-node string and template
// literals — and judged by the real language service (parse + computeDiagnostics); and into text files as `flero scan`
// reads them (scanText over the file: a .env line, a URL with a key in its query in source). Shared by the corpus test
// and `npm run bench` (BENCHMARKS.md). A positive counts when an error/warning finding covers exactly the secret; a
// negative is a false alarm when any error/warning finding appears.
import { readFileSync } from 'node:fs';
import { scanText } from '../../server/src/core/secrets';
import { computeDiagnostics } from '../../server/src/lsp/service/diagnostics';
import { parseDocument } from '../../server/src/lsp/service/document';

export interface Corpus {
  /** source: the format's documentation (the rule's); from: where an independently written value comes from. */
  positives: { rule: string; value: string; source: string; from?: string }[];
  /** placeholder: in key slots; basic-placeholder: a Basic credential's base64, in Basic's places; look-alike: in
   * neutral places. */
  negatives: { value: string; kind: 'placeholder' | 'basic-placeholder' | 'look-alike'; why: string }[];
}
export const corpus: Corpus = JSON.parse(
  readFileSync(new URL('../fixtures/secrets/corpus.json', import.meta.url), 'utf8'),
);

const MARK = '\u0000MARK\u0000';
const jsString = (v: string) => JSON.stringify(v).slice(1, -1);
const jsTemplate = (v: string) => v.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

type Node = Record<string, unknown>;
/** A placement: the node holding MARK (or a scanned text file's content holding it), and how the value is written
 * where MARK stands. */
interface Placement {
  name: string;
  node?: Node;
  file?: string;
  encode?: (v: string) => string;
}
const http = (extra: Node): Node => ({
  id: 'n',
  type: 'http',
  method: 'GET',
  url: 'https://api.example.com/v1/items',
  ...extra,
});
const code = (src: string): Node => ({ id: 'n', type: 'code', code: src });

function placements(kind: string): Placement[] {
  if (kind === 'url-password')
    return [
      { name: 'url-userinfo', node: http({ url: `https://deploy:${MARK}@git.example.com/repo.git` }) },
      {
        name: 'body-map',
        node: http({ method: 'POST', body: { dsn: `postgres://app:${MARK}@db.internal:5432/app` } }),
      },
      {
        name: 'code-string',
        node: code(`const dsn = "mysql://app:${MARK}@db.internal/app";\nreturn { ok: true };`),
        encode: jsString,
      },
    ];
  if (kind === 'basic-auth' || kind === 'bearer-token') {
    const scheme = kind === 'basic-auth' ? 'Basic' : 'Bearer';
    return [
      { name: 'header', node: http({ headers: { Authorization: `${scheme} ${MARK}` } }) },
      {
        name: 'params',
        node: { id: 'n', type: 'slack.postMessage', params: { channel: '#ops', text: `auth: ${scheme} ${MARK}` } },
      },
      {
        name: 'code-string',
        node: code(`const h = { Authorization: "${scheme} ${MARK}" };\nreturn h.ok;`),
        encode: jsString,
      },
      { name: 'code-template', node: code(`const h = \`${scheme} ${MARK}\`;\nreturn h.length;`), encode: jsTemplate },
    ];
  }
  const list: Placement[] = [
    { name: 'header', node: http({ headers: { 'X-Api-Key': MARK } }) },
    { name: 'bearer-header', node: http({ headers: { Authorization: `Bearer ${MARK}` } }) },
    { name: 'query-map', node: http({ query: { access_token: MARK } }) },
    { name: 'body-map', node: http({ method: 'POST', body: { auth: { apiKey: MARK } } }) },
    { name: 'params', node: { id: 'n', type: 'slack.postMessage', params: { channel: '#ops', token: MARK } } },
    { name: 'code-string', node: code(`const secret = "${MARK}";\nreturn { ok: secret.length };`), encode: jsString },
    { name: 'code-template', node: code(`const auth = \`token ${MARK}\`;\nreturn auth.length;`), encode: jsTemplate },
  ];
  if (kind !== 'pem-private-key')
    list.push(
      {
        name: 'url-query',
        node: http({ url: `https://api.example.com/v1/items?api_key=${MARK}` }),
        encode: encodeURIComponent,
      },
      {
        name: 'code-url-query',
        node: code(`const u = "https://api.example.com/v1/items?page=2&api_key=${MARK}";\nreturn fetch(u);`),
        encode: jsString,
      },
      {
        name: 'code-template-url-query',
        node: code(`const u = \`https://api.example.com/v1/items?access_token=${MARK}&page=2\`;\nreturn u;`),
        encode: jsTemplate,
      },
      { name: 'file-url-query', file: `#!/bin/sh\ncurl -s "https://api.example.com/v1/items?api_key=${MARK}"\n` },
      { name: 'file-env', file: `PORT=8080\nAWS_SECRET_ACCESS_KEY=${MARK}\nLOG_LEVEL=info\n` },
    );
  if (kind === 'pem-private-key' || kind === 'slack-webhook-url') return list.filter((p) => !p.name.includes('header'));
  return list;
}

/** Neutral places for look-alikes (names that do not say "secret"). */
function neutralPlacements(): Placement[] {
  return [
    { name: 'header', node: http({ headers: { 'X-Request-Id': MARK } }) },
    { name: 'body-map', node: http({ method: 'POST', body: { note: MARK } }) },
    { name: 'params', node: { id: 'n', type: 'slack.postMessage', params: { channel: '#ops', text: MARK } } },
    { name: 'code-string', node: code(`const id = "${MARK}";\nreturn { id };`), encode: jsString },
  ];
}

export interface CaseResult {
  value: string;
  rule?: string;
  placement: string;
  /** Error/warning hardcoded-secret diagnostics: [start, end, severity, message]. */
  found: [number, number, string, string][];
  expected?: [number, number];
  ok: boolean;
}

function run(p: Placement, value: string): { text: string; expected: [number, number]; found: CaseResult['found'] } {
  if (p.file !== undefined) {
    const at = p.file.indexOf(MARK);
    const written = (p.encode ?? ((v: string) => v))(value);
    const text = p.file.slice(0, at) + written + p.file.slice(at + MARK.length);
    const found = scanText(text)
      .filter((f) => f.severity !== 'hint')
      .map((f) => [f.start, f.end, f.severity, f.what] as [number, number, string, string]);
    return { text, expected: [at, at + written.length], found };
  }
  const wf = {
    id: 'wf_corpus',
    name: 'Corpus',
    nodes: [{ id: 'start', type: 'trigger' }, p.node],
    connections: [{ from: 'start', to: 'n' }],
  };
  const json = JSON.stringify(wf, null, 1);
  const markJson = JSON.stringify(MARK).slice(1, -1);
  const at = json.indexOf(markJson);
  const written = jsString((p.encode ?? ((v: string) => v))(value));
  const text = json.slice(0, at) + written + json.slice(at + markJson.length);
  const diags = computeDiagnostics(parseDocument('file:///corpus.flero.json', text, 1), { credentials: [] });
  const found = diags
    .filter((d) => d.code === 'hardcoded-secret' && (d.severity === 'error' || d.severity === 'warning'))
    .map((d) => [d.start, d.end, d.severity, d.message] as [number, number, string, string]);
  return { text, expected: [at, at + written.length], found };
}

export function evaluate(c: Corpus = corpus) {
  const positives: CaseResult[] = [];
  for (const { rule, value } of c.positives)
    for (const p of placements(rule)) {
      const { expected, found } = run(p, value);
      positives.push({
        value,
        rule,
        placement: p.name,
        found,
        expected,
        ok: found.some((f) => f[0] === expected[0] && f[1] === expected[1]),
      });
    }
  const negatives: CaseResult[] = [];
  for (const n of c.negatives)
    for (const p of n.kind === 'placeholder'
      ? placements('placeholder')
      : n.kind === 'basic-placeholder'
        ? placements('basic-auth')
        : neutralPlacements()) {
      const { found } = run(p, n.value);
      negatives.push({ value: n.value, placement: p.name, found, ok: found.length === 0 });
    }
  const recall = positives.filter((x) => x.ok).length / positives.length;
  const falseAlarms = negatives.filter((x) => !x.ok).length / negatives.length;
  return { positives, negatives, recall, falseAlarms };
}
