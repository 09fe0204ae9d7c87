// Connector nodes (`<service>.<operation>` from the catalog) become plain requests: `{param}` path segments are
// filled (URL-encoded), the other params go to the JSON body (POST/PUT/PATCH) or the query string (GET/DELETE).
import { findOperation } from '../core/services';

export interface ConnectorRequest {
  service: string;
  method: string;
  url: string;
  query?: Record<string, string>;
  body?: unknown;
}

export function baseUrlFor(service: string, fallback: string, overrides?: Record<string, string>): string {
  return (overrides?.[service] ?? fallback).replace(/\/+$/, '');
}

export function buildConnectorRequest(
  nodeType: string,
  params: Record<string, unknown>,
  serviceBaseUrls?: Record<string, string>,
): { ok: true; request: ConnectorRequest } | { ok: false; error: string } {
  const found = findOperation(nodeType);
  if (!found) return { ok: false, error: `unknown node type "${nodeType}" (not in the service catalog)` };
  const { service, operation } = found;
  const missing = operation.params.filter(
    (p) => p.required && (params[p.name] === undefined || params[p.name] === null || params[p.name] === ''),
  );
  if (missing.length)
    return {
      ok: false,
      error: `${nodeType} needs ${missing.map((p) => `params.${p.name}`).join(', ')}`,
    };
  const known = new Set(operation.params.map((p) => p.name));
  const unknown = Object.keys(params).filter((k) => !known.has(k));
  if (unknown.length)
    return {
      ok: false,
      error: `${nodeType} does not take ${unknown.map((k) => `params.${k}`).join(', ')} (it takes: ${[...known].join(', ') || 'no params'})`,
    };
  const base = baseUrlFor(service.id, service.baseUrl, serviceBaseUrls);
  if (!base) return { ok: false, error: `service "${service.id}" has no base URL` };
  const rest: Record<string, unknown> = { ...params };
  const path = operation.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
    const v = params[name];
    delete rest[name];
    return encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));
  });
  const request: ConnectorRequest = { service: service.id, method: operation.method, url: `${base}${path}` };
  if (operation.method === 'GET' || operation.method === 'DELETE') {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(rest))
      if (v !== undefined && v !== null) query[k] = typeof v === 'string' ? v : JSON.stringify(v);
    if (Object.keys(query).length) request.query = query;
  } else {
    request.body = rest;
  }
  return { ok: true, request };
}
