import ky, { HTTPError, type KyInstance } from 'ky';
import type { KindedError } from '../../error-kind.js';

/** An Atlassian site a connection reaches, as `accessible-resources` lists it. */
export interface AtlassianSite {
  cloudId: string;
  name: string;
  url: string;
  scopes: string[];
}

/** Tokens from Atlassian's token endpoint; `expiresAt` is epoch milliseconds. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | undefined;
  expiresAt: number;
  scopes: string[];
}

/** The refresh token (or code) is dead: rotated away, revoked, expired. Only a new consent helps. */
export class InvalidGrantError extends Error {
  override readonly name = 'InvalidGrantError';
}

/** Atlassian refused this app's client credentials: an operator problem, not the user's. */
export class ClientCredentialsError extends Error implements KindedError {
  override readonly name = 'ClientCredentialsError';
  readonly kind = 'misconfigured';
  readonly service = 'atlassian-oauth';
}

/** Atlassian's OAuth server could not be reached or failed; the grant may still be good. */
export class OAuthUnavailableError extends Error implements KindedError {
  override readonly name = 'OAuthUnavailableError';
  readonly kind = 'unavailable';
  readonly service = 'atlassian-oauth';
}

export interface AtlassianOAuthOptions {
  authBaseUrl: string;
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: readonly string[];
  timeoutMs: number;
  userAgent: string;
  fetch?: typeof fetch;
  /** Clock for expiry times; tests move it. */
  now?: () => number;
}

interface TokenResponse {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  scope?: unknown;
}

/** Atlassian's OAuth 2.0 (3LO) endpoints: the authorize URL, code exchange, refresh, accessible resources. */
export class AtlassianOAuth {
  readonly #options: AtlassianOAuthOptions;
  readonly #http: KyInstance;
  readonly #now: () => number;

  constructor(options: AtlassianOAuthOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#http = ky.create({
      timeout: options.timeoutMs,
      retry: 0,
      // No Accept here: ky's .json(), which every call uses, asks for JSON itself.
      headers: { 'user-agent': options.userAgent },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** Where to send the browser for consent; `state` comes back to the callback untouched. */
  authorizeUrl(state: string): string {
    const url = new URL('/authorize', this.#options.authBaseUrl);
    url.search = new URLSearchParams({
      audience: 'api.atlassian.com',
      client_id: this.#options.clientId,
      scope: this.#options.scopes.join(' '),
      redirect_uri: this.#options.redirectUri,
      state,
      response_type: 'code',
      prompt: 'consent',
    }).toString();
    return url.toString();
  }

  exchangeCode(code: string, signal?: AbortSignal): Promise<TokenSet> {
    return this.#token(
      { grant_type: 'authorization_code', code, redirect_uri: this.#options.redirectUri },
      undefined,
      signal,
    );
  }

  /** Trades a refresh token for new tokens. Atlassian rotates: the old refresh token stops working. */
  refresh(refreshToken: string, signal?: AbortSignal): Promise<TokenSet> {
    return this.#token({ grant_type: 'refresh_token', refresh_token: refreshToken }, refreshToken, signal);
  }

  async accessibleResources(accessToken: string, signal?: AbortSignal): Promise<AtlassianSite[]> {
    const url = new URL('/oauth/token/accessible-resources', this.#options.apiBaseUrl);
    let body: unknown;
    try {
      body = await this.#http
        .get(url, { headers: { authorization: `Bearer ${accessToken}` }, signal })
        .json();
    } catch (error) {
      throw await this.#failure(error, signal);
    }
    if (!Array.isArray(body))
      throw new OAuthUnavailableError('accessible-resources answered something other than a list');
    return body.flatMap((r: Record<string, unknown>) =>
      typeof r.id === 'string'
        ? [
            {
              cloudId: r.id,
              name: String(r.name ?? r.id),
              url: String(r.url ?? ''),
              scopes: Array.isArray(r.scopes) ? r.scopes.map(String) : [],
            },
          ]
        : [],
    );
  }

  async #token(grant: Record<string, string>, previousRefresh: string | undefined, signal?: AbortSignal) {
    let body: TokenResponse;
    try {
      body = await this.#http
        .post(new URL('/oauth/token', this.#options.authBaseUrl), {
          json: { ...grant, client_id: this.#options.clientId, client_secret: this.#options.clientSecret },
          signal,
        })
        .json<TokenResponse>();
    } catch (error) {
      throw await this.#failure(error, signal);
    }
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new OAuthUnavailableError('the token endpoint answered without an access token');
    }
    return {
      accessToken: body.access_token,
      // Without offline_access there is no refresh token; a refresh that returns none keeps the one it used.
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : previousRefresh,
      expiresAt: this.#now() + body.expires_in * 1000,
      scopes:
        typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [...this.#options.scopes],
    };
  }

  async #failure(error: unknown, signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) return signal.reason ?? error;
    if (error instanceof HTTPError) {
      const body = (await error.response.json().catch(() => ({}))) as { error?: string };
      if (body.error === 'invalid_grant')
        return new InvalidGrantError('Atlassian no longer accepts this grant');
      if (error.response.status === 401)
        return new ClientCredentialsError('Atlassian refused the app credentials');
      return new OAuthUnavailableError(`Atlassian's OAuth server answered ${error.response.status}`);
    }
    return new OAuthUnavailableError(
      `Atlassian's OAuth server could not be reached: ${(error as Error).message}`,
    );
  }
}
