// Seed workflow documents and fast-check mutations of them (structural, on the JSON value, and textual, on the file
// text) for fuzzing the language service.
import fc from 'fast-check';
import { generateKey } from '../../../server/src/core/keys';

/** A document that exercises every check: http nodes with credentials and secrets, code nodes that log, a cycle. */
export function seedDocuments(): unknown[] {
  const key = generateKey();
  return [
    {
      $schema: 'https://flero.ai/schemas/workflow.json',
      id: 'wf_fuzz',
      name: 'Fuzz seed',
      nodes: [
        { id: 'start', type: 'trigger' },
        {
          id: 'fetch',
          type: 'http',
          method: 'GET',
          url: 'http://api.example.com/v1/items?api_key=sk_live_abcdefghijklmnopqrstuvwx&q={{ $input.q }}',
          headers: { Authorization: 'Bearer abcdefghijklmnopqrstuvwxyz012345', Accept: 'application/json' },
          credential: 'cred_a',
          query: { token: key },
        },
        {
          id: 'shape',
          type: 'code',
          code:
            'const h = $node.fetch.headers;\nconst auth = h["authorization"];\nconst { cookie, ...rest } = h;\n' +
            'function f(x) { return "v=" + x; }\nconsole.log(`auth $' +
            '{auth}`, f(cookie), JSON.stringify(rest));\n' +
            'console.info("ok", h.Accept);\nreturn { t: $node.fetch.body.temp };',
        },
        {
          id: 'post',
          type: 'slack.postMessage',
          credential: 'cred_slack',
          params: { channel: '#ops', text: '{{ $node.shape.t }}' },
        },
        { id: 'bad', type: 'code', code: 'return {;' },
        { id: 'start', type: 'trigger' },
      ],
      connections: [
        { from: 'start', to: 'fetch' },
        { from: 'fetch', to: 'shape' },
        { from: 'shape', to: 'post' },
        { from: 'post', to: 'fetch' },
        { from: 'ghost', to: 'shape' },
      ],
    },
    {
      id: 'wf_small',
      name: 'Small',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'calc', type: 'code', code: 'console.log($input.password);\nreturn 1;' },
      ],
      connections: [{ from: 'start', to: 'calc' }],
    },
  ];
}

/** Replaces a random sub-value of a JSON value (structural mutation). */
function mutateValue(value: unknown, path: number[], replacement: unknown): unknown {
  if (!path.length) return replacement;
  if (Array.isArray(value)) {
    if (!value.length) return [replacement];
    const i = path[0]! % value.length;
    const copy = [...value];
    if (path.length === 1 && path[0]! % 3 === 0) copy.splice(i, 1);
    else copy[i] = mutateValue(value[i], path.slice(1), replacement);
    return copy;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length) return { k: replacement };
    const i = path[0]! % entries.length;
    const [k, v] = entries[i]!;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (path.length === 1 && path[0]! % 3 === 0) delete copy[k];
    else copy[k] = mutateValue(v, path.slice(1), replacement);
    return copy;
  }
  return replacement;
}

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  '\\',
  '\\u',
  '\\uD83D',
  '\uD83D',
  '\uDE00',
  '😀',
  '\r\n',
  '\r',
  '\n',
  '\t',
  '/*',
  '*/',
  '//',
  '{{',
  '}}',
  '{{ $node.',
  'Bearer ',
  'console.log(',
  'headers',
  '"code":',
  '"type":"code"',
  '"type":"http"',
  'null',
  '1e999',
  '-0',
  '\u0000',
  '\u2028',
];

type TextEdit = { at: number; del: number; insert: string };

const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  del: fc.nat({ max: 30 }),
  insert: fc.oneof(
    fc.constantFrom(...TOKENS),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 4 }),
  ),
});

function applyTextEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of edits) {
    const at = Math.floor(e.at * out.length);
    out = out.slice(0, at) + e.insert + out.slice(Math.min(out.length, at + e.del));
  }
  return out;
}

/** A mutated workflow document text. */
export function documentTextArb(): fc.Arbitrary<string> {
  const seeds = seedDocuments();
  const replacement = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      'Bearer abcdefghijklmnopqrstuvwxyz012345',
      generateKey(),
      'http://10.0.0.1/x',
      '{{ $input.',
      'console.log(h)',
    ),
  );
  const structural = fc.array(fc.tuple(fc.array(fc.nat({ max: 40 }), { maxLength: 5 }), replacement), { maxLength: 4 });
  return fc
    .record({
      seed: fc.nat({ max: seeds.length - 1 }),
      structural,
      indent: fc.constantFrom(0, 2, 4, '\t'),
      crlf: fc.boolean(),
      edits: fc.array(textEdit, { maxLength: 6 }),
    })
    .map(({ seed, structural: muts, indent, crlf, edits }) => {
      let value = seeds[seed];
      for (const [path, rep] of muts) value = mutateValue(value, path, rep);
      let text = JSON.stringify(value, null, indent) ?? 'null';
      if (crlf) text = text.replace(/\n/g, '\r\n');
      return applyTextEdits(text, edits);
    });
}
