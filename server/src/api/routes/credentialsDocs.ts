// The credentials routes' descriptions and examples for the OpenAPI document (credentials.ts is long enough as it
// is): `documented` adds them to the route definitions by operationId.
import type { ApiModule, OperationExamples } from '../context';
import * as EX from '../openapiExamples';

const DOCS: Record<string, { description: string; examples: OperationExamples }> = {
  listCredentials: {
    description:
      'Every credential’s metadata: service, auth type, where the value is sent, `last4` and the rotation state — never a value.',
    examples: { response: [EX.CREDENTIAL] },
  },
  createCredential: {
    description:
      'Stores an external service’s key, token, password or OAuth2 client, sealed (AES-256-GCM) under the server’s master key. Workflow nodes name it by `id` (`"credential": "github-ci"`); the value never leaves the server except to the credential’s hosts.',
    examples: { request: EX.CREATE_CREDENTIAL, response: EX.CREDENTIAL },
  },
  getCredential: {
    description: 'One credential’s metadata (never the value).',
    examples: { id: EX.CREDENTIAL.id, response: EX.CREDENTIAL },
  },
  updateCredential: {
    description:
      'Renames, re-places or rotates a credential. With `value` it is a rotation: the service’s test call must accept the new value first (unless `force`), it must differ from the last values, and for 24 h `POST …/rollback` can restore the previous one. Changing where a value is sent (hosts, header, query) needs the value in the same request.',
    examples: { id: EX.CREDENTIAL.id, request: EX.ROTATE_CREDENTIAL, response: EX.ROTATED_CREDENTIAL },
  },
  deleteCredential: {
    description: 'Deletes the credential and its sealed value; runs that name it fail with a clear error.',
    examples: { id: EX.CREDENTIAL.id },
  },
  rollbackCredential: {
    description:
      'Restores the value the credential had before its last rotation, once, within 24 h of it; the replaced value is destroyed.',
    examples: { id: EX.CREDENTIAL.id, response: EX.ROLLED_BACK_CREDENTIAL },
  },
  testCredential: {
    description:
      'Calls the service’s no-op endpoint (e.g. GitHub’s `GET /user`) with the credential and says whether it was accepted. For oauth2, gets a token.',
    examples: { id: EX.CREDENTIAL.id, response: EX.CREDENTIAL_TEST },
  },
};

/** The route definitions with their descriptions and examples. */
export function documented(routes: ApiModule['routes']): ApiModule['routes'] {
  for (const [id, def] of Object.entries(routes)) Object.assign(def, DOCS[id]);
  return routes;
}
