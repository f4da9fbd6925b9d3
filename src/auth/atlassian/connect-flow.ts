import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import type { Logger } from '../../log.js';
import type { StoreRecords } from '../records.js';
import type { Caller } from '../session.js';
import { LockTimeoutError } from '../store/lock-timeout-error.js';
import { StoreUnavailableError } from '../store/store-unavailable-error.js';
import {
  type BrowserLoginProvider,
  BrowserLoginStep,
  CLEAR_LOGIN_COOKIE,
  LOGIN_CALLBACK_PATH,
} from './browser-login.js';
import { finishConnect, type StateRecord } from './connect-callback.js';
import { ConnectLinks, type LinkRecord, slotOfLinkId } from './connect-links.js';
import {
  confirmationPage,
  declinedPage,
  expiredLinkPage,
  failurePage,
  identityOf,
  notForYouPage,
  notFromPagePage,
  signInPage,
  signInUnavailablePage,
} from './connect-pages.js';
import type { ConnectionManager } from './connections.js';
import { randomToken as random, sameSecret as same, sha256 } from './flow-secrets.js';
import type { AtlassianOAuth, AtlassianSite } from './oauth-client.js';
import { cookies } from './pages.js';
import type { StorePort } from './store-port.js';

export interface ConnectFlowOptions {
  store: StorePort;
  /** Names the flow's records and the users' slots, and holds the key its OAuth `state` is signed with. */
  records: StoreRecords;
  oauth: AtlassianOAuth;
  manager: ConnectionManager;
  /** Where browsers reach this server, e.g. https://mcp.example.com. */
  publicUrl: string;
  /** Path of the OAuth redirect URI (`/integration-callback`). */
  callbackPath: string;
  /** Atlassian's OAuth server origin, where the confirmation form's redirect lands. */
  authOrigin: string;
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
          records: options.records,
          provider: options.browserLogin,
          secure: this.#secure,
          log: options.log,
          ttlMs: STATE_TTL_MS,
          now: this.#o.now,
        })
      : undefined;
    this.#links = new ConnectLinks({
      store: options.store,
      records: options.records,
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

  /** Whether the caller has a connection now; asks nothing of Atlassian and makes no link. */
  async connected(caller: Caller): Promise<boolean> {
    return (await this.#o.manager.get(caller.userKey)) !== undefined;
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
      const storeDown = error instanceof StoreUnavailableError || error instanceof LockTimeoutError;
      this.#o.log[storeDown ? 'warn' : 'error']('connect page failed', {
        error: storeDown ? (error as Error).message : error,
      });
      if (res.headersSent) return void res.end();
      failurePage(res, storeDown);
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
    if (!link) return expiredLinkPage(res);
    const cookie = {
      'set-cookie': `cmcp_csrf=${link.csrf}; Path=/connect/${id}; HttpOnly; SameSite=Strict; Max-Age=${Math.max(1, Math.round((link.expiresAt - this.#o.now()) / 1000))}${this.#secure ? '; Secure' : ''}`,
    };
    if (!this.#login) return confirmationPage(res, id, link, cookie, this.#o.authOrigin);
    const idp = await this.#login.authorizationOrigin();
    if (!idp) return signInUnavailablePage(res);
    signInPage(res, id, link, cookie, idp);
  }

  async #submit(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const form = await readForm(req);
    const csrfCookie = cookies(req.headers.cookie).get('cmcp_csrf') ?? '';
    const fromPage = (link: LinkRecord) =>
      same(form.get('csrf') ?? '', link.csrf) && same(csrfCookie, link.csrf);
    if (this.#login) {
      // The link stays until the sign-in comes back; the sign-in replaces any this user had started.
      const link = await this.#links.find(id);
      if (!link) return expiredLinkPage(res);
      if (!fromPage(link)) return notFromPagePage(res);
      return this.#login.start(res, id, slotOfLinkId(id) as string);
    }
    // Single use: the link is gone whatever happens next.
    const link = await this.#links.spend(id);
    if (!link) return expiredLinkPage(res);
    if (!fromPage(link)) return notFromPagePage(res);
    if (form.get('decision') !== 'continue') return declinedPage(res);
    return this.#continueToAtlassian(res, link, id, `cmcp_csrf=; Path=/connect/${id}; Max-Age=0`);
  }

  async #afterLogin(login: BrowserLoginStep, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const who = await login.finish(req, res);
    if (!who) return;
    // Single use, whoever signed in: a link that reached the wrong person is spent.
    const link = await this.#links.spend(who.linkId);
    if (!link) return expiredLinkPage(res, { 'set-cookie': CLEAR_LOGIN_COOKIE });
    if (!same(who.userKey, link.userKey)) {
      this.#o.log.warn('connect link opened by someone else; refused');
      return notForYouPage(res, who.label, { 'set-cookie': CLEAR_LOGIN_COOKIE });
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
      this.#o.records.consent(slot),
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
      .sign(this.#o.records.flowKey);
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
}
