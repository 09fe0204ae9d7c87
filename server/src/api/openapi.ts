// The OpenAPI 3.1 document, generated from THE route table (core/routes.ts) and the zod schemas the router validates
// with (z.toJSONSchema), whose `.describe()` texts are the properties' descriptions. Never written by hand. Statuses
// every route can answer (401/403/429 for authenticated routes, 400/413/415 for routes with a body, 404 for routes
// with a path id) are added from the table; each route's description and examples come from its RouteDef, the
// generic texts (tags, security scheme, problem codes, curl samples) from openapiDocs.ts.
import { z } from 'zod';
import { ROUTES, type RouteSpec } from '../core/routes';
import { SCOPE_DESCRIPTIONS } from '../core/scopes';
import { FLERO_VERSION } from '../core/version';
import type { ResponseDoc, RouteDef } from './context';
import { ApiError } from './problem';
import { ProblemSchema } from '../core/apiSchemas';
import {
  cleanSchema,
  codesIn,
  curlSample,
  ID_PARAM_DESCRIPTIONS,
  PROBLEM_CODES,
  SECURITY_DESCRIPTION,
  TAGS,
  tagOf,
} from './openapiDocs';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return cleanSchema(s);
}

/** A problem response; its example is the body of the first code the description names, as the server writes it. */
function problem(status: number, description: string, scope: string): Json {
  const media: Json = { schema: { $ref: '#/components/schemas/Problem' } };
  const code = codesIn(description)[0];
  if (code) {
    const errors =
      code === 'validation_failed'
        ? [{ field: 'name', message: 'Too small: expected string to have >=1 characters' }]
        : undefined;
    media.example = new ApiError(status, code, String(PROBLEM_CODES[code]).replace(/`/g, ''), {
      ...(errors ? { errors } : {}),
      ...(code === 'insufficient_scope' ? { scope } : {}),
    }).toProblem();
  }
  return { description, content: { 'application/problem+json': media } };
}

function responseObject(doc: ResponseDoc, example: unknown): Json {
  if (!doc.schema) return { description: doc.description };
  const media: Json = { schema: jsonSchema(doc.schema, 'output') };
  if (example !== undefined) media.example = example;
  return { description: doc.description, content: { [doc.contentType ?? 'application/json']: media } };
}

function scopeText(route: RouteSpec): string {
  const scope =
    route.scope === 'none'
      ? 'none: public, no key needed.'
      : route.scope === 'any'
        ? 'any valid key.'
        : `\`${route.scope}\` — ${SCOPE_DESCRIPTIONS[route.scope]}.`;
  const list =
    route.workflowScoped === 'list'
      ? ' A key with a workflow allow-list sees only those workflows.'
      : route.workflowScoped
        ? ' The key’s workflow allow-list applies.'
        : '';
  return `**Scope:** ${scope}${list}${route.needsAllWorkflows ? ' The key must have `"all"` workflows.' : ''}`;
}

function operation(route: RouteSpec, def: RouteDef | undefined): Json {
  const responses: Json = {};
  let example = def?.examples?.response;
  for (const [status, doc] of Object.entries(def?.responses ?? {})) {
    if (Number(status) >= 400 && doc.contentType !== 'text/html')
      responses[status] = problem(Number(status), doc.description, route.scope);
    else {
      responses[status] = responseObject(doc, Number(status) < 300 ? example : undefined);
      if (doc.schema && Number(status) < 300) example = undefined; // the first success response shows it
    }
  }
  const add = (status: number, description: string) => {
    responses[status] ??= problem(status, description, route.scope);
  };
  if (def?.body) {
    const own = responses[400] as { description: string } | undefined;
    if (own && !own.description.includes('`malformed_json`'))
      own.description += '; `malformed_json`: the body is not JSON';
    add(400, '`validation_failed` (with `errors` listing the fields) or `malformed_json`');
    add(413, '`payload_too_large`: the body is over 1 MiB');
    add(415, '`unsupported_media_type`: the body is not application/json');
  } else if (def?.query) add(400, '`validation_failed`: a query parameter is invalid');
  if (route.scope !== 'none') {
    add(
      401,
      'No credentials (bare `WWW-Authenticate: Bearer realm="flero"`), or `invalid_token`: malformed, unknown, revoked or expired key',
    );
    if (route.scope !== 'any' || route.workflowScoped || route.needsAllWorkflows)
      add(
        403,
        [
          route.scope !== 'any' ? `\`insufficient_scope\` (needs \`${route.scope}\`)` : '',
          route.workflowScoped === 'param' || route.workflowScoped === 'execution' || route.needsAllWorkflows
            ? '`workflow_not_allowed` (allow-list)'
            : '',
        ]
          .filter(Boolean)
          .join(', or '),
      );
    add(
      429,
      '`too_many_failed_auth`: too many failed authentications from this address (see `Retry-After`); a valid key is never refused',
    );
  }
  if (route.path.includes('{')) add(404, '`not_found`: no such id');
  const tag = tagOf(route);
  const codes = [
    ...new Set(Object.values(responses).flatMap((r) => codesIn(String((r as { description: string }).description)))),
  ];
  const ex = def?.examples;
  const op: Json = {
    operationId: route.operationId,
    summary: route.summary,
    description: [
      def?.description ?? route.summary,
      scopeText(route),
      codes.length ? `**Problem codes:** ${codes.map((c) => `\`${c}\``).join(', ')}.` : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
    tags: [tag],
    'x-flero-scope': route.scope,
    'x-flero-problem-codes': codes,
    'x-codeSamples': [curlSample(route, { id: ex?.id, query: ex?.query, body: ex?.request })],
    responses,
  };
  if (route.path.includes('{id}'))
    op.parameters = [
      {
        name: 'id',
        in: 'path',
        required: true,
        description: ID_PARAM_DESCRIPTIONS[tag] ?? 'The id',
        schema: { type: 'string' },
        ...(ex?.id !== undefined ? { example: ex.id } : {}),
      },
    ];
  if (def?.query) {
    const qs = jsonSchema(def.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
    const params = Object.entries(qs.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: qs.required?.includes(name) ?? false,
      schema,
      ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
      ...(ex?.query?.[name] !== undefined ? { example: ex.query[name] } : {}),
    }));
    op.parameters = [...((op.parameters as Json[]) ?? []), ...params];
  }
  if (def?.body)
    op.requestBody = {
      required: !def.bodyOptional,
      content: {
        'application/json': {
          schema: jsonSchema(def.body, 'input'),
          ...(ex?.request !== undefined ? { example: ex.request } : {}),
        },
      },
    };
  if (route.scope === 'none') op.security = [];
  else if (route.scope === 'any') op.security = [{ bearer: [] }];
  else op.security = [{ bearer: [route.scope] }];
  return op;
}

/** The Problem schema, its `code` explained code by code (the list the reference shows once, under Schemas). */
function problemSchema(): Record<string, unknown> {
  const schema = jsonSchema(ProblemSchema, 'output') as { properties?: Record<string, { description?: string }> };
  const code = schema.properties?.code;
  if (code) {
    code.description = [
      code.description ?? 'Machine-readable error code',
      Object.entries(PROBLEM_CODES)
        .map(([c, meaning]) => `- \`${c}\`: ${meaning}`)
        .join('\n'),
    ].join('\n\n');
  }
  return schema;
}

export function buildOpenApi(defs: ReadonlyMap<string, RouteDef>, serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  for (const route of ROUTES) {
    if (!defs.has(route.operationId)) continue;
    tags.add(tagOf(route));
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, defs.get(route.operationId));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flero API',
      version: FLERO_VERSION,
      description: [
        'The bundled Flero server: API keys with scopes, workflow allow-lists, expiry and revocation; workflows, ' +
          'executions, credentials and the audit log. Send `Authorization: Bearer <key>` (see the `bearer` security ' +
          'scheme for the key format and where keys come from). Every sample reads the server URL from ' +
          '`$FLERO_SERVER_URL` and the key from `$FLERO_API_KEY`, the variables the `flero` CLI reads.',
        'Errors are RFC 9457 `application/problem+json` with a machine-readable `code`. Each operation lists the codes ' +
          'it can answer (its responses, and `x-flero-problem-codes`); the `Problem` schema below explains them all.',
      ].join('\n\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: serverUrl, description: 'This server' }],
    tags: TAGS.filter((t) => tags.has(t.name)).map((t) => ({ name: t.name, description: t.description })),
    paths,
    components: {
      schemas: { Problem: problemSchema() },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'Flero API key', description: SECURITY_DESCRIPTION },
      },
    },
  };
}
