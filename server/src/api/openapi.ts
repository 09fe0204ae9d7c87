// The OpenAPI 3.1 document, generated from THE route table (core/routes.ts) and the zod schemas the router validates
// with (z.toJSONSchema). Never written by hand. Statuses every route can answer (401/403/429 for authenticated routes,
// 400/413/415 for routes with a body, 404 for routes with a path id) are added from the table.
import { z } from 'zod';
import { ROUTES, type RouteSpec } from '../core/routes';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../core/scopes';
import { FLERO_VERSION } from '../core/version';
import type { ResponseDoc, RouteDef } from './context';
import { ProblemSchema } from '../core/apiSchemas';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function responseObject(doc: ResponseDoc): Json {
  if (!doc.schema) return { description: doc.description };
  return {
    description: doc.description,
    content: { [doc.contentType ?? 'application/json']: { schema: jsonSchema(doc.schema, 'output') } },
  };
}

function operation(route: RouteSpec, def: RouteDef | undefined): Json {
  const responses: Json = {};
  for (const [status, doc] of Object.entries(def?.responses ?? {}))
    responses[status] = Number(status) >= 400 ? problem(doc.description) : responseObject(doc);
  const add = (status: number, description: string) => {
    responses[status] ??= problem(description);
  };
  if (def?.body) {
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
  const op: Json = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.path.split('/')[2] ?? 'system'],
    'x-flero-scope': route.scope,
    responses,
  };
  if (route.path.includes('{id}'))
    op.parameters = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
  if (def?.query) {
    const qs = jsonSchema(def.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
    const params = Object.entries(qs.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: qs.required?.includes(name) ?? false,
      schema,
      ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    }));
    op.parameters = [...((op.parameters as Json[]) ?? []), ...params];
  }
  if (def?.body)
    op.requestBody = {
      required: !def.bodyOptional,
      content: { 'application/json': { schema: jsonSchema(def.body, 'input') } },
    };
  if (route.scope === 'none') op.security = [];
  else if (route.scope === 'any') op.security = [{ bearer: [] }];
  else op.security = [{ bearer: [route.scope] }];
  if (route.scope !== 'none' && route.scope !== 'any')
    op.description = `Requires the scope \`${route.scope}\`${route.workflowScoped ? '; the key’s workflow allow-list applies' : ''}${route.needsAllWorkflows ? '; the key must have `"all"` workflows' : ''}.`;
  return op;
}

export function buildOpenApi(defs: ReadonlyMap<string, RouteDef>, serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    if (!defs.has(route.operationId)) continue;
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, defs.get(route.operationId));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flero API',
      version: FLERO_VERSION,
      description:
        'The bundled Flero server: API keys with scopes, workflow allow-lists, expiry and revocation; workflows, ' +
        'executions, credentials and the audit log. Send `Authorization: Bearer <key>`. Errors are RFC 9457 ' +
        '`application/problem+json` with a machine-readable `code`.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Problem: jsonSchema(ProblemSchema, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: `A Flero API key. Scopes: ${SCOPES.map((s) => `\`${s}\` (${SCOPE_DESCRIPTIONS[s]})`).join('; ')}.`,
        },
      },
    },
  };
}
