import type { JSONWebKeySet } from 'jose';

/** How this server verifies the bearer tokens its callers present (it is an OAuth 2.1 resource server). */
export interface CallerAuthOptions {
  /** The exact `iss` to accept. */
  issuer: string;
  /** This server's resource URL, e.g. `https://mcp.example.com/mcp`; the token's `aud` must contain it. */
  audience: string;
  /** The issuer's JWKS URL, fetched and cached by jose (refetched on an unknown `kid`, with a cooldown). */
  jwksUrl?: string;
  /** Or one public key, as PEM (SPKI, PKCS#1 or an X.509 certificate) or JWK JSON, for issuers without a JWKS. */
  publicKey?: string;
  /** Or a JWKS held in memory (no network): for tests and air-gapped setups. */
  jwks?: JSONWebKeySet;
  /** Asymmetric signature algorithms to accept, e.g. `['RS256', 'ES256']`. HMAC and `none` are refused. */
  algorithms: string[];
  /** Leeway for `exp`, `nbf` and `iat`; 30 by default. */
  clockToleranceSeconds?: number;
  /** Scopes every token must carry (in `scope` or `scp`); a token without them gets 403 insufficient_scope. */
  requiredScopes?: string[];
}

/** Every algorithm a caller's issuer may sign with: asymmetric signatures only. */
export const SUPPORTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** A key source, already checked: exactly one of the three. */
export type KeySourceOptions =
  | { kind: 'remote'; url: URL }
  | { kind: 'public-key'; publicKey: string }
  | { kind: 'local'; jwks: JSONWebKeySet };

/** Options after validation, with defaults filled in. */
export interface ResolvedCallerAuthOptions {
  issuer: string;
  audience: string;
  keys: KeySourceOptions;
  algorithms: string[];
  clockToleranceSeconds: number;
  requiredScopes: string[];
}

const MAX_CLOCK_TOLERANCE_SECONDS = 300;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function fail(message: string): never {
  throw new Error(`caller auth: ${message}`);
}

function checkAlgorithm(alg: unknown): string {
  if (typeof alg !== 'string' || !alg) fail('algorithms must be non-empty strings');
  if (/^HS\d+$/i.test(alg)) {
    fail(
      `${alg} is refused: a shared HMAC secret lets anyone holding it mint tokens, and opens HMAC/RSA key confusion`,
    );
  }
  if (alg.toLowerCase() === 'none') fail('alg none is refused: unsigned tokens prove nothing');
  if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
    fail(`unsupported algorithm ${alg}; use some of ${SUPPORTED_ALGORITHMS.join(', ')}`);
  }
  return alg;
}

function checkJwksUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail('jwksUrl is not a URL');
  }
  // Keys fetched in clear text could be swapped in transit; plain HTTP is only for a local issuer.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    fail('jwksUrl must use https (plain http only on localhost)');
  }
  return url;
}

function keySource(options: CallerAuthOptions): KeySourceOptions {
  const given = [options.jwksUrl, options.publicKey, options.jwks].filter((v) => v !== undefined);
  if (given.length !== 1) fail('give exactly one of jwksUrl, publicKey or jwks');
  if (options.jwksUrl !== undefined) return { kind: 'remote', url: checkJwksUrl(options.jwksUrl) };
  if (options.publicKey !== undefined) {
    if (!options.publicKey.trim()) fail('publicKey is empty');
    return { kind: 'public-key', publicKey: options.publicKey };
  }
  return { kind: 'local', jwks: options.jwks as JSONWebKeySet };
}

/** Checks caller-auth options and fills in defaults; throws an Error naming the first problem. */
export function resolveCallerAuthOptions(options: CallerAuthOptions): ResolvedCallerAuthOptions {
  if (typeof options.issuer !== 'string' || !options.issuer) fail('issuer is required');
  if (typeof options.audience !== 'string' || !options.audience) fail('audience is required');
  if (!Array.isArray(options.algorithms) || options.algorithms.length === 0) {
    fail('algorithms must list at least one algorithm');
  }
  const algorithms = [...new Set(options.algorithms.map(checkAlgorithm))];
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 30;
  if (
    !Number.isFinite(clockToleranceSeconds) ||
    clockToleranceSeconds < 0 ||
    clockToleranceSeconds > MAX_CLOCK_TOLERANCE_SECONDS
  ) {
    fail(`clockToleranceSeconds must be between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  const requiredScopes = options.requiredScopes ?? [];
  for (const scope of requiredScopes) {
    if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
      fail('requiredScopes must be scope tokens (printable ASCII, no spaces, quotes or backslashes)');
    }
  }
  return {
    issuer: options.issuer,
    audience: options.audience,
    keys: keySource(options),
    algorithms,
    clockToleranceSeconds,
    requiredScopes: [...requiredScopes],
  };
}
