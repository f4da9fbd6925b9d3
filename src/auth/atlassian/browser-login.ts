import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../log.js';
import type { StoreRecords } from '../records.js';
import { takeMatching } from './connect-links.js';
import { randomToken, sameSecret, sha256 } from './flow-secrets.js';
import { type BrowserIdentity, IdTokenError, LoginCodeRejectedError, pkceChallenge } from './oidc-login.js';
import { cookies, html, sendPage } from './pages.js';
import type { StorePort } from './store-port.js';

/** Where the identity provider sends the browser back: the redirect URI to register with it. */
export const LOGIN_CALLBACK_PATH = '/connect/login-callback';

const LOGIN_COOKIE = 'cmcp_login';

/** Deletes the login binding cookie; sent with whatever answers the login callback. */
export const CLEAR_LOGIN_COOKIE = `${LOGIN_COOKIE}=; Path=${LOGIN_CALLBACK_PATH}; Max-Age=0`;

/** What the login step needs from the identity provider; {@link OidcLoginClient} is the real one. */
export interface BrowserLoginProvider {
  /** Where the sign-in page is; throws when the provider cannot be reached. */
  authorizationEndpoint(): Promise<string>;
  authorizeUrl(request: { state: string; nonce: string; codeChallenge: string }): Promise<string>;
  exchangeCode(code: string, codeVerifier: string): Promise<string>;
  verifyIdToken(idToken: string, nonce: string): Promise<BrowserIdentity>;
}

/** A sign-in in progress: at most one per user, stored under their slot until the provider sends the browser back. */
export interface LoginRecord {
  /** The connect link the sign-in is for. */
  linkId: string;
  /** SHA-256 of the sign-in's `state`; the state itself never sits in the store. */
  state: string;
  /** SHA-256 of the cookie set in the browser that started it. */
  binder: string;
  codeVerifier: string;
  nonce: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** The person in the browser, as the identity provider proved them, and the link they opened. */
export interface BrowserLogin {
  linkId: string;
  /** Comparable with a caller's userKey: `JSON.stringify([issuer, subject])`. */
  userKey: string;
  label: string;
}

export interface BrowserLoginStepOptions {
  store: StorePort;
  records: StoreRecords;
  provider: BrowserLoginProvider;
  /** Whether cookies get `Secure` (the public URL is https). */
  secure: boolean;
  log: Logger;
  ttlMs?: number;
  now?: () => number;
}

// A state is the user's slot (43 characters, to find the record) followed by 43 random ones.
const STATE = /^[A-Za-z0-9_-]{86}$/;

/** Whether the browser presenting `cookieHeader` is the one that started `record`. */
export function boundToBrowser(record: LoginRecord, cookieHeader: string | undefined): boolean {
  const value = cookies(cookieHeader).get(LOGIN_COOKIE) ?? '';
  return value !== '' && sameSecret(sha256(value), record.binder);
}

const nothing = (text: string) => html`<p>${text} Nothing was connected.</p>`;

/**
 * The browser-login half of connecting: before any consent, the person who opened a connect link signs in at the
 * callers' identity provider, so the server learns who they are instead of trusting them to read a page. The
 * sign-in's `state` (the user's slot and a random part) is single use, short-lived, one per user (a new sign-in
 * replaces the last) and bound to the browser by a cookie; the code is redeemed with PKCE; the ID token's nonce
 * ties it to this sign-in.
 */
export class BrowserLoginStep {
  readonly #o: BrowserLoginStepOptions & { ttlMs: number; now: () => number };

  constructor(options: BrowserLoginStepOptions) {
    this.#o = { ttlMs: 10 * 60_000, now: Date.now, ...options };
  }

  /** The origin of the provider's sign-in page, which the page starting a sign-in must allow its form to reach. */
  async authorizationOrigin(): Promise<string | undefined> {
    try {
      return new URL(await this.#o.provider.authorizationEndpoint()).origin;
    } catch {
      return undefined;
    }
  }

  /**
   * Sends the browser to sign in for link `linkId` of the user with `slot`, replacing any sign-in that user had
   * started; the link itself is used only when the sign-in comes back.
   */
  async start(res: ServerResponse, linkId: string, slot: string): Promise<void> {
    const state = slot + randomToken();
    const binder = randomToken();
    const record: LoginRecord = {
      linkId,
      state: sha256(state),
      binder: sha256(binder),
      codeVerifier: randomToken(),
      nonce: randomToken(),
      expiresAt: this.#o.now() + this.#o.ttlMs,
    };
    let location: string;
    try {
      location = await this.#o.provider.authorizeUrl({
        state,
        nonce: record.nonce,
        codeChallenge: pkceChallenge(record.codeVerifier),
      });
    } catch (error) {
      this.#o.log.warn('browser login unavailable', { error: (error as Error).message });
      return sendPage(
        res,
        503,
        'Sign-in is unavailable',
        html`<p>The sign-in service could not be reached. Try the link again in a moment.</p>`,
      );
    }
    await this.#o.store.set<LoginRecord>(this.#o.records.signIn(slot), record, this.#o.ttlMs);
    res.writeHead(303, {
      location,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'set-cookie': `${LOGIN_COOKIE}=${binder}; Path=${LOGIN_CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age=${Math.round(this.#o.ttlMs / 1000)}${this.#o.secure ? '; Secure' : ''}`,
    });
    res.end();
  }

  /**
   * Finishes a sign-in at {@link LOGIN_CALLBACK_PATH}: the proven identity and its link, or undefined when it was
   * refused (a page has then been sent). The sign-in is used up either way.
   */
  async finish(req: IncomingMessage, res: ServerResponse): Promise<BrowserLogin | undefined> {
    const url = new URL(req.url ?? '/', 'http://callback.invalid');
    const clear = { 'set-cookie': CLEAR_LOGIN_COOKIE };
    const state = url.searchParams.get('state') ?? '';
    const hash = sha256(state);
    const record = STATE.test(state)
      ? await takeMatching<LoginRecord>(
          this.#o.store,
          this.#o.records.signIn(state.slice(0, 43)),
          (r) => sameSecret(r.state, hash),
          this.#o.now,
        )
      : undefined;
    if (!record) {
      sendPage(
        res,
        400,
        'This sign-in was already used or has expired',
        nothing('Ask your assistant for a new link if you still need to connect.'),
        clear,
      );
      return undefined;
    }
    if (!boundToBrowser(record, req.headers.cookie)) {
      sendPage(
        res,
        403,
        'This sign-in was started in another browser',
        nothing('For your safety, open the link from your assistant in this browser and start again.'),
        clear,
      );
      return undefined;
    }
    const error = url.searchParams.get('error');
    if (error) {
      const text =
        error === 'access_denied' ? 'You cancelled signing in.' : `The sign-in service reported: ${error}.`;
      sendPage(res, 200, 'Nothing was connected', html`<p>${text} You can close this window.</p>`, clear);
      return undefined;
    }
    const code = url.searchParams.get('code');
    if (!code) {
      sendPage(
        res,
        400,
        'Nothing was connected',
        nothing('The sign-in service sent no authorization code.'),
        clear,
      );
      return undefined;
    }
    try {
      const idToken = await this.#o.provider.exchangeCode(code, record.codeVerifier);
      const who = await this.#o.provider.verifyIdToken(idToken, record.nonce);
      return { linkId: record.linkId, userKey: JSON.stringify([who.issuer, who.subject]), label: who.label };
    } catch (failure) {
      this.#o.log.warn('browser login failed', { error: (failure as Error).message });
      const [status, text] =
        failure instanceof IdTokenError
          ? [403, 'The sign-in could not be verified.']
          : failure instanceof LoginCodeRejectedError
            ? [400, 'The sign-in service did not accept this sign-in (it may have been used already).']
            : [502, 'The sign-in service could not be reached; try again in a moment.'];
      sendPage(res, status, 'Nothing was connected', nothing(text), clear);
      return undefined;
    }
  }
}
