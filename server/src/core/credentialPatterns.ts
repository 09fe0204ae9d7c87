// The credential id and host patterns, without zod, so that small bundles (the VS Code extension) can validate
// credential metadata without carrying the schema library. credentials.ts re-exports them.

export const CREDENTIAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/**
 * A host name (no path), optionally with :port; `*.example.com` allows sub-domains. It may carry its scheme
 * (`http://127.0.0.1:8080`, `https://api.example.com`): then it admits only that scheme (and host and port); a bare
 * host admits either scheme, and a test call to it uses https.
 */
export const HOST_PATTERN =
  /^([Hh][Tt][Tt][Pp][Ss]?:\/\/)?(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/;
