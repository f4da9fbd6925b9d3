import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import type { Logger } from '../../log.js';
import type { Caller } from '../session.js';
import { LockTimeoutError } from '../store/lock-timeout-error.js';
import { StoreUnavailableError } from '../store/store-unavailable-error.js';
import {
  type BrowserLoginProvider,
  BrowserLoginStep,
  CLEAR_LOGIN_COOKIE,
  LOGIN_CALLBACK_PATH,
} from './browser-login.js';
import { consentKey, finishConnect, type StateRecord } from './connect-callback.js';
import { ConnectLinks, type LinkIdentity, type LinkRecord, slotOfLinkId } from './connect-links.js';
import type { ConnectionManager } from './connections.js';
import { randomToken as random, sameSecret as same, sha256 } from './flow-secrets.js';
import type { AtlassianOAuth, AtlassianSite } from './oauth-client.js';
import { cookies, html, sendPage } from './pages.js';
import type { StorePort } from './store-port.js';

export interface ConnectFlowOptions {
  store: StorePort;
  oauth: AtlassianOAuth;
  manager: ConnectionManager;
  /** Where browsers reach this server, e.g. https://mcp.example.com. */
  publicUrl: string;
  /** Path of the OAuth redirect URI (`/integration-callback`). */
  callbackPath: string;
  /** Atlassian's OAuth server origin, where the confirmation form's redirect lands. */
  authOrigin: string;
  /** HMAC key for the `state` parameter (32 bytes). */
  stateKey: Uint8Array;
  /** Learns the Atlassian account a new access token belongs to (for the success page); best effort. */
  whoAmI?: (
    accessToken: string,
    site: AtlassianSite,
  ) => Promise<{ accountId?: string; name?: string; email?: string }>;
  linkTtlMs?: number;
  /** Fleet-wide cap on connect links made per link lifetime (10,000 by default). */
  maxPendingLinks?: number;
  /**
   * Who opened the link is proven by signing in at the callers' identity provider (which must be the issuer of
   * the callers' tokens, so subjects compare) instead of a confirmation page they might not read.
   */
  browserLogin?: BrowserLoginProvider;
  log: Logger;
  now?: () => number;
}

const STATE_TTL_MS = 10 * 60_000;
const LINK_PATH = /^\/connect\/[A-Za-z0-9_-]{20,100}$/;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 8192) break;
  }
  return new URLSearchParams(text);
}

/** How a link names its user on the confirmation page: the provider's word first, the claimed name last. */
function identityBlock(who: LinkIdentity): { html: string } {
  const account =
    who.subject && who.issuer
      ? html`<br>account <code>${who.subject}</code> at <code>${who.issuer}</code>`
      : html``;
  const claimed = who.claimedName
    ? html`<br><small>Name given by the requester, not verified: “${who.claimedName}”</small>`
    : html``;
  return html`<p class="who"><strong>${who.verifiedEmail ?? who.label}</strong>${account}${claimed}</p>`;
}

function identityOf(caller: Caller): LinkIdentity {
  return {
    label: caller.label,
    ...(caller.issuer ? { issuer: caller.issuer } : {}),
    ...(caller.subject ? { subject: caller.subject } : {}),
    ...(caller.verifiedEmail ? { verifiedEmail: caller.verifiedEmail } : {}),
    ...(caller.claimedName ? { claimedName: caller.claimedName } : {}),
  };
}

/**
 * Connecting a user's Atlassian account, and making sure the person in the browser is the user who was asked:
 * a single-use, short-lived link (one per user at a time) either makes them sign in at the callers' identity
 * provider (browser login: the subject must be the link's) or names the identity being linked; either way the page
 * needs an explicit POST with a CSRF token matched by a cookie to go on. The OAuth `state` is signed, expiring,
 * single-use, bound to that user and to the browser that started the flow (a cookie), so a link or callback sent
 * to someone else cannot attach their account to another user. Every record the flow keeps lives under the user's
 * slot, so none can pile up.
 */
export class ConnectFlow {
  readonly #o: ConnectFlowOptions & { linkTtlMs: number; now: () => number };
  readonly #secure: boolean;
  readonly #login: BrowserLoginStep | undefined;
  readonly #links: ConnectLinks;

  constructor(options: ConnectFlowOptions) {
    this.#o = { linkTtlMs: 10 * 60_000, now: Date.now, ...options };
    this.#secure = options.publicUrl.startsWith('https:');
    this.#login = options.browserLogin
      ? new BrowserLoginStep({
          store: options.store,
          provider: options.browserLogin,
          secure: this.#secure,
          log: options.log,
          ttlMs: STATE_TTL_MS,
          now: this.#o.now,
        })
      : undefined;
    this.#links = new ConnectLinks({
      store: options.store,
      slotKey: options.stateKey,
      ttlMs: this.#o.linkTtlMs,
      maxPending: options.maxPendingLinks ?? 10_000,
      now: this.#o.now,
    });
  }

  /**
   * A link to start connecting, for this caller only; it carries no credential and no personal data. A caller
   * with an outstanding link gets that one again; past the server's cap this throws a NotConnectedError saying so.
   */
  async createLink(caller: Caller): Promise<string> {
    return `${this.#o.publicUrl}/connect/${await this.#links.issue(caller.userKey, identityOf(caller))}`;
  }

  /** Whether this flow serves the path. */
  handles(path: string): boolean {
    return (
      path === this.#o.callbackPath ||
      (this.#login !== undefined && path === LOGIN_CALLBACK_PATH) ||
      LINK_PATH.test(path)
    );
  }

  /** Whether a POST to the path is one of this flow's forms, which check their own CSRF token and cookie. */
  isFormTarget(path: string): boolean {
    return LINK_PATH.test(path);
  }

  /** Answers a request for one of {@link handles}' paths, always with a page a person can read. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    try {
      await this.#route(req, res, path);
    } catch (error) {
      const unavailable = error instanceof StoreUnavailableError || error instanceof LockTimeoutError;
      this.#o.log[unavailable ? 'warn' : 'error']('connect page failed', {
        error: unavailable ? (error as Error).message : error,
      });
      if (res.headersSent) return void res.end();
      sendPage(
        res,
        unavailable ? 503 : 500,
        unavailable ? 'Connecting is unavailable for a moment' : 'Something went wrong',
        unavailable
          ? html`<p>This server cannot reach its token store right now. Nothing was changed: try again shortly.</p>`
          : html`<p>Nothing was connected. Try again shortly; if it keeps happening, tell this server’s operator.</p>`,
        unavailable ? { 'retry-after': '30' } : {},
      );
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === this.#o.callbackPath) {
      if (req.method === 'GET') return finishConnect(this.#o, req, res);
      return void res.writeHead(405, { allow: 'GET' }).end();
    }
    if (this.#login && path === LOGIN_CALLBACK_PATH) {
      if (req.method === 'GET') return this.#afterLogin(this.#login, req, res);
      return void res.writeHead(405, { allow: 'GET' }).end();
    }
    const id = path.slice('/connect/'.length);
    if (req.method === 'GET') return this.#page(res, id);
    if (req.method === 'POST') return this.#submit(req, res, id);
    res.writeHead(405, { allow: 'GET, POST' }).end();
  }

  /** The page a link opens: it stores nothing, so opening a link any number of times leaves no trace. */
  async #page(res: ServerResponse, id: string): Promise<void> {
    const link = await this.#links.find(id);
    if (!link) return this.#expiredLink(res);
    const cookie = {
      'set-cookie': `cmcp_csrf=${link.csrf}; Path=/connect/${id}; HttpOnly; SameSite=Strict; Max-Age=${Math.max(1, Math.round((link.expiresAt - this.#o.now()) / 1000))}${this.#secure ? '; Secure' : ''}`,
    };
    if (this.#login) {
      const idp = await this.#login.authorizationOrigin();
      if (!idp) return this.#signInUnavailable(res);
      // The person is not named: whoever opened the link proves who they are by signing in.
      return sendPage(
        res,
        200,
        'Sign in to connect your Atlassian account',
        html`<p>An AI assistant asked to use Confluence on behalf of the person this link was made for.</p>
<p>Sign in at <code>${idp}</code> so this server can check that you are that person; only then will you choose which Atlassian sites to allow.</p>
<form method="post" action="/connect/${id}"><input type="hidden" name="csrf" value="${link.csrf}">
<button type="submit" name="decision" value="sign-in">Sign in</button></form>`,
        cookie,
        [idp],
      );
    }
    sendPage(
      res,
      200,
      'Connect your Atlassian account',
      html`<p>An AI assistant asked to use Confluence on behalf of:</p>
${identityBlock(link.who)}
<p>Continue only if that is you. You will choose which Atlassian sites to allow on the next page.</p>
<form method="post" action="/connect/${id}"><input type="hidden" name="csrf" value="${link.csrf}">
<button type="submit" name="decision" value="continue">Continue to Atlassian</button>
<button type="submit" name="decision" value="cancel">This is not me</button></form>`,
      cookie,
      [this.#o.authOrigin],
    );
  }

  async #submit(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const form = await readForm(req);
    const csrfCookie = cookies(req.headers.cookie).get('cmcp_csrf') ?? '';
    const fromPage = (link: LinkRecord) =>
      same(form.get('csrf') ?? '', link.csrf) && same(csrfCookie, link.csrf);
    if (this.#login) {
      // The link stays until the sign-in comes back; the sign-in replaces any this user had started.
      const link = await this.#links.find(id);
      if (!link) return this.#expiredLink(res);
      if (!fromPage(link)) return this.#notFromPage(res);
      return this.#login.start(res, id, slotOfLinkId(id) as string);
    }
    // Single use: the link is gone whatever happens next.
    const link = await this.#links.spend(id);
    if (!link) return this.#expiredLink(res);
    if (!fromPage(link)) return this.#notFromPage(res);
    if (form.get('decision') !== 'continue') {
      return sendPage(
        res,
        200,
        'Nothing was connected',
        html`<p>If someone sent you this link, they may have tried to use your Atlassian account. You can close this window.</p>`,
      );
    }
    return this.#continueToAtlassian(res, link, id, `cmcp_csrf=; Path=/connect/${id}; Max-Age=0`);
  }

  async #afterLogin(login: BrowserLoginStep, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const who = await login.finish(req, res);
    if (!who) return;
    // Single use, whoever signed in: a link that reached the wrong person is spent.
    const link = await this.#links.spend(who.linkId);
    if (!link) return this.#expiredLink(res, { 'set-cookie': CLEAR_LOGIN_COOKIE });
    if (!same(who.userKey, link.userKey)) {
      this.#o.log.warn('connect link opened by someone else; refused');
      return sendPage(
        res,
        403,
        'This link is not for you',
        html`<p>You are signed in as <strong>${who.label}</strong>, but this link was made for someone else. Nothing was connected.</p>
<p>If someone sent you this link, they may have tried to use your Atlassian account. You can close this window.</p>`,
        { 'set-cookie': CLEAR_LOGIN_COOKIE },
      );
    }
    return this.#continueToAtlassian(res, link, who.linkId, CLEAR_LOGIN_COOKIE);
  }

  /**
   * The person is known to be the link's user: a signed, single-use state bound to this browser, then consent.
   * The pending consent replaces any earlier one of this user.
   */
  async #continueToAtlassian(
    res: ServerResponse,
    link: LinkRecord,
    linkId: string,
    clearCookie: string,
  ): Promise<void> {
    const slot = slotOfLinkId(linkId) as string;
    const nonce = random();
    const binder = random();
    await this.#o.store.set<StateRecord>(
      consentKey(slot),
      {
        userKey: link.userKey,
        label: link.who.label,
        nonce,
        binder: sha256(binder),
        expiresAt: this.#o.now() + STATE_TTL_MS,
      },
      STATE_TTL_MS,
    );
    const state = await new SignJWT({ n: nonce, s: slot })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(this.#o.now() / 1000))
      .setExpirationTime(Math.floor((this.#o.now() + STATE_TTL_MS) / 1000))
      .sign(this.#o.stateKey);
    res.writeHead(303, {
      location: this.#o.oauth.authorizeUrl(state),
      'cache-control': 'no-store',
      'set-cookie': [
        `cmcp_oauth=${binder}; Path=${this.#o.callbackPath}; HttpOnly; SameSite=Lax; Max-Age=${STATE_TTL_MS / 1000}${this.#secure ? '; Secure' : ''}`,
        clearCookie,
      ],
    });
    res.end();
  }

  #notFromPage(res: ServerResponse): void {
    sendPage(
      res,
      403,
      'This request was not sent from the confirmation page',
      html`<p>Nothing was connected. Ask your assistant for a new link and open it directly.</p>`,
    );
  }

  #signInUnavailable(res: ServerResponse): void {
    sendPage(
      res,
      503,
      'Sign-in is unavailable',
      html`<p>The sign-in service could not be reached. Try the link again in a moment.</p>`,
      { 'retry-after': '30' },
    );
  }

  #expiredLink(res: ServerResponse, headers: Record<string, string> = {}): void {
    sendPage(
      res,
      410,
      'This link has expired or was already used',
      html`<p>Connect links work once, for a few minutes. Ask your assistant again to get a new one.</p>`,
      headers,
    );
  }
}
