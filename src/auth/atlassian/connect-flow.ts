import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify, SignJWT } from 'jose';
import type { Logger } from '../../log.js';
import type { Caller } from '../session.js';
import type { ConnectionManager } from './connections.js';
import {
  type AtlassianOAuth,
  type AtlassianSite,
  ClientCredentialsError,
  InvalidGrantError,
} from './oauth-client.js';
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
  log: Logger;
  now?: () => number;
}

interface LinkRecord {
  userKey: string;
  label: string;
  csrf: string;
}

interface StateRecord {
  userKey: string;
  label: string;
  /** SHA-256 of the browser-binding cookie set when the flow started. */
  binder: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const random = () => randomBytes(32).toString('base64url');
const STATE_TTL_MS = 10 * 60_000;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

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
 * a single-use, short-lived link names the identity being linked and needs an explicit POST (with a CSRF token) to
 * continue; the OAuth `state` is signed, expiring, single-use, bound to that user and to the browser that started
 * the flow (a cookie), so a link or callback sent to someone else cannot attach their account to another user.
 */
export class ConnectFlow {
  readonly #o: ConnectFlowOptions & { linkTtlMs: number; now: () => number };
  readonly #secure: boolean;

  constructor(options: ConnectFlowOptions) {
    this.#o = { linkTtlMs: 10 * 60_000, now: Date.now, ...options };
    this.#secure = options.publicUrl.startsWith('https:');
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
    return path === this.#o.callbackPath || /^\/connect\/[A-Za-z0-9_-]{20,100}$/.test(path);
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === this.#o.callbackPath && req.method === 'GET') return this.#callback(req, res);
    const id = path.slice('/connect/'.length);
    if (req.method === 'GET') return this.#confirm(res, id);
    if (req.method === 'POST') return this.#start(req, res, id);
    res.writeHead(405, { allow: 'GET, POST' }).end();
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
        `cmcp_csrf=; Path=/connect/${id}; Max-Age=0`,
      ],
    });
    res.end();
  }

  async #callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://callback.invalid');
    const clear = { 'set-cookie': `cmcp_oauth=; Path=${this.#o.callbackPath}; Max-Age=0` };
    let nonce: string;
    try {
      const { payload } = await jwtVerify(url.searchParams.get('state') ?? '', this.#o.stateKey, {
        algorithms: ['HS256'],
        currentDate: new Date(this.#o.now()),
      });
      if (typeof payload.n !== 'string') throw new Error('no nonce');
      nonce = payload.n;
    } catch {
      return sendPage(
        res,
        400,
        'This sign-in is not valid',
        html`<p>The link was altered or is too old. Nothing was connected. Ask your assistant for a new link.</p>`,
        clear,
      );
    }
    const state = await this.#o.store.take<StateRecord>(`state:${nonce}`);
    if (!state) {
      return sendPage(
        res,
        400,
        'This sign-in was already used or has expired',
        html`<p>Nothing new was connected. If you still need to connect, ask your assistant for a new link.</p>`,
        clear,
      );
    }
    const binder = cookies(req.headers.cookie).get('cmcp_oauth') ?? '';
    if (!same(sha256(binder), state.binder)) {
      return sendPage(
        res,
        403,
        'This sign-in was started in another browser',
        html`<p>For your safety nothing was connected. Open the link from your assistant in this browser and start again.</p>`,
        clear,
      );
    }
    const error = url.searchParams.get('error');
    if (error) {
      const text = error === 'access_denied' ? 'You declined access' : `Atlassian reported: ${error}`;
      return sendPage(
        res,
        200,
        'Nothing was connected',
        html`<p>${text}. You can close this window.</p>`,
        clear,
      );
    }
    const code = url.searchParams.get('code');
    if (!code)
      return sendPage(
        res,
        400,
        'Nothing was connected',
        html`<p>Atlassian sent no authorization code.</p>`,
        clear,
      );
    try {
      const tokens = await this.#o.oauth.exchangeCode(code);
      const resources = await this.#o.oauth.accessibleResources(tokens.accessToken);
      const sites = resources.filter((site) => site.scopes.some((s) => s.endsWith(':confluence')));
      if (!sites.length) {
        return sendPage(
          res,
          200,
          'No Confluence site was allowed',
          html`<p>None of the sites you approved has Confluence. Nothing was connected.</p>`,
          clear,
        );
      }
      const account = await this.#o
        .whoAmI?.(tokens.accessToken, sites[0] as AtlassianSite)
        .catch(() => undefined);
      await this.#o.manager.save(state.userKey, tokens, sites, account);
      this.#o.log.info('atlassian account connected', { sites: sites.length });
      const siteList = sites.map((s) => html`<li>${s.name} (${s.url})</li>`.html).join('');
      const who = account?.name
        ? html` as <strong>${account.name}</strong>${account.email ? ` (${account.email})` : ''}`
        : html``;
      return sendPage(
        res,
        200,
        'Confluence connected',
        html`<p>Connected${who} for ${state.label}, on:</p><ul>${{ html: siteList }}</ul><p>You can close this window and return to your assistant.</p>`,
        clear,
      );
    } catch (error) {
      this.#o.log.warn('connect callback failed', { error: (error as Error).message });
      const reason =
        error instanceof InvalidGrantError
          ? 'The authorization code was not accepted (it may have been used already).'
          : error instanceof ClientCredentialsError
            ? 'This server’s Atlassian app is misconfigured; tell its operator.'
            : 'Atlassian could not be reached; try again in a moment.';
      return sendPage(
        res,
        502,
        'Nothing was connected',
        html`<p>${reason} Ask your assistant for a new link.</p>`,
        clear,
      );
    }
  }

  #expiredLink(res: ServerResponse): void {
    sendPage(
      res,
      410,
      'This link has expired or was already used',
      html`<p>Connect links work once, for a few minutes. Ask your assistant again to get a new one.</p>`,
    );
  }
}
