// The credentials part of the HTTP API's request and response schemas (apiSchemas.ts re-exports them, so callers
// import from one place). Messages never repeat a value.
import { z } from 'zod';
import { CREDENTIAL_ID_PATTERN, HOST_PATTERN } from './credentialPatterns';
import { MIN_SECRET_LENGTH } from './mask';
import { OAuth2ConfigSchema, OAuth2ViewSchema } from './oauth2';

const isoDate = z.string().describe('ISO 8601 date-time');
export const MAX_CREDENTIAL_VALUE = 8192;
const credentialHeader = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name is a token (letters, digits, - and a few symbols)')
      .describe('The header name, e.g. `X-Api-Key`'),
    prefix: z
      .string()
      .max(64)
      .regex(/^[\x20-\x7e]*$/, 'the prefix is printable ASCII')
      .describe('Text before the value, e.g. `Token ` (empty: the value alone)'),
  })
  .describe('authType `apiKey`: send the value in this header (default: the service’s)');
const credentialQuery = z
  .strictObject({
    param: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9_.~-]+$/, 'a query parameter name: letters, digits, _ . ~ -')
      .describe('The query parameter name, e.g. `api_key`'),
  })
  .describe('authType `apiKey`: send the value as this query parameter instead of a header');
const credentialHosts = z
  .array(z.string().regex(HOST_PATTERN, 'a host name, optionally with http:// or https://, :port or *.domain'))
  .min(1)
  .max(50)
  .describe('The hosts the value may be sent to (default: the service’s); required for the `custom` service');
export const CredentialValueSchema = z
  .string()
  .min(MIN_SECRET_LENGTH, `the value must be at least ${MIN_SECRET_LENGTH} characters`)
  .max(MAX_CREDENTIAL_VALUE, `the value must be at most ${MAX_CREDENTIAL_VALUE} characters`)
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'the value must not contain control characters or line breaks')
  .refine((v) => v.trim() === v, 'the value has leading or trailing whitespace');

const credentialBasic = z
  .strictObject({
    username: z
      .string()
      .max(200)
      .refine((u) => !/[\u0000-\u001f\u007f:]/.test(u), 'the username must not contain `:` or control characters')
      .describe('Sent as `username:<value>` (RFC 7617); not a secret'),
  })
  .describe(
    'authType `basic`: the username; the value is the password (`Authorization: Basic base64(username:password)`)',
  );

export const CREDENTIAL_AUTH_TYPES = ['apiKey', 'bearer', 'basic', 'oauth2'] as const;

const authTypeEnum = z
  .enum(CREDENTIAL_AUTH_TYPES)
  .describe('How the value is sent: `apiKey` (a header or query parameter), `bearer`, `basic` or `oauth2`');

export const CreateCredentialSchema = z.strictObject({
  id: z
    .string()
    .regex(CREDENTIAL_ID_PATTERN, 'ids: letters, digits, _ . - (max 128)')
    .optional()
    .describe('The id workflows name it by (`"credential": "<id>"`); default: a generated `cred_…` id'),
  name: z.string().trim().min(1).max(200).describe('A name for people, e.g. `GitHub (CI bot)`'),
  service: z.string().min(1).max(64).describe('A service id of `GET /api/services`, e.g. `github`, or `custom`'),
  authType: authTypeEnum,
  value: CredentialValueSchema.optional().describe(
    'The secret (for `basic`: the password; for `oauth2`: the client secret, optional for a public client using PKCE)',
  ),
  header: credentialHeader.optional(),
  query: credentialQuery.optional(),
  hosts: credentialHosts.optional(),
  basic: credentialBasic.optional(),
  oauth2: OAuth2ConfigSchema.optional().describe('For `authType: "oauth2"`: how the server gets access tokens'),
});

const cannotChange = z.unknown().optional().describe('Cannot change (400 `validation_failed` when given)');

export const UpdateCredentialSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional().describe('A new name'),
  value: CredentialValueSchema.optional().describe('A new value: rotation (atomic; runs in flight keep the old value)'),
  header: credentialHeader.nullable().optional().describe('A new header placement (null: the service’s default)'),
  query: credentialQuery.nullable().optional().describe('A new query placement (null: none)'),
  hosts: credentialHosts.nullable().optional().describe('null = the service’s hosts'),
  oauth2: OAuth2ConfigSchema.optional().describe('oauth2 only: the whole new configuration (tokens are dropped)'),
  basic: credentialBasic.optional(),
  force: z
    .boolean()
    .optional()
    .describe(
      'With `value`: rotate even when the service’s test call does not accept the new value (else 409 `rotation_test_failed`, nothing changed). Never overrides `value_unchanged` / `value_reused`',
    ),
  service: cannotChange,
  authType: cannotChange,
  id: cannotChange,
});

export const CredentialViewSchema = z.object({
  id: z.string().describe('The id workflows name it by'),
  name: z.string().describe('A name for people'),
  service: z.string().describe('The service id'),
  authType: authTypeEnum,
  header: credentialHeader.optional(),
  query: credentialQuery.optional(),
  hosts: z.array(z.string()).optional().describe('The hosts the value may be sent to (absent: the service’s)'),
  basic: z
    .object({ username: z.string().describe('The username') })
    .optional()
    .describe('authType `basic`: the username (not a secret)'),
  oauth2: OAuth2ViewSchema.optional().describe('oauth2 only: the configuration and the token state (never a token)'),
  last4: z.string().nullable().describe('Last 4 characters of values of 12+ characters; never the value'),
  version: z.number().int().describe('1 on create, +1 on each rotation'),
  createdAt: isoDate.describe('When it was created'),
  updatedAt: isoDate.describe('When it was last changed'),
  rotatedAt: isoDate.nullable().describe('When the value was last rotated, or null'),
  rollbackUntil: isoDate
    .nullable()
    .describe(
      'Until when `POST /api/credentials/{id}/rollback` can restore the value before the last rotation (24 h after it); null: nothing to roll back',
    ),
});

export const CredentialTestResultSchema = z.object({
  ok: z.boolean().describe('Whether the service accepted the credential'),
  status: z.number().int().describe('The HTTP status of the service’s test call (0: no answer)'),
  detail: z.string().describe('What happened, in words (never the value)'),
});
