import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import ky, { HTTPError, type KyInstance } from 'ky';
import { sameSecret, sha256 } from './flow-secrets.js';

/** The PKCE S256 challenge (RFC 7636) for a verifier: BASE64URL(SHA-256(verifier)). */
export const pkceChallenge = (verifier: string): string => sha256(verifier);

export interface OidcLoginOptions {
  /** The exact `iss` of ID tokens; discovery is read from `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** Sent as `client_secret` (client_secret_post) when set; a public client with PKCE otherwise. */
  clientSecret?: string;
  /** `{publicUrl}/connect/login-callback`. */
  redirectUri: string;
  scopes: readonly string[];
  /** Each one set here wins over discovery; with all three set, discovery is never fetched. */
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  jwksUrl?: string;
  /** Asymmetric signature algorithms accepted on ID tokens. */
  algorithms: readonly string[];
  clockToleranceSeconds?: number;
  timeoutMs: number;
  userAgent: string;
  fetch?: typeof fetch;
}

export interface OidcEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
}

/** Who signed in, from a verified ID token. */
export interface BrowserIdentity {
  issuer: string;
  subject: string;
  /** How to name them on a page: name, email, username or subject. Never used for identity. */
  label: string;
}

/** The identity provider could not be reached, or answered something unusable. */
export class LoginUnavailableError extends Error {
  override readonly name = 'LoginUnavailableError';
}

/** The identity provider refused the authorization code (used already, expired, wrong verifier). */
export class LoginCodeRejectedError extends Error {
  override readonly name = 'LoginCodeRejectedError';
}

/** The ID token failed verification; the message is short and says nothing of the token's content. */
export class IdTokenError extends Error {
  override readonly name = 'IdTokenError';
}

const SYMMETRIC_OR_NONE = /^(HS|none$)/i;

function idTokenReason(error: unknown): string {
  if (error instanceof IdTokenError) return error.message;
  if (error instanceof errors.JWTExpired) return 'ID token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `ID token claim ${error.claim} is not valid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'ID token signing algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'ID token signature is not valid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'ID token signed with an unknown key';
  return 'ID token could not be verified';
}

const claim = (payload: Record<string, unknown>, name: string) => {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

/**
 * An OpenID Connect relying party for one thing: learning who is in the browser. Authorization code flow with
 * PKCE S256 and a nonce; endpoints from configuration or discovery (fetched once, retried after a failure).
 */
export class OidcLoginClient {
  readonly #o: OidcLoginOptions;
  readonly #http: KyInstance;
  #endpoints: Promise<OidcEndpoints> | undefined;
  #jwks: { url: string; keys: JWTVerifyGetKey } | undefined;

  constructor(options: OidcLoginOptions) {
    if (!options.algorithms.length || options.algorithms.some((a) => SYMMETRIC_OR_NONE.test(a))) {
      throw new Error('browser login: ID tokens must be verified with asymmetric algorithms only');
    }
    this.#o = options;
    this.#http = ky.create({
      timeout: options.timeoutMs,
      retry: 0,
      // No Accept here: ky's .json(), which every call uses, asks for JSON itself.
      headers: { 'user-agent': options.userAgent },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** The provider's endpoints; throws {@link LoginUnavailableError} when discovery fails. */
  endpoints(): Promise<OidcEndpoints> {
    this.#endpoints ??= this.#discover().catch((error: unknown) => {
      this.#endpoints = undefined;
      throw error;
    });
    return this.#endpoints;
  }

  async #discover(): Promise<OidcEndpoints> {
    const { authorizationEndpoint, tokenEndpoint, jwksUrl, issuer } = this.#o;
    if (authorizationEndpoint && tokenEndpoint && jwksUrl)
      return { authorizationEndpoint, tokenEndpoint, jwksUrl };
    let doc: Record<string, unknown>;
    try {
      doc = await this.#http.get(`${issuer}/.well-known/openid-configuration`).json();
    } catch (error) {
      throw new LoginUnavailableError(`OpenID discovery failed: ${(error as Error).message}`);
    }
    // OpenID Connect Discovery 1.0 section 4.3: the document must name exactly the issuer it was fetched for.
    if (doc.issuer !== issuer) throw new LoginUnavailableError('OpenID discovery names another issuer');
    const pick = (configured: string | undefined, name: string) => {
      const value = configured ?? claim(doc, name);
      if (!value) throw new LoginUnavailableError(`OpenID discovery has no ${name}`);
      return value;
    };
    return {
      authorizationEndpoint: pick(authorizationEndpoint, 'authorization_endpoint'),
      tokenEndpoint: pick(tokenEndpoint, 'token_endpoint'),
      jwksUrl: pick(jwksUrl, 'jwks_uri'),
    };
  }

  /** The provider's sign-in page (its authorization endpoint). */
  async authorizationEndpoint(): Promise<string> {
    return (await this.endpoints()).authorizationEndpoint;
  }

  /** Where to send the browser to sign in. */
  async authorizeUrl(request: { state: string; nonce: string; codeChallenge: string }): Promise<string> {
    const url = new URL((await this.endpoints()).authorizationEndpoint);
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: this.#o.clientId,
      redirect_uri: this.#o.redirectUri,
      scope: this.#o.scopes.join(' '),
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    })) {
      url.searchParams.set(name, value);
    }
    return url.toString();
  }

  /** Trades an authorization code (and its PKCE verifier) for the ID token. */
  async exchangeCode(code: string, codeVerifier: string): Promise<string> {
    const { tokenEndpoint } = await this.endpoints();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.#o.redirectUri,
      client_id: this.#o.clientId,
      code_verifier: codeVerifier,
    });
    if (this.#o.clientSecret) form.set('client_secret', this.#o.clientSecret);
    let body: Record<string, unknown>;
    try {
      body = await this.#http.post(tokenEndpoint, { body: form }).json();
    } catch (error) {
      if (error instanceof HTTPError && error.response.status >= 400 && error.response.status < 500) {
        const reply = (await error.response.json().catch(() => ({}))) as { error?: unknown };
        throw new LoginCodeRejectedError(
          `the identity provider refused the code (${String(reply.error ?? error.response.status)})`,
        );
      }
      throw new LoginUnavailableError(`the token endpoint failed: ${(error as Error).message}`);
    }
    const idToken = claim(body, 'id_token');
    if (!idToken) throw new LoginUnavailableError('the token endpoint answered without an id_token');
    return idToken;
  }

  /** Verifies an ID token: signature (JWKS), issuer, audience, expiry, and the nonce of this sign-in. */
  async verifyIdToken(idToken: string, nonce: string): Promise<BrowserIdentity> {
    const keys = await this.#keys();
    try {
      const { payload } = await jwtVerify(idToken, keys, {
        issuer: this.#o.issuer,
        audience: this.#o.clientId,
        algorithms: [...this.#o.algorithms],
        clockTolerance: this.#o.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const tokenNonce = claim(payload, 'nonce');
      if (!tokenNonce || !sameSecret(tokenNonce, nonce))
        throw new IdTokenError('ID token nonce does not match');
      // OpenID Connect Core 3.1.3.7: with several audiences, the party it was issued to must be us.
      if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== this.#o.clientId) {
        throw new IdTokenError('ID token was issued to another client');
      }
      const subject = payload.sub as string;
      return {
        issuer: this.#o.issuer,
        subject,
        label:
          claim(payload, 'name') ??
          claim(payload, 'email') ??
          claim(payload, 'preferred_username') ??
          subject,
      };
    } catch (error) {
      throw new IdTokenError(idTokenReason(error));
    }
  }

  async #keys(): Promise<JWTVerifyGetKey> {
    const { jwksUrl } = await this.endpoints();
    if (this.#jwks?.url !== jwksUrl) {
      const options = this.#o.fetch ? { [customFetch]: this.#o.fetch } : {};
      this.#jwks = { url: jwksUrl, keys: createRemoteJWKSet(new URL(jwksUrl), options) };
    }
    return this.#jwks.keys;
  }
}
