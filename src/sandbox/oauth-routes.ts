import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GRANULAR_SCOPES, OFFLINE_ACCESS } from '../confluence/index.js';
import { HttpError, type Reply, readBody } from './http.js';
import type { SandboxUser } from './model.js';
import type { OAuthState } from './oauth-state.js';
import type { Site } from './site.js';

/** What the OAuth pages need from the sandbox. */
export interface OAuthHost {
  oauth: OAuthState;
  sites: readonly Site[];
  users: ReadonlyMap<string, SandboxUser>;
  /** The account that approves at once when auto-approve is on; undefined shows the consent page. */
  autoApproveAccountId: string | undefined;
  /** The account preselected on the consent page. */
  defaultAccountId: string;
  /** The site URL Atlassian would report for a site (`https://acme.atlassian.net`). */
  siteUrl: (site: Site) => string;
  /** Consent pages shown and not yet answered, by request id. */
  pending: Map<string, PendingAuthorization>;
}

/** A consent page awaiting its answer. */
export interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  scopes: Set<string>;
  state: string | undefined;
  expiresAt: number;
}

const KNOWN_SCOPES = new Set<string>([...GRANULAR_SCOPES, OFFLINE_ACCESS]);

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(status: number, title: string, body: string): Reply {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#172b4d}
button{padding:.5rem 1rem;margin-right:.5rem}li{margin:.2rem 0}</style></head>
<body><h1>${esc(title)}</h1>${body}<p><small>Atlassian sandbox (a local fake for development and tests)</small></p></body></html>`;
  return { status, raw: { contentType: 'text/html; charset=utf-8', text: html } };
}

function redirect(uri: string, params: Record<string, string | undefined>): Reply {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store' } };
}

function approve(host: OAuthHost, request: PendingAuthorization, accountId: string): Reply {
  const code = host.oauth.issueCode({
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    accountId,
    scopes: request.scopes,
    cloudIds: host.sites.map((s) => s.cloudId),
  });
  return redirect(request.redirectUri, { code, state: request.state });
}

/** GET /authorize: checks the request like Atlassian does, then shows consent (or approves at once). */
export function authorize(host: OAuthHost, query: URLSearchParams, now: number): Reply {
  const clientId = query.get('client_id') ?? '';
  const redirectUri = query.get('redirect_uri') ?? '';
  const client = host.oauth.clients.get(clientId);
  // Never redirect to an unregistered URI: that would make this an open redirector.
  if (!client) return page(400, 'Invalid client', '<p>The client_id is not registered.</p>');
  if (!client.redirectUris.has(redirectUri)) {
    return page(
      400,
      'Invalid redirect_uri',
      '<p>The redirect_uri does not match the app’s callback URLs.</p>',
    );
  }
  const state = query.get('state') ?? undefined;
  if (query.get('response_type') !== 'code') {
    return redirect(redirectUri, { error: 'unsupported_response_type', state });
  }
  if (query.get('audience') !== 'api.atlassian.com') {
    return redirect(redirectUri, {
      error: 'invalid_request',
      error_description: 'audience must be api.atlassian.com',
      state,
    });
  }
  const scopes = new Set((query.get('scope') ?? '').split(/\s+/).filter(Boolean));
  const unknown = [...scopes].filter((s) => !KNOWN_SCOPES.has(s));
  if (!scopes.size || unknown.length) {
    return redirect(redirectUri, {
      error: 'invalid_scope',
      error_description: unknown.length ? `Unknown scope(s): ${unknown.join(' ')}` : 'No scope requested',
      state,
    });
  }
  const request: PendingAuthorization = { clientId, redirectUri, scopes, state, expiresAt: now + 600_000 };
  if (host.autoApproveAccountId) return approve(host, request, host.autoApproveAccountId);
  const id = randomBytes(16).toString('base64url');
  host.pending.set(id, request);
  const users = [...host.users.values()].filter((u) => u.accountType === 'atlassian');
  const options = users
    .map(
      (u) =>
        `<option value="${esc(u.accountId)}"${u.accountId === host.defaultAccountId ? ' selected' : ''}>${esc(u.displayName)} (${esc(u.email)})</option>`,
    )
    .join('');
  const scopeList = [...scopes].map((s) => `<li><code>${esc(s)}</code></li>`).join('');
  const sites = host.sites.map((s) => `<li>${esc(s.siteTitle)} (${esc(host.siteUrl(s))})</li>`).join('');
  return page(
    200,
    `Allow ${clientId} to access your Atlassian account?`,
    `<form method="post" action="/authorize">
<input type="hidden" name="request" value="${id}">
<p><label>Signed in as <select name="account_id">${options}</select></label></p>
<p>It will be able to:</p><ul>${scopeList}</ul><p>On these sites:</p><ul>${sites}</ul>
<p><button type="submit" name="decision" value="approve">Accept</button>
<button type="submit" name="decision" value="deny">Cancel</button></p></form>`,
  );
}

/** POST /authorize: the consent decision. */
export async function decide(host: OAuthHost, req: IncomingMessage, now: number): Promise<Reply> {
  const form = new URLSearchParams(await readBody(req, 64 * 1024));
  const id = form.get('request') ?? '';
  const request = host.pending.get(id);
  host.pending.delete(id);
  if (!request || request.expiresAt <= now) {
    return page(400, 'This consent request has expired', '<p>Start again from the application.</p>');
  }
  if (form.get('decision') !== 'approve') {
    return redirect(request.redirectUri, {
      error: 'access_denied',
      error_description: 'User did not authorize the request',
      state: request.state,
    });
  }
  const accountId = form.get('account_id') ?? host.defaultAccountId;
  if (!host.users.has(accountId))
    return page(400, 'Unknown account', '<p>Choose an account from the list.</p>');
  return approve(host, request, accountId);
}

/** POST /oauth/token: code exchange and refresh, JSON or form-encoded like Atlassian accepts. */
export async function token(host: OAuthHost, req: IncomingMessage): Promise<Reply> {
  const text = await readBody(req, 64 * 1024);
  let params: Record<string, unknown>;
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    params = Object.fromEntries(new URLSearchParams(text));
  } else {
    try {
      params = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { error: 'invalid_request', error_description: 'Body must be JSON' } };
    }
  }
  const outcome =
    params.grant_type === 'authorization_code'
      ? host.oauth.exchangeCode(params)
      : params.grant_type === 'refresh_token'
        ? host.oauth.refresh(params)
        : undefined;
  if (!outcome) {
    return {
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' },
    };
  }
  return {
    status: outcome.ok ? 200 : outcome.status,
    body: outcome.body,
    headers: { 'cache-control': 'no-store' },
  };
}

/** GET /oauth/token/accessible-resources: the sites an access token reaches, with its scopes. */
export function accessibleResources(host: OAuthHost, authorization: string | undefined): Reply {
  const bearer = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  const grant = bearer ? host.oauth.accessToken(bearer) : undefined;
  if (!grant) throw new HttpError(401, { code: 401, message: 'Unauthorized' });
  const resources = host.sites
    .filter((s) => grant.cloudIds.includes(s.cloudId))
    .map((s) => ({
      id: s.cloudId,
      name: s.name,
      url: host.siteUrl(s),
      scopes: [...grant.scopes].filter((x) => x !== OFFLINE_ACCESS),
      avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png',
    }));
  return { status: 200, body: resources };
}
