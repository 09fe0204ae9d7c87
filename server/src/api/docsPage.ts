// `/api-docs`: an HTML API reference rendered here from the OpenAPI document. Self-contained (inline CSS, no
// script, no CDN), so it works offline.
type Json = Record<string, unknown>;

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const md = (s: unknown) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function schemaBlock(content: unknown): string {
  const c = content as Record<string, { schema?: unknown }> | undefined;
  if (!c) return '';
  return Object.entries(c)
    .map(
      ([type, v]) =>
        `<details><summary>${esc(type)}</summary><pre>${esc(JSON.stringify(v.schema ?? {}, null, 2))}</pre></details>`,
    )
    .join('');
}

export function renderDocsPage(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const id = String(op.operationId);
      toc.push(`<li><a href="#${esc(id)}"><b>${method.toUpperCase()}</b> ${esc(path)}</a></li>`);
      const scope = String(op['x-flero-scope']);
      const responses = Object.entries(op.responses as Record<string, Json>)
        .map(
          ([status, r]) =>
            `<tr><td class="st s${status[0]}">${esc(status)}</td><td>${md(r.description)}${schemaBlock(r.content)}</td></tr>`,
        )
        .join('');
      const params = ((op.parameters as Json[]) ?? [])
        .map(
          (p) =>
            `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''})${p.description ? ` — ${md(p.description)}` : ''}</li>`,
        )
        .join('');
      const body = op.requestBody as Json | undefined;
      ops.push(`<section id="${esc(id)}">
<h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h2>
<p>${md(op.summary)}</p>
<p class="scope">Scope: <code>${esc(scope === 'none' ? 'none (public)' : scope === 'any' ? 'any valid key' : scope)}</code></p>
${op.description ? `<p>${md(op.description)}</p>` : ''}
${params ? `<h3>Parameters</h3><ul>${params}</ul>` : ''}
${body ? `<h3>Request body${body.required ? '' : ' (optional)'}</h3>${schemaBlock(body.content)}` : ''}
<h3>Responses</h3><table>${responses}</table>
</section>`);
    }
  }
  const servers = (doc.servers as Json[]).map((s) => esc(s.url)).join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d2433}
nav{width:300px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f5f7;padding:1em;box-sizing:border-box}
nav ul{list-style:none;padding:0;font-size:13px}nav a{color:#1d2433;text-decoration:none}
main{padding:1em 2em;max-width:960px}section{border-top:1px solid #ddd;padding-top:.5em}
.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:2px 6px}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#8e24aa}.patch{background:#ef6c00}.delete{background:#c62828}
table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #eee;padding:4px 8px;vertical-align:top}
.st{font-weight:bold;width:3em}.s2{color:#2f7d32}.s4{color:#c62828}.s5{color:#c62828}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}code{background:#f0f1f3;padding:0 3px;border-radius:3px}
</style></head>
<body><nav><h3>${esc(info.title)}</h3><p><a href="/api-docs/openapi.json">openapi.json</a></p><ul>${toc.join('')}</ul></nav>
<main><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${md(info.description)}</p>
<p>Server: <code>${servers}</code></p>
${ops.join('\n')}
</main></body></html>`;
}
