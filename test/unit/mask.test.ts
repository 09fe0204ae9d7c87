// The masker against the independent canary sweep (test/reliability/canary.ts): whatever form the sweep can find,
// the masker must have removed — exact, base64/base64url at any offset, URL/form/JSON-escaped, hex; every occurrence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MASK, Masker, MIN_SECRET_LENGTH, secretForms } from '../../server/src/core/mask';
import { canaryForms, scanString } from '../reliability/canary';

const SECRET = 'sk_live_canary/Zx9+q&r=1"\\ü-7Hk2';

function clean(text: string, secret: string): boolean {
  return scanString(text, { canaries: { credential: secret }, flagValidKeys: false }).length === 0;
}

describe('Masker', () => {
  it('masks every form the canary sweep knows, at every position, every occurrence', () => {
    const m = new Masker([SECRET]);
    for (const { form, text } of canaryForms(SECRET)) {
      for (const pad of ['', 'a', 'ab', 'abc']) {
        const input = `${pad}${text}${pad} and again ${text}`;
        const out = m.mask(input);
        assert.ok(clean(out, SECRET), `form ${form} with padding "${pad}" survived: ${out}`);
        assert.ok(out.includes(MASK), form);
      }
    }
  });

  it('masks base64 of the value inside a longer encoded text (Basic auth, JSON blobs) at any offset', () => {
    const m = new Masker([{ value: SECRET, prefixes: ['Basic '] }]);
    for (let prefix = 0; prefix < 6; prefix++) {
      const blob = Buffer.concat([Buffer.from('u'.repeat(prefix)), Buffer.from(`:${SECRET}`), Buffer.from('tail')]);
      for (const enc of ['base64', 'base64url'] as const) {
        const out = m.mask(`Authorization: Basic ${blob.toString(enc)}`);
        assert.ok(clean(out, SECRET), `${enc} at ${prefix}: ${out}`);
      }
    }
    assert.equal(m.mask(`x ${Buffer.from(`Basic ${SECRET}`).toString('base64')} y`), 'x *** y');
  });

  it('masks deep inside objects, arrays and keys, and leaves other data alone', () => {
    const m = new Masker(['s3cr3t-value']);
    const out = m.maskDeep({
      a: ['ok', { b: 'Bearer s3cr3t-value', n: 3, t: true, z: null }],
      's3cr3t-value': 'key',
      url: `https://x.example/?k=${encodeURIComponent('s3cr3t-value')}`,
    });
    assert.deepEqual(out, {
      a: ['ok', { b: 'Bearer ***', n: 3, t: true, z: null }],
      '***': 'key',
      url: 'https://x.example/?k=***',
    });
  });

  it('maskOwned masks in place what maskDeep masks in a copy, with the same result (keys, order, nesting)', () => {
    const m = new Masker(['s3cr3t-value']);
    const fresh = () => ({
      a: ['ok', { b: 'Bearer s3cr3t-value', n: 3, t: true, z: null }, ['s3cr3t-value']],
      's3cr3t-value': 'key',
      after: { deep: { x: `%22${encodeURIComponent('s3cr3t-value')}` } },
      url: `https://x.example/?k=${encodeURIComponent('s3cr3t-value')}`,
    });
    const owned = fresh();
    const out = m.maskOwned(owned);
    assert.deepEqual(out, m.maskDeep(fresh()));
    assert.deepEqual(Object.keys(out), ['a', '***', 'after', 'url']);
    // In place: the nested objects and arrays are the same ones, their secrets gone.
    assert.equal(owned.a, out.a);
    assert.equal((owned.a[1] as { b: string }).b, 'Bearer ***');
    assert.equal(m.maskOwned('s3cr3t-value'), '***');
    assert.equal(new Masker().maskOwned(owned), owned);
  });

  it('property: maskOwned gives what maskDeep gives, on any JSON with secrets inside', () => {
    const planted = 'Zx9+q&r=1-secret';
    const m = new Masker([{ value: planted, prefixes: ['Bearer '] }]);
    const withSecret = fc.oneof(
      fc.string(),
      fc.string().map((s) => `${s}${planted}${s}`),
      fc.string().map((s) => `Bearer ${Buffer.from(planted).toString('base64')}${s}`),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        withSecret,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        tie('arr'),
        tie('obj'),
      ),
      arr: fc.array(tie('value'), { maxLength: 4 }),
      obj: fc.dictionary(withSecret, tie('value'), { maxKeys: 4 }),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        const copy = structuredClone(v);
        assert.deepEqual(m.maskOwned(copy), m.maskDeep(v));
        assert.ok(!JSON.stringify(m.maskOwned(structuredClone(v)) ?? null).includes(planted));
      }),
    );
  });

  it('masks several values, longest first, and URL-encoding with lower-case hex', () => {
    const m = new Masker(['abcd1234', 'abcd1234-longer']);
    assert.equal(m.mask('abcd1234-longer abcd1234'), '*** ***');
    const weird = new Masker(['a/b c+d']);
    assert.equal(weird.mask('q=a%2fb%20c%2bd'), 'q=***');
    assert.equal(weird.mask('q=a%2Fb+c%2Bd'), 'q=***');
  });

  it(`ignores values shorter than ${MIN_SECRET_LENGTH} characters (the engine refuses such credentials)`, () => {
    assert.deepEqual(secretForms('abc'), []);
    const m = new Masker(['abc']);
    assert.equal(m.mask('abc abc'), 'abc abc');
  });

  it('property: any secret (≥ 8 chars) in any form inside any text is gone after masking', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 8, maxLength: 40, unit: 'binary' }),
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        fc.nat(),
        (secret, before, after, pick) => {
          const forms = canaryForms(secret);
          if (!forms.length) return;
          const form = forms[pick % forms.length]!;
          const out = new Masker([secret]).mask(`${before}${form.text}${after}`);
          assert.ok(clean(out, secret), `${form.form} survived`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is fast: 1 MB of text with 20 secrets masks in well under a second', () => {
    const secrets = Array.from({ length: 20 }, (_, i) => `secret-value-${i}-${'x'.repeat(i)}`);
    const m = new Masker(secrets);
    const text = `${'lorem ipsum dolor '.repeat(60_000)}${secrets[7]}`;
    const t0 = performance.now();
    const out = m.mask(text);
    const ms = performance.now() - t0;
    assert.ok(out.endsWith(MASK));
    assert.ok(ms < 1_000, `took ${ms} ms`);
  });
});

describe('Masker.maskCut', () => {
  const secret = 'canaryStraddle_7Hk2Zx9qLmN4pQ8w'; // flero-scan:allow
  const m = new Masker([secret]);

  it('masks before it cuts: a secret straddling the cut leaves no head behind', () => {
    for (let before = 9_980; before < 10_001; before++) {
      const line = `${'x'.repeat(before)}${secret} tail`;
      const out = m.maskCut(line, 10_000);
      assert.ok(out.endsWith('… (truncated)') || out.endsWith(' tail'), out.slice(-40));
      for (let n = 4; n <= secret.length; n++)
        assert.ok(!out.includes(secret.slice(0, n)), `head of ${n} chars survived at offset ${before}`);
    }
  });

  it('drops a possible partial secret at the end of a text cut upstream (without masking)', () => {
    for (let keep = 1; keep < secret.length; keep++) {
      const raw = `${'y'.repeat(1000)}${secret.slice(0, keep)}`; // what a raw cap left behind
      const out = m.maskCut(raw, 10_000, true);
      assert.ok(!out.includes(`y${secret.slice(0, Math.min(keep, 2))}`), out.slice(-40));
      assert.ok(out.startsWith('yyyy') && out.endsWith('… (truncated)'));
    }
    assert.equal(m.maskCut('short line', 10_000), 'short line');
  });
});
