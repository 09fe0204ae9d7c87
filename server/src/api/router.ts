// Matches a request to an entry of THE route table (core/routes.ts). 404 when no route has the path, 405 (with the
// allowed methods) when the path exists but not for this method.
import type { HttpMethod, RouteSpec } from '../core/routes';

export type Match =
  | { kind: 'route'; route: RouteSpec; params: Record<string, string> }
  | { kind: 'method'; allow: string[] }
  | { kind: 'none' };

interface Compiled {
  route: RouteSpec;
  re: RegExp;
  names: string[];
}

export class Router {
  private readonly exact = new Map<string, RouteSpec>();
  private readonly patterned: Compiled[] = [];
  private readonly all: Compiled[] = [];

  constructor(routes: readonly RouteSpec[]) {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((seg) => {
          const m = /^\{(\w+)\}$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1]!);
          return '([^/]+)';
        })
        .join('/');
      const c = { route, re: new RegExp(`^${source}$`), names };
      this.all.push(c);
      if (names.length) this.patterned.push(c);
      else this.exact.set(`${route.method} ${route.path}`, route);
    }
  }

  /** `path` without the query string, still percent-encoded. Throws URIError on bad percent-encoding or a control character in a param. */
  match(method: string, path: string): Match {
    const m = method === 'HEAD' ? 'GET' : method;
    const hit = this.exact.get(`${m} ${path}`);
    if (hit) return { kind: 'route', route: hit, params: {} };
    for (const c of this.patterned) {
      if (c.route.method !== m) continue;
      const r = c.re.exec(path);
      if (!r) continue;
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => {
        const v = decodeURIComponent(r[i + 1]!);
        // No id holds a control character; the stores cannot even compare one (U+0000).
        if (/[\u0000-\u001f\u007f]/.test(v)) throw new URIError('control character in a path parameter');
        params[n] = v;
      });
      return { kind: 'route', route: c.route, params };
    }
    const allow = this.all.filter((c) => c.re.test(path)).map((c) => c.route.method as HttpMethod);
    if (allow.length) {
      if (allow.includes('GET')) allow.push('HEAD' as HttpMethod);
      return { kind: 'method', allow: [...new Set(allow)] };
    }
    return { kind: 'none' };
  }
}
