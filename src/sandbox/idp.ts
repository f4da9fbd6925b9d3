import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { HttpError, type Reply } from './http.js';
import { IdpLogin } from './idp-login.js';

/** A bearer token for this MCP server, as the caller's identity provider would issue it. */
export interface CallerTokenRequest {
  subject: string;
  /** The MCP server's resource URL, e.g. `http://localhost:3000/mcp`. */
  audience: string;
  /** 3600 by default; zero or less mints a token that has already expired. */
  expiresInSeconds?: number;
  name?: string;
  email?: string;
  /** Sets `email_verified`: whether the provider vouches for `email`. */
  emailVerified?: boolean;
  scopes?: readonly string[];
}

/** Where a resource server finds the sandbox identity provider. */
export interface SandboxIdpInfo {
  /** `{sandbox.url}/idp`, the `iss` of every token it mints. */
  readonly issuer: string;
  /** `{sandbox.url}/idp/jwks.json`. */
  readonly jwksUrl: string;
}

/** The caller's identity provider inside the sandbox: one RS256 key, its JWKS, discovery, and minting. */
export interface SandboxIdp {
  readonly info: SandboxIdpInfo;
  mint(request: CallerTokenRequest): Promise<string>;
  /** Answers `GET /idp/jwks.json` and `GET /idp/.well-known/openid-configuration`; undefined for anything else. */
  route(method: string, pathname: string): Reply | undefined;
  /** OpenID Connect sign-in for browsers: `/idp/authorize` and `/idp/token`, with its clients and auto-login. */
  readonly login: IdpLogin;
  /** The admin endpoint: mints from a JSON body with the fields of {@link CallerTokenRequest}. */
  mintReply(input: unknown): Promise<Reply>;
  /** The signing key, for a sandbox that keeps it across restarts so tokens it minted stay valid. */
  readonly privateJwk: JWK;
}

/** The OAuth client every minted token names, as a gateway would be. */
export const SANDBOX_IDP_CLIENT_ID = 'sandbox-gateway';

const badRequest = (message: string) => new HttpError(400, { error: 'invalid_request', message });

function requestFromJson(input: unknown): CallerTokenRequest {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const text = (name: string, required: boolean) => {
    const value = o[name];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || !value) throw badRequest(`${name} must be a non-empty string`);
    return value;
  };
  const seconds = o.expiresInSeconds;
  if (seconds !== undefined && (typeof seconds !== 'number' || !Number.isFinite(seconds))) {
    throw badRequest('expiresInSeconds must be a number');
  }
  const scopes = o.scopes;
  if (scopes !== undefined && (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string'))) {
    throw badRequest('scopes must be an array of strings');
  }
  if (o.emailVerified !== undefined && typeof o.emailVerified !== 'boolean') {
    throw badRequest('emailVerified must be a boolean');
  }
  const request: CallerTokenRequest = {
    subject: text('subject', true) as string,
    audience: text('audience', true) as string,
  };
  const name = text('name', false);
  const email = text('email', false);
  if (seconds !== undefined) request.expiresInSeconds = seconds;
  if (name !== undefined) request.name = name;
  if (email !== undefined) request.email = email;
  if (scopes !== undefined) request.scopes = scopes as string[];
  if (o.emailVerified !== undefined) request.emailVerified = o.emailVerified as boolean;
  return request;
}

/**
 * Creates the identity provider with `savedKey`, else a fresh key pair. `origin` is read on each use, since the
 * sandbox knows its port only once it listens. Times come from the real clock, not the sandbox's: the MCP server
 * verifying these tokens runs on the real clock too.
 */
export async function createSandboxIdp(origin: () => string, savedKey?: JWK): Promise<SandboxIdp> {
  const privateKey = savedKey
    ? await importJWK(savedKey, 'RS256')
    : (await generateKeyPair('RS256', { extractable: true })).privateKey;
  const privateJwk = savedKey ?? (await exportJWK(privateKey));
  const jwk: JWK = { kty: privateJwk.kty, n: privateJwk.n, e: privateJwk.e };
  const kid = await calculateJwkThumbprint(jwk);
  const jwks = { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] };
  const info: SandboxIdpInfo = {
    get issuer() {
      return `${origin()}/idp`;
    },
    get jwksUrl() {
      return `${origin()}/idp/jwks.json`;
    },
  };

  const login = new IdpLogin({
    signIdToken: async ({ sub, aud, nonce, name, lifetimeSeconds }) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ name, auth_time: now, ...(nonce !== undefined ? { nonce } : {}) })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(info.issuer)
        .setSubject(sub)
        .setAudience(aud)
        .setIssuedAt(now)
        .setExpirationTime(now + lifetimeSeconds)
        .sign(privateKey);
    },
  });

  async function mint(request: CallerTokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { client_id: SANDBOX_IDP_CLIENT_ID };
    if (request.scopes?.length) claims.scope = request.scopes.join(' ');
    if (request.name !== undefined) claims.name = request.name;
    if (request.email !== undefined) claims.email = request.email;
    if (request.emailVerified !== undefined) claims.email_verified = request.emailVerified;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
      .setIssuer(info.issuer)
      .setSubject(request.subject)
      .setAudience(request.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (request.expiresInSeconds ?? 3600))
      .setJti(randomUUID())
      .sign(privateKey);
  }

  return {
    info,
    mint,
    login,
    privateJwk,
    route(method, pathname) {
      if (method !== 'GET' && method !== 'HEAD') return undefined;
      if (pathname === '/idp/jwks.json') {
        return { status: 200, body: jwks, headers: { 'cache-control': 'public, max-age=300' } };
      }
      if (pathname === '/idp/.well-known/openid-configuration') {
        return {
          status: 200,
          body: {
            issuer: info.issuer,
            authorization_endpoint: `${info.issuer}/authorize`,
            token_endpoint: `${info.issuer}/token`,
            jwks_uri: info.jwksUrl,
            response_types_supported: ['code'],
            grant_types_supported: ['authorization_code'],
            code_challenge_methods_supported: ['S256'],
            scopes_supported: ['openid', 'profile'],
            token_endpoint_auth_methods_supported: ['none', 'client_secret_post'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256'],
          },
        };
      }
      return undefined;
    },
    async mintReply(input) {
      const request = requestFromJson(input);
      const accessToken = await mint(request);
      return {
        status: 200,
        body: {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: request.expiresInSeconds ?? 3600,
        },
        headers: { 'cache-control': 'no-store' },
      };
    },
  };
}
