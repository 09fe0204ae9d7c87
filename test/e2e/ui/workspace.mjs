// The workspace both suites open: one workflow file whose Code node logs a secret-bearing header (the `log-leak`
// warning and its quick fix) and also logs a value the upstream echoes back (runtime masking must hide it).
export const WORKFLOW_FILE = 'digest.flero.json';
export const WORKFLOW_ID = 'wf_e2e_digest';
export const CREDENTIAL_ID = 'cred_e2e_upstream';

export function workflowFile(upstreamUrl) {
  const code = [
    'const res = $node.forecast;',
    "console.log('api key header:', res.headers['x-api-key']);",
    "console.log('service said:', res.body.echo);",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is the Code node's own JavaScript source text
    'return { summary: `Temp ${res.body.temp} in ${res.body.city}` };',
  ].join('\n');
  const wf = {
    id: WORKFLOW_ID,
    name: 'E2E digest',
    nodes: [
      { id: 'start', type: 'trigger' },
      {
        id: 'forecast',
        type: 'http',
        method: 'GET',
        url: `${upstreamUrl}/forecast`,
        credential: CREDENTIAL_ID,
        query: { city: '{{ $input.city }}' },
      },
      { id: 'shape', type: 'code', code },
    ],
    connections: [
      { from: 'start', to: 'forecast' },
      { from: 'forecast', to: 'shape' },
    ],
  };
  return `${JSON.stringify(wf, null, 2)}\n`;
}
