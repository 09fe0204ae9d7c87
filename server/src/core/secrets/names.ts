// Names that carry credentials: header names, identifiers, properties, query parameters, .env variables. Normalised
// (lower case, no `-`/`_`). Used by the secret rules (a value under such a name) and by the log-leak analysis.

const EXACT = new Set([
  'authorization',
  'proxyauthorization',
  'xapikey',
  'apikey',
  'xapitoken',
  'apitoken',
  'cookie',
  'setcookie',
  'xauthtoken',
  'xaccesstoken',
  'xamzsecuritytoken',
  'xcsrftoken',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'bearertoken',
  'sessiontoken',
  'secret',
  'clientsecret',
  'apisecret',
  'secretkey',
  'accesskey',
  'secretaccesskey',
  'privatekey',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'auth',
  'bearer',
  'credentials',
]);

// `accesskey`: AWS_SECRET_ACCESS_KEY, aws_secret_access_key, secretAccessKey, MINIO_ACCESS_KEY (the key id is
// `…accesskeyid`, not matched: an identifier, found by its own format when it is one).
const SUFFIXES = [
  'token',
  'apikey',
  'secret',
  'password',
  'secretkey',
  'accesskey',
  'privatekey',
  'authorization',
  'cookie',
];

const normalised = new Map<string, string>();

export function normaliseName(name: string): string {
  let n = normalised.get(name);
  if (n === undefined) {
    n = name.toLowerCase().replace(/[-_]/g, '');
    if (normalised.size > 10_000) normalised.clear();
    normalised.set(name, n);
  }
  return n;
}

/** A header or identifier whose value is a credential (Authorization, X-API-Key, Cookie, token, apiKey, …). */
export function isSecretName(name: string): boolean {
  const n = normaliseName(name);
  if (EXACT.has(n)) return true;
  return SUFFIXES.some((s) => n.endsWith(s) && n.length > s.length);
}

/** Headers whose value carries a credential (a subset of secret names, for HTTP node headers). */
export function isCredentialHeader(name: string): boolean {
  const n = normaliseName(name);
  return (
    n === 'authorization' ||
    n === 'proxyauthorization' ||
    n === 'cookie' ||
    n.endsWith('apikey') ||
    n.endsWith('token') ||
    n.endsWith('secret') ||
    n.endsWith('apitoken')
  );
}

/** Query parameters that carry keys (`?api_key=…`, `?token=…`). */
export function isSecretQueryParam(name: string): boolean {
  const n = normaliseName(name);
  return isSecretName(name) || n === 'key' || n === 'sig' || n === 'signature' || n === 'accesskey';
}

export const AUTH_SCHEME = /^(bearer|basic|token|digest)\s+/i;
