// Public routes: health, the HTML reference (apiDocs.ts: Swagger UI, its files served beside it) and the OpenAPI
// document.
import { z } from 'zod';
import { type App, type ApiModule, defineRoute } from '../context';
import { DOCS_CSP, renderDocsPage } from '../apiDocs';
import { buildOpenApi } from '../openapi';
import { OPERATIONS } from '../../core/operations';
import * as EX from '../openapiExamples';

const HOST = /^[A-Za-z0-9.[\]:-]{1,300}$/;

function serverUrl(app: App, host: string | undefined): string {
  if (host && HOST.test(host)) return `http://${host}`;
  return app.baseUrl;
}

export const systemModule: ApiModule = {
  routes: {
    health: defineRoute({
      description:
        'Answers 200 `{"status":"ok"}` while the server is up (for load balancers and `flero serve` scripts).',
      examples: { response: EX.HEALTH },
      responses: { 200: { description: 'The server is up', schema: OPERATIONS.health.response } },
      handler: () => ({ status: 200, raw: '{"status":"ok"}' }),
    }),
    apiDocs: defineRoute({
      description: 'This reference as one self-contained HTML page (no script, nothing loaded from elsewhere).',
      examples: { response: EX.HTML_PAGE },
      responses: { 200: { description: 'The HTML API reference', schema: z.string(), contentType: 'text/html' } },
      handler() {
        return {
          status: 200,
          raw: renderDocsPage(),
          contentType: 'text/html; charset=utf-8',
          headers: { 'content-security-policy': DOCS_CSP },
        };
      },
    }),
    openapi: defineRoute({
      description:
        'This OpenAPI 3.1 document, generated from the route table and the request and response schemas the server validates with; `servers` names the host it was asked on.',
      examples: { response: EX.OPENAPI },
      responses: { 200: { description: 'This document (OpenAPI 3.1)', schema: OPERATIONS.openapi.response } },
      handler({ app, req }) {
        return { status: 200, body: buildOpenApi(app.routes, serverUrl(app, req.headers.host)) };
      },
    }),
  },
};
