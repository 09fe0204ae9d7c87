// The credential id and host patterns, without zod, so that small bundles (the VS Code extension) can validate
// credential metadata without carrying the schema library. credentials.ts re-exports them.

export const CREDENTIAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** A host name (no scheme, no path), optionally with :port; `*.example.com` allows sub-domains. */
export const HOST_PATTERN =
  /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/;
