// The OpenAPI document teaches: served by a real server, every operation has a summary, a description (its scope and
// problem codes), a tag described at the top level, a curl sample, request and response examples that validate
// against their own schemas (and hold no working key), every parameter and every reachable schema property a
// description; no schema-library leftovers; valid for swagger-parser and the Redocly linter's `recommended` rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { HOST_PATTERN } from '../../server/src/core/credentialPatterns';
import { findKeyCandidates, hasValidChecksum } from '../../server/src/core/keys';
import { ROUTES } from '../../server/src/core/routes';
import { PROBLEM_CODES } from '../../server/src/api/openapiDocs';
import { checkCommandLines, cliFlags, commandLines } from '../helpers/cliFlags';
import { type RunningServer, startServer } from '../helpers/server';

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read as plain JSON
type Json = any;

let srv: RunningServer;
let doc: Json;
let text: string;

before(async () => {
  srv = await startServer();
  const res = await fetch(`${srv.url}/api-docs/openapi.json`);
  assert.equal(res.status, 200);
  text = await res.text();
  doc = JSON.parse(text);
});

after(async () => {
  await srv?.stop();
});

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function operations(): { path: string; method: string; op: Json }[] {
  const out: { path: string; method: string; op: Json }[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths))
    for (const method of METHODS) if (item[method]) out.push({ path, method, op: item[method] });
  return out;
}

/** `#/components/schemas/X` → the schema. */
function deref(node: Json): Json {
  let n = node;
  while (n && typeof n.$ref === 'string') {
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return n;
}

/** Every property without a description under `schema`, as `where.prop` paths (follows $refs once each). */
function undescribed(schema: Json, where: string, misses: string[], seen = new Set<Json>()): void {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  const s = deref(schema);
  if (s !== schema) {
    undescribed(s, where, misses, seen);
    return;
  }
  for (const [name, prop] of Object.entries<Json>(s.properties ?? {})) {
    if (typeof prop.description !== 'string' && typeof deref(prop)?.description !== 'string')
      misses.push(`${where}.${name}`);
    undescribed(prop, `${where}.${name}`, misses, seen);
  }
  if (s.items) undescribed(s.items, `${where}[]`, misses, seen);
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    (s[k] ?? []).forEach((sub: Json, i: number) => {
      undescribed(sub, `${where}|${k}${i}`, misses, seen);
    });
  if (s.additionalProperties && typeof s.additionalProperties === 'object')
    undescribed(s.additionalProperties, `${where}{}`, misses, seen);
}

/** Every object node of the document, with its JSON path. */
function* walk(node: Json, path = '#'): Generator<[string, Json]> {
  if (!node || typeof node !== 'object') return;
  yield [path, node];
  for (const [k, v] of Object.entries(node)) yield* walk(v, `${path}/${k}`);
}

describe('the OpenAPI document teaches', () => {
  test('every operation: summary, description with scope and problem codes, described tags, curl sample', () => {
    const tags = new Map<string, string>((doc.tags ?? []).map((t: Json) => [t.name, t.description]));
    const problems: string[] = [];
    for (const { path, method, op } of operations()) {
      const at = `${method.toUpperCase()} ${path}`;
      if (!op.summary) problems.push(`${at}: no summary`);
      if (!op.description || op.description === op.summary) problems.push(`${at}: no description of its own`);
      if (!/\*\*Scope:\*\*/.test(op.description ?? '')) problems.push(`${at}: the description does not name the scope`);
      if (!op.tags?.length) problems.push(`${at}: no tag`);
      for (const t of op.tags ?? []) if (!tags.get(t)) problems.push(`${at}: tag ${t} is not described`);
      const codes = op['x-flero-problem-codes'];
      if (!Array.isArray(codes)) problems.push(`${at}: no x-flero-problem-codes`);
      else if (op['x-flero-scope'] !== 'none' && !codes.includes('invalid_token'))
        problems.push(`${at}: x-flero-problem-codes lacks invalid_token (the operation needs a key)`);
      for (const code of Array.isArray(codes) ? codes : [])
        if (!(code in PROBLEM_CODES)) problems.push(`${at}: x-flero-problem-codes names an unknown code ${code}`);
      for (const code of op['x-flero-problem-codes'] ?? [])
        if (!op.description.includes(`\`${code}\``)) problems.push(`${at}: description misses problem code ${code}`);
      for (const [status, r] of Object.entries<Json>(op.responses))
        if (Number(status) >= 400 && r.content?.['application/problem+json']) {
          const named = [...String(r.description).matchAll(/`([a-z_]+)`/g)].filter((m) => m[1]! in PROBLEM_CODES);
          if (!named.length) problems.push(`${at} ${status}: names no problem code`);
        }
      const curl = op['x-codeSamples']?.find((c: Json) => c.lang === 'Shell' && c.label === 'curl')?.source ?? '';
      const pathRe = path.replace(/[.]/g, '\\.').replace(/\{id\}/g, '[^/"?]+');
      if (!new RegExp(`^curl -X ${method.toUpperCase()} "\\$FLERO_SERVER_URL${pathRe}[?"]`).test(curl))
        problems.push(`${at}: no curl sample naming the method and path (${curl.split('\n')[0]})`);
      if (op['x-flero-scope'] !== 'none' && !curl.includes('Authorization: Bearer $FLERO_API_KEY'))
        problems.push(`${at}: the curl sample sends no key`);
      const body = op.requestBody?.content?.['application/json'];
      if (body && body.example === undefined) problems.push(`${at}: no request example`);
      if (body && !curl.includes(`-d '`)) problems.push(`${at}: the curl sample sends no body`);
      const success = Object.entries<Json>(op.responses).find(([s, r]) => s.startsWith('2') && r.content);
      if (success) {
        const media = Object.values<Json>(success[1].content)[0];
        if (media.example === undefined) problems.push(`${at}: no example for the ${success[0]} response`);
      }
    }
    assert.deepEqual(problems, []);
    assert.equal(operations().length, ROUTES.length, 'every route of the table is documented');
  });

  test('every parameter and every reachable schema property has a description', () => {
    const misses: string[] = [];
    let parameters = 0;
    for (const { path, method, op } of operations()) {
      const at = `${method.toUpperCase()} ${path}`;
      for (const p of op.parameters ?? []) {
        parameters++;
        if (!p.description) misses.push(`${at} parameter ${p.name}`);
      }
      for (const [type, media] of Object.entries<Json>(op.requestBody?.content ?? {}))
        undescribed(media.schema, `${at} body(${type})`, misses);
      for (const [status, r] of Object.entries<Json>(op.responses))
        for (const [type, media] of Object.entries<Json>(r.content ?? {}))
          undescribed(media.schema, `${at} ${status}(${type})`, misses);
    }
    assert.deepEqual(misses, []);
    assert.ok(parameters > 20, `${parameters} parameters`);
  });

  test('no schema-library leftovers: long patterns, ±2^53−1 bounds, propertyNames', () => {
    const left: string[] = [];
    for (const [path, node] of walk(doc)) {
      // z.record's key schema: `{type: "string"}` says nothing an object's keys do not already say.
      if (node.propertyNames !== undefined && !path.endsWith('/properties')) left.push(`${path}: propertyNames`);
      // The one long pattern that is ours: the host rule credentials are checked with (hosts a value may go to).
      if (typeof node.pattern === 'string' && node.pattern.length > 100 && node.pattern !== HOST_PATTERN.source)
        left.push(`${path}: pattern`);
      if (typeof node.pattern === 'string' && node.format) left.push(`${path}: pattern beside format`);
      for (const k of ['minimum', 'maximum'])
        if (Math.abs(node[k]) === Number.MAX_SAFE_INTEGER) left.push(`${path}: ${k}`);
    }
    assert.deepEqual(left, []);
  });

  test('the Problem schema explains every problem code; the intro stays short, so the first screen shows operations', () => {
    const code = (doc.components.schemas.Problem as { properties: { code: { description: string } } }).properties.code;
    for (const c of Object.keys(PROBLEM_CODES)) assert.match(code.description, new RegExp(`- \`${c}\`: `), c);
    assert.ok(doc.info.description.length < 900, `the intro is ${doc.info.description.length} characters`);
    assert.doesNotMatch(doc.info.description, /`validation_failed`: /, 'the code list is back in the intro');
  });

  test('samples and descriptions name the CLI’s variables (FLERO_SERVER_URL, FLERO_API_KEY) and its real flags', async () => {
    assert.ok(
      !/\$FLERO_URL\b|\$FLERO_KEY\b/.test(text),
      'no $FLERO_URL / $FLERO_KEY: the CLI reads FLERO_SERVER_URL and FLERO_API_KEY',
    );
    assert.match(doc.info.description, /`\$FLERO_SERVER_URL`.*`\$FLERO_API_KEY`/);
    const flags = await cliFlags();
    const lines: string[] = [];
    for (const [, node] of walk(doc))
      for (const [k, v] of Object.entries(node))
        if (typeof v === 'string' && (k === 'description' || k === 'source')) lines.push(...commandLines(v), v);
    assert.ok(
      lines.some((l) => /flero keys create/.test(l)),
      'the document quotes `flero keys create`',
    );
    assert.deepEqual(
      checkCommandLines(lines, flags).map((p) => `${p.problem} — ${p.line}`),
      [],
    );
  });

  test('every example validates against its schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: 'https://flero.test/openapi.json' });
    const ptr = (parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    const failures: string[] = [];
    let checked = 0;
    const check = (parts: string[], example: unknown) => {
      const validate = ajv.compile({ $ref: `https://flero.test/openapi.json#/${ptr(parts)}` });
      checked++;
      if (!validate(example)) failures.push(`${parts.join(' ')}: ${ajv.errorsText(validate.errors)}`);
    };
    for (const { path, method, op } of operations()) {
      for (const [type, media] of Object.entries<Json>(op.requestBody?.content ?? {}))
        if (media.example !== undefined)
          check(['paths', path, method, 'requestBody', 'content', type, 'schema'], media.example);
      for (const [status, r] of Object.entries<Json>(op.responses))
        for (const [type, media] of Object.entries<Json>(r.content ?? {}))
          if (media.example !== undefined)
            check(['paths', path, method, 'responses', status, 'content', type, 'schema'], media.example);
      (op.parameters ?? []).forEach((p: Json, i: number) => {
        if (p.example !== undefined) check(['paths', path, method, 'parameters', String(i), 'schema'], p.example);
      });
    }
    assert.deepEqual(failures, []);
    assert.ok(checked > 40, `${checked} examples checked`);
    const body = ['paths', '/api/api-keys', 'post', 'requestBody', 'content', 'application/json', 'schema'];
    const createKey = ajv.compile({ $ref: `https://flero.test/openapi.json#/${ptr(body)}` });
    assert.equal(createKey({ name: 'x', scopes: ['nope'] }), false, 'the check refuses a wrong example');
    assert.equal(createKey({ name: 'x', scopes: ['audit:read'], extra: 1 }), false, 'and an unknown field');
  });

  test('no example holds a key with a valid checksum (created keys are shown masked)', () => {
    const live = findKeyCandidates(text).filter((c) => c.valid);
    assert.deepEqual(
      live.map((c) => c.value.slice(0, 13)),
      [],
    );
    for (const [, node] of walk(doc))
      for (const v of Object.values(node))
        if (typeof v === 'string') assert.ok(!hasValidChecksum(v), 'a string of the document is a valid key');
    const created = doc.paths['/api/api-keys'].post.responses['201'].content['application/json'].example;
    assert.match(created.key, /^flero_sk_[0-9A-Za-z]{0,4}•{20,}$/);
  });

  test('the bearer scheme explains the key format and where keys come from', () => {
    const scheme = doc.components.securitySchemes.bearer;
    assert.equal(scheme.type, 'http');
    assert.equal(scheme.scheme, 'bearer');
    for (const needed of [/<prefix>_<random><checksum>/, /owner key/, /flero keys create/, /VS Code extension/])
      assert.match(scheme.description, needed);
  });

  test('valid for swagger-parser', async () => {
    await SwaggerParser.validate(structuredClone(doc));
  });

  test('the Redocly linter (recommended): no errors; only the warnings accepted', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: text, absoluteRef: 'openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error');
    assert.deepEqual(
      errors.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`),
      [],
    );
    // Accepted: the three public documentation/health GETs answer no 4xx of their own (operation-4xx-response).
    const warnings = problems
      .filter((p) => p.severity === 'warn')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}`)
      .sort();
    assert.deepEqual(warnings, [
      'operation-4xx-response #/paths/~1api-docs/get/responses',
      'operation-4xx-response #/paths/~1api-docs~1openapi.json/get/responses',
      'operation-4xx-response #/paths/~1healthz/get/responses',
    ]);
  });
});
