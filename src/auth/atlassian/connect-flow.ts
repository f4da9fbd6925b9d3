import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import type { Logger } from '../../log.js';
import type { Caller } from '../session.js';
import {
  type BrowserLoginProvider,
  BrowserLoginStep,
  CLEAR_LOGIN_COOKIE,
  LOGIN_CALLBACK_PATH,
} from './browser-login.js';
import { finishConnect, type StateRecord } from './connect-callback.js';
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
  /**
   * Who opened the link is proven by signing in at the callers' identity provider (which must be the issuer of
   * the callers' tokens, so subjects compare) instead of a confirmation page they might not read.
   */
  browserLogin?: BrowserLoginProvider;
  log: Logger;
  now?: () => number;
}

interface LinkRecord {
  userKey: string;
  label: string;
  csrf: string;
}

const STATE_TTL_MS = 10 * 60_000;

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
 * a single-use, short-lived link either makes them sign in at the callers' identity provider (browser login: the
 * subject must be the link's) or names the identity being linked and needs an explicit POST (with a CSRF token) to
 * continue; the OAuth `state` is signed, expiring, single-use, bound to that user and to the browser that started
 * the flow (a cookie), so a link or callback sent to someone else cannot attach their account to another user.
 */
export class ConnectFlow {
  readonly #o: ConnectFlowOptions & { linkTtlMs: number; now: () => number };
  readonly #secure: boolean;
  readonly #login: BrowserLoginStep | undefined;

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
        })
      : undefined;
  }

  /** A link to start connecting, for this caller only; it carries no credential and no personal data. */
  async createLink(caller: Caller): Promise<string> {
    const id = random();
    await this.#o.store.set<LinkRecord>(
      `link:${id}`,
      { userKey: caller.userKey, label: caller.label, csrf: random() },
      this.#o.linkTtlMs,
    );
    return `${this.#o.publicUrl}/connect/${id}`;
  }

  /** Whether this flow serves the path. */
  handles(path: string): boolean {
    return (
      path === this.#o.callbackPath ||
      (this.#login !== undefined && path === LOGIN_CALLBACK_PATH) ||
      /^\/connect\/[A-Za-z0-9_-]{20,100}$/.test(path)
    );
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === this.#o.callbackPath && req.method === 'GET') return finishConnect(this.#o, req, res);
    if (this.#login && path === LOGIN_CALLBACK_PATH) {
      if (req.method === 'GET') return this.#afterLogin(this.#login, req, res);
      return void res.writeHead(405, { allow: 'GET' }).end();
    }
    const id = path.slice('/connect/'.length);
    // With browser login there is no confirmation form, so nothing may be posted to a link.
    if (this.#login) {
      if (req.method === 'GET') return this.#beginLogin(this.#login, res, id);
      return void res.writeHead(405, { allow: 'GET' }).end();
    }
    if (req.method === 'GET') return this.#confirm(res, id);
    if (req.method === 'POST') return this.#start(req, res, id);
    res.writeHead(405, { allow: 'GET, POST' }).end();
  }

  async #beginLogin(login: BrowserLoginStep, res: ServerResponse, id: string): Promise<void> {
    if (!(await this.#o.store.get<LinkRecord>(`link:${id}`))) return this.#expiredLink(res);
    return login.start(res, id);
  }

  async #afterLogin(login: BrowserLoginStep, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const who = await login.finish(req, res);
    if (!who) return;
    // Single use, whoever signed in: a link that reached the wrong person is spent.
    const link = await this.#o.store.take<LinkRecord>(`link:${who.linkId}`);
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
    return this.#continueToAtlassian(res, link, CLEAR_LOGIN_COOKIE);
  }

  async #confirm(res: ServerResponse, id: string): Promise<void> {
    const link = await this.#o.store.get<LinkRecord>(`link:${id}`);
    if (!link) return this.#expiredLink(res);
    sendPage(
      res,
      200,
      'Connect your Atlassian account',
      html`<p>An AI assistant asked to use Confluence on behalf of:</p>
<p class="who"><strong>${link.label}</strong></p>
<p>Continue only if that is you. You will choose which Atlassian sites to allow on the next page.</p>
<form method="post" action="/connect/${id}"><input type="hidden" name="csrf" value="${link.csrf}">
<button type="submit" name="decision" value="continue">Continue to Atlassian</button>
<button type="submit" name="decision" value="cancel">This is not me</button></form>`,
      {
        'set-cookie': `cmcp_csrf=${link.csrf}; Path=/connect/${id}; HttpOnly; SameSite=Strict; Max-Age=${Math.round(this.#o.linkTtlMs / 1000)}${this.#secure ? '; Secure' : ''}`,
      },
      [this.#o.authOrigin],
    );
  }

  async #start(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const form = await readForm(req);
    const csrfCookie = cookies(req.headers.cookie).get('cmcp_csrf') ?? '';
    // Single use: the link is gone whatever happens next.
    const link = await this.#o.store.take<LinkRecord>(`link:${id}`);
    if (!link) return this.#expiredLink(res);
    const csrf = form.get('csrf') ?? '';
    if (!same(csrf, link.csrf) || !same(csrfCookie, link.csrf)) {
      return sendPage(
        res,
        403,
        'This request was not sent from the confirmation page',
        html`<p>Nothing was connected. Ask your assistant for a new link and open it directly.</p>`,
      );
    }
    if (form.get('decision') !== 'continue') {
      return sendPage(
        res,
        200,
        'Nothing was connected',
        html`<p>If someone sent you this link, they may have tried to use your Atlassian account. You can close this window.</p>`,
      );
    }
    return this.#continueToAtlassian(res, link, `cmcp_csrf=; Path=/connect/${id}; Max-Age=0`);
  }

  /** The person is known to be the link's user: a signed, single-use state bound to this browser, then consent. */
  async #continueToAtlassian(res: ServerResponse, link: LinkRecord, clearCookie: string): Promise<void> {
    const nonce = random();
    const binder = random();
    await this.#o.store.set<StateRecord>(
      `state:${nonce}`,
      { userKey: link.userKey, label: link.label, binder: sha256(binder) },
      STATE_TTL_MS,
    );
    const state = await new SignJWT({ n: nonce })
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
