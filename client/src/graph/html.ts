// The workflow graph webview's HTML: a shell that loads dist/graphView.js and media/graph.css under a strict
// content-security policy (nothing inline but the nonce'd script, nothing remote). Pure: no vscode, so it is tested.

export interface GraphHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh random nonce per page. */
  nonce: string;
  /** `webview.asWebviewUri` of dist/graphView.js and media/graph.css. */
  scriptUri: string;
  styleUri: string;
  title?: string;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function graphCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function graphHtml(i: GraphHtmlInput): string {
  const title = escapeAttr(i.title ?? 'Workflow Graph');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(graphCsp(i.cspSource, i.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(i.styleUri)}">
<title>${title}</title>
</head>
<body>
<header id="banner" role="status" aria-live="polite"></header>
<div id="layout">
<main id="graph" aria-label="Workflow nodes"><p class="message">Loading the workflow graph…</p></main>
<aside id="details" aria-label="Node details" aria-live="polite"></aside>
</div>
<script nonce="${escapeAttr(i.nonce)}" src="${escapeAttr(i.scriptUri)}"></script>
</body>
</html>
`;
}
