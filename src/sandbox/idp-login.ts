import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type Reply, readBody } from './http.js';

/** The people listed on the sandbox sign-in page; any other subject can be typed in. */
export const SANDBOX_IDP_SUBJECTS: readonly { subject: string; name: string }[] = [
  { subject: 'alice', name: 'Alice Example' },
  { subject: 'bob', name: 'Bob Example' },
  { subject: 'carol', name: 'Carol Example' },
  { subject: 'mallory', name: 'Mallory Example' },
  { subject: 'victor', name: 'Victor Example' },
];

/** What the sign-in endpoints need from the identity provider: its signing key. */
export interface IdpLoginHost {
  signIdToken(claims: {
    sub: string;
    aud: string;
    nonce?: string;
    name: string;
    lifetimeSeconds: number;
  }): Promise<string>;
}

interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string;
  scope: string;
}

interface IssuedCode extends AuthorizationRequest {
  subject: string;
  expiresAt: number;
}

const TEN_MINUTES = 10 * 60_000;
const SUBJECT = /^[A-Za-z0-9._@-]{1,64}$/;

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(status: number, title: string, body: string): Reply {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}button{padding:.4rem .9rem;margin:.2rem}</style></head>
<body><h1>${esc(title)}</h1>${body}<p><small>Sandbox identity provider (a local fake for development and tests)</small></p></body></html>`;
  return { status, raw: { contentType: 'text/html; charset=utf-8', text: html } };
}

function redirect(uri: string, params: Record<string, string | undefined>): Reply {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store' } };
}

const tokenError = (status: number, error: string, description: string): Reply => ({
  status,
  body: { error, error_description: description },
  headers: { 'cache-control': 'no-store' },
});

const nameOf = (subject: string) =>
  SANDBOX_IDP_SUBJECTS.find((s) => s.subject === subject)?.name ??
  subject.charAt(0).toUpperCase() + subject.slice(1);

/**
 * The sandbox identity provider's OpenID Connect sign-in: `GET /idp/authorize` (a page to pick who signs in, or
 * at once as `autoLogin`), `POST /idp/authorize` (the pick), `POST /idp/token` (authorization_code with PKCE S256,
 * answering an ID token). Clients are public: any client id with registered redirect URIs. Codes work once, for
 * ten minutes.
 */
export class IdpLogin {
  /** Redirect URIs by client id; an authorization request must use one exactly. */
  readonly clients = new Map<string, Set<string>>();
  /** Sign in as this subject without showing the page, for tests. */
  autoLogin: string | undefined;
  readonly #host: IdpLoginHost;
  readonly #pending = new Map<string, AuthorizationRequest & { expiresAt: number }>();
  readonly #codes = new Map<string, IssuedCode>();

  constructor(host: IdpLoginHost) {
    this.#host = host;
  }

  registerClient(clientId: string, redirectUris: readonly string[]): void {
    const uris = this.clients.get(clientId) ?? new Set<string>();
    for (const uri of redirectUris) uris.add(uri);
    this.clients.set(clientId, uris);
  }

  /** Answers the sign-in endpoints; undefined for any other request. */
  async handle(req: IncomingMessage, url: URL): Promise<Reply | undefined> {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /idp/authorize') return this.#authorize(url.searchParams);
    if (route === 'POST /idp/authorize')
      return this.#decide(new URLSearchParams(await readBody(req, 16 * 1024)));
    if (route === 'POST /idp/token') return this.#token(new URLSearchParams(await readBody(req, 16 * 1024)));
    return undefined;
  }

  #authorize(query: URLSearchParams): Reply {
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    // Never redirect to an unregistered URI: that would make this an open redirector.
    const uris = this.clients.get(clientId);
    if (!uris) return page(400, 'Unknown client', '<p>The client_id is not registered.</p>');
    if (!uris.has(redirectUri))
      return page(400, 'Invalid redirect_uri', '<p>The redirect_uri is not registered for this client.</p>');
    const state = query.get('state') ?? undefined;
    if (query.get('response_type') !== 'code')
      return redirect(redirectUri, { error: 'unsupported_response_type', state });
    const scope = query.get('scope') ?? '';
    if (!scope.split(' ').includes('openid'))
      return redirect(redirectUri, {
        error: 'invalid_scope',
        error_description: 'openid is required',
        state,
      });
    const codeChallenge = query.get('code_challenge') ?? '';
    if (query.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) {
      return redirect(redirectUri, {
        error: 'invalid_request',
        error_description: 'PKCE with S256 is required',
        state,
      });
    }
    const request: AuthorizationRequest = {
      clientId,
      redirectUri,
      state,
      nonce: query.get('nonce') ?? undefined,
      codeChallenge,
      scope,
    };
    if (this.autoLogin) return this.#issue(request, this.autoLogin);
    const id = randomBytes(16).toString('base64url');
    this.#pending.set(id, { ...request, expiresAt: Date.now() + TEN_MINUTES });
    const buttons = SANDBOX_IDP_SUBJECTS.map(
      (s) => `<button type="submit" name="subject" value="${esc(s.subject)}">${esc(s.name)}</button>`,
    ).join('\n');
    return page(
      200,
      'Sign in',
      `<p><strong>${esc(clientId)}</strong> asks who you are.</p>
<form method="post" action="/idp/authorize"><input type="hidden" name="request" value="${id}">
${buttons}
<button type="submit" name="decision" value="cancel">Cancel</button></form>
<form method="post" action="/idp/authorize"><input type="hidden" name="request" value="${id}">
<label>Another subject <input name="subject" pattern="[A-Za-z0-9._@-]{1,64}"></label> <button type="submit">Sign in</button></form>`,
    );
  }

  #decide(form: URLSearchParams): Reply {
    const id = form.get('request') ?? '';
    const request = this.#pending.get(id);
    this.#pending.delete(id);
    if (!request || request.expiresAt < Date.now())
      return page(400, 'Sign-in expired', '<p>Start again from the application.</p>');
    if (form.get('decision') === 'cancel')
      return redirect(request.redirectUri, { error: 'access_denied', state: request.state });
    const subject = form.get('subject') ?? '';
    if (!SUBJECT.test(subject)) return page(400, 'Invalid subject', '<p>Letters, digits and ._@- only.</p>');
    return this.#issue(request, subject);
  }

  #issue(request: AuthorizationRequest, subject: string): Reply {
    const code = `sbx-idp-code-${randomBytes(24).toString('base64url')}`;
    this.#codes.set(code, { ...request, subject, expiresAt: Date.now() + TEN_MINUTES });
    return redirect(request.redirectUri, { code, state: request.state });
  }

  async #token(form: URLSearchParams): Promise<Reply> {
    if (form.get('grant_type') !== 'authorization_code')
      return tokenError(400, 'unsupported_grant_type', 'only authorization_code is supported');
    const code = form.get('code') ?? '';
    const issued = this.#codes.get(code);
    // Single use: gone at the first attempt, whether or not that attempt succeeds.
    this.#codes.delete(code);
    if (!issued || issued.expiresAt < Date.now())
      return tokenError(400, 'invalid_grant', 'unknown, used or expired code');
    if (form.get('client_id') !== issued.clientId || form.get('redirect_uri') !== issued.redirectUri)
      return tokenError(400, 'invalid_grant', 'the code was issued to another client or redirect_uri');
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || challenge !== issued.codeChallenge)
      return tokenError(400, 'invalid_grant', 'PKCE verification failed');
    const lifetimeSeconds = 300;
    const idToken = await this.#host.signIdToken({
      sub: issued.subject,
      aud: issued.clientId,
      ...(issued.nonce !== undefined ? { nonce: issued.nonce } : {}),
      name: nameOf(issued.subject),
      lifetimeSeconds,
    });
    return {
      status: 200,
      body: {
        access_token: `sbx-idp-at-${randomBytes(24).toString('base64url')}`,
        token_type: 'Bearer',
        expires_in: lifetimeSeconds,
        scope: issued.scope,
        id_token: idToken,
      },
      headers: { 'cache-control': 'no-store' },
    };
  }
}
