import { errors, type JWTHeaderParameters, type JWTPayload, jwtVerify } from 'jose';
import {
  CallerKeysUnavailableError,
  InsufficientCallerScopeError,
  InvalidCallerTokenError,
} from './errors.js';
import { keyResolver } from './keys.js';
import { type CallerAuthOptions, resolveCallerAuthOptions } from './options.js';

/** Who is calling, as proven by a verified bearer token. */
export interface VerifiedCaller {
  /** Stable per user and never equal across issuers: `JSON.stringify([issuer, subject])`. */
  userKey: string;
  issuer: string;
  subject: string;
  /** When the token expires, in epoch seconds. */
  expiresAt: number;
  /** From `scope` (space-separated) or `scp` (array or string). */
  scopes: string[];
  /** The OAuth client the token was issued to (`client_id` or `azp`), when the token names one. */
  clientId?: string;
  /** Display claims, when the token carries them as strings; for greetings and logs, never for identity. */
  claims: { name?: string; email?: string; preferred_username?: string };
  /** Whether the token says its issuer verified `email` (`email_verified: true`, and nothing else counts). */
  emailVerified: boolean;
}

export interface CallerVerifier {
  /**
   * Verifies a bearer token (without the `Bearer ` prefix). Throws {@link InvalidCallerTokenError} (401) or
   * {@link InsufficientCallerScopeError} (403) for a bad token, {@link CallerKeysUnavailableError} (503) when the
   * issuer's keys cannot be fetched.
   */
  verify(token: string): Promise<VerifiedCaller>;
}

/** Longest token read at all; real access tokens are well under 2 KB. */
export const MAX_CALLER_TOKEN_LENGTH = 8192;

// Compact JWS: three base64url parts, the signature never empty (an empty one is how `alg: none` looks).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

// RFC 9068 says `at+jwt`; many issuers send `JWT` or nothing. Anything else (an ID token's `id_token+jwt`, a
// logout token, a DPoP proof) is some other kind of JWT that must not pass as an access token.
const ACCEPTED_TYP = new Set(['application/at+jwt', 'application/jwt']);

const invalid = (reason: string) => new InvalidCallerTokenError(reason);

function claimReason(error: errors.JWTClaimValidationFailed): string {
  const missing = error.reason === 'missing';
  switch (error.claim) {
    case 'iss':
      return missing ? 'token has no issuer' : 'unexpected issuer';
    case 'aud':
      return missing ? 'token has no audience' : 'token is not meant for this server';
    case 'exp':
      return missing ? 'token has no expiry' : 'invalid expiry';
    case 'sub':
      return 'token has no subject';
    case 'nbf':
      return error.reason === 'invalid' ? 'invalid not-before' : 'token not yet valid';
    case 'iat':
      return 'invalid issued-at';
    default:
      return 'invalid token claims';
  }
}

/** Turns whatever jose threw into a short, quote-free reason that says nothing about the token's content. */
function translate(error: unknown): Error {
  if (error instanceof InvalidCallerTokenError || error instanceof CallerKeysUnavailableError) return error;
  if (error instanceof errors.JWTExpired) return invalid('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) return invalid(claimReason(error));
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid('signing algorithm not allowed');
  // An algorithm or key type jose cannot use, or a `crit` header naming an extension nobody here understands.
  if (error instanceof errors.JOSENotSupported)
    return invalid('token needs an unsupported algorithm or extension');
  if (error instanceof errors.JWKSNoMatchingKey) return invalid('unknown signing key');
  if (error instanceof errors.JWKSMultipleMatchingKeys)
    return invalid('token names no key id and several keys fit');
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('bad signature');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return invalid('malformed token');
  // Fail closed: an error we did not foresee still means the token is not accepted.
  return new InvalidCallerTokenError('token could not be verified', { cause: error });
}

function readScopes(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  const list = typeof raw === 'string' ? raw.split(' ') : Array.isArray(raw) ? raw : [];
  return [...new Set(list.filter((s): s is string => typeof s === 'string' && s.length > 0))];
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function checkTyp(header: JWTHeaderParameters): void {
  const raw: unknown = header.typ;
  if (raw === undefined) return;
  if (typeof raw !== 'string') throw invalid('not an access token');
  const typ = raw.toLowerCase();
  if (!ACCEPTED_TYP.has(typ.includes('/') ? typ : `application/${typ}`)) throw invalid('not an access token');
}

/** Builds a verifier for the caller's bearer tokens; throws an Error at once if the options are unsafe or wrong. */
export function createCallerVerifier(options: CallerAuthOptions): CallerVerifier {
  const config = resolveCallerAuthOptions(options);
  const keys = keyResolver(config.keys, config.algorithms);
  const tolerance = config.clockToleranceSeconds;

  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0) throw invalid('missing token');
      if (token.length > MAX_CALLER_TOKEN_LENGTH) throw invalid('token too large');
      if (!COMPACT_JWS.test(token)) throw invalid('malformed token');
      let payload: JWTPayload;
      let header: JWTHeaderParameters;
      try {
        ({ payload, protectedHeader: header } = await jwtVerify(token, keys, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: config.algorithms,
          clockTolerance: tolerance,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (error) {
        throw translate(error);
      }
      checkTyp(header);
      const subject = stringClaim(payload, 'sub');
      if (!subject) throw invalid('token has no subject');
      // jose checks `iat` only when given a maximum age; a token issued in the future is still not one to trust.
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + tolerance) {
        throw invalid('token issued in the future');
      }
      const scopes = readScopes(payload);
      const missing = config.requiredScopes.filter((s) => !scopes.includes(s));
      if (missing.length) throw new InsufficientCallerScopeError(config.requiredScopes);
      const claims: VerifiedCaller['claims'] = {};
      for (const name of ['name', 'email', 'preferred_username'] as const) {
        const value = stringClaim(payload, name);
        if (value !== undefined) claims[name] = value;
      }
      const clientId = stringClaim(payload, 'client_id') ?? stringClaim(payload, 'azp');
      return {
        userKey: JSON.stringify([config.issuer, subject]),
        issuer: config.issuer,
        subject,
        expiresAt: payload.exp as number,
        scopes,
        ...(clientId === undefined ? {} : { clientId }),
        claims,
        emailVerified: payload.email_verified === true && claims.email !== undefined,
      };
    },
  };
}
