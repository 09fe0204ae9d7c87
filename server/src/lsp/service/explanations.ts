// Plain-language explanations of the diagnostic codes (what `flero.explain` shows). Keyed by the code type: a new
// code in DIAGNOSTIC_CODES without an explanation here does not compile. Pure data; the client gets it through
// ../protocol.
import type { DiagnosticCode } from './types';

export const DIAGNOSTIC_EXPLANATIONS: Readonly<Record<DiagnosticCode, string>> = {
  schema:
    'The workflow does not match the workflow schema (see `flero schema`): a field is missing, misspelt or of the wrong type.',
  'duplicate-node-id':
    'Two nodes share an id. Node ids are how connections and `$node.<id>` expressions refer to nodes, so they must be unique.',
  'unknown-node': 'A connection names a node id that does not exist in `nodes`.',
  cycle: 'The connections form a loop. Workflows run top-down once, so a node cannot (indirectly) feed itself.',
  'unknown-credential':
    'The node references a credential id that neither this machine (SecretStorage) nor the connected server knows. Add it with "Flero: Add Credential" or pick an existing id.',
  'credential-host-mismatch':
    'The node sends the credential to a host outside the credential’s allowed hosts. Flero never injects a credential there; the run would refuse.',
  'hardcoded-secret':
    // biome-ignore lint/suspicious/noTemplateCurlyInString: `${VAR}` is a placeholder written out for the reader.
    'A secret is written into the file: a Flero key with a valid checksum, a well-known token format (GitHub, GitLab, Stripe, Slack, OpenAI, Anthropic, AWS, Google, SendGrid, Twilio, npm, Airtable, Notion, JWT, PEM private keys), a literal Bearer/Basic/Token value, a password in a URL, a key in a query parameter, or a high-entropy value under a key-like name. Anyone who can read the file can use it. Move it into a credential: the quick fix stores it in SecretStorage and references it by id. Placeholders (YOUR_KEY, <token>, ${VAR}, xxxx) are never errors; a token whose checksum does not match is only a hint.',
  'insecure-transport':
    'A credential would travel over plain http to a host that is not this machine: anyone on the network path could read it. Use https.',
  'code-syntax': 'The Code node’s JavaScript does not parse.',
  'log-leak':
    'The Code node logs a secret-bearing value (an Authorization/API-key header, a cookie, a token or something derived from one). Logs are stored with executions and shown to people: log something harmless instead (a status code, a length).',
};
