import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';
import type { Logger } from '../../log.js';
import type { StoreRecords } from '../records.js';
import { LockTimeoutError } from '../store/lock-timeout-error.js';
import { StoreUnavailableError } from '../store/store-unavailable-error.js';
import { takeMatching } from './connect-links.js';
import type { ConnectionManager } from './connections.js';
import { sameSecret as same, sha256 } from './flow-secrets.js';
import {
  type AtlassianOAuth,
  type AtlassianSite,
  ClientCredentialsError,
  InvalidGrantError,
} from './oauth-client.js';
import { cookies, html, sendPage } from './pages.js';
import type { StorePort } from './store-port.js';

/**
 * The user a consent is for, stored under the user's slot until Atlassian sends the browser back: at most one per
 * user, a newer consent replacing it. The signed `state` names the slot and this record's nonce.
 */
export interface StateRecord {
  userKey: string;
  label: string;
  nonce: string;
  /** SHA-256 of the browser-binding cookie set when the flow started. */
  binder: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** What finishing a connection needs; the connect flow's options supply it. */
export interface ConnectCallbackOptions {
  store: StorePort;
  records: StoreRecords;
  oauth: AtlassianOAuth;
  manager: ConnectionManager;
  callbackPath: string;
  whoAmI?: (
    accessToken: string,
    site: AtlassianSite,
  ) => Promise<{ accountId?: string; name?: string; email?: string }>;
  log: Logger;
  now: () => number;
}

/**
 * Atlassian's redirect back (`/integration-callback`): the state must verify, be unused and come back to the
 * browser that started the flow; then the code is exchanged and the connection saved for the state's user.
 */
export async function finishConnect(
  o: ConnectCallbackOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://callback.invalid');
  const clear = { 'set-cookie': `cmcp_oauth=; Path=${o.callbackPath}; Max-Age=0` };
  let nonce: string;
  let slot: string;
  try {
    const { payload } = await jwtVerify(url.searchParams.get('state') ?? '', o.records.flowKey, {
      algorithms: ['HS256'],
      currentDate: new Date(o.now()),
    });
    if (typeof payload.n !== 'string' || typeof payload.s !== 'string') throw new Error('no nonce');
    nonce = payload.n;
    slot = payload.s;
  } catch {
    return sendPage(
      res,
      400,
      'This sign-in is not valid',
      html`<p>The link was altered or is too old. Nothing was connected. Ask your assistant for a new link.</p>`,
      clear,
    );
  }
  const state = await takeMatching<StateRecord>(
    o.store,
    o.records.consent(slot),
    (r) => same(r.nonce, nonce),
    o.now,
  );
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
    const tokens = await o.oauth.exchangeCode(code);
    const resources = await o.oauth.accessibleResources(tokens.accessToken);
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
    const account = await o.whoAmI?.(tokens.accessToken, sites[0] as AtlassianSite).catch(() => undefined);
    await o.manager.save(state.userKey, tokens, sites, account);
    o.log.info('atlassian account connected', { sites: sites.length });
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
    o.log.warn('connect callback failed', { error: (error as Error).message });
    const storeDown = error instanceof StoreUnavailableError || error instanceof LockTimeoutError;
    const reason =
      error instanceof InvalidGrantError
        ? 'The authorization code was not accepted (it may have been used already).'
        : error instanceof ClientCredentialsError
          ? 'This server’s Atlassian app is misconfigured; tell its operator.'
          : storeDown
            ? 'This server could not save the connection: its token store is unavailable. Try again shortly.'
            : 'Atlassian could not be reached; try again in a moment.';
    return sendPage(
      res,
      storeDown ? 503 : 502,
      'Nothing was connected',
      html`<p>${reason} Ask your assistant for a new link.</p>`,
      clear,
    );
  }
}
