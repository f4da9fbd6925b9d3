import {
  type ConfluenceAuth,
  ConfluenceClient,
  type RateLimitBoard,
  referenceUrl,
  type UpstreamObserver,
  urlIsOnSite,
} from '../confluence/index.js';
import type { KindedError } from '../error-kind.js';

/** Who is calling, as the transport established it. */
export interface Caller {
  /** Stable key of the user: issuer and subject of their verified token (`local` for the stdio user). */
  userKey: string;
  /**
   * How to name the caller to a person (confirmation pages), from what their identity provider vouches for: the
   * verified email, else the subject at its issuer.
   */
  label: string;
  /** The issuer and subject of the caller's verified token, when there is one. */
  issuer?: string;
  subject?: string;
  /** The token's email, only when the token says the provider verified it (`email_verified: true`). */
  verifiedEmail?: string;
  /** The token's display name: its holder may have chosen it, so it is only ever shown as secondary text. */
  claimedName?: string;
}

/** The stdio user: one person, on their own machine. */
export const LOCAL_CALLER: Caller = { userKey: 'local', label: 'you (this computer)' };

/** Why a caller has no usable connection. */
export type NotConnectedReason =
  | 'none'
  | 'expired'
  | 'revoked'
  | 'no-credentials'
  | 'no-identity'
  /** Too many connect links are outstanding on this server; none can be made now. */
  | 'busy';

/** The caller has no usable Confluence connection; the message (and connect URL, if any) say how to make one. */
export class NotConnectedError extends Error implements KindedError {
  override readonly name = 'NotConnectedError';
  readonly kind = 'not-connected';
  constructor(
    message: string,
    readonly reason: NotConnectedReason,
    readonly connectUrl?: string,
  ) {
    super(message);
  }

  /** The same error, now carrying a link to connect. */
  withConnectUrl(url: string): NotConnectedError {
    return new NotConnectedError(this.message, this.reason, url);
  }
}

/** The caller's connection lacks scopes a tool needs; reconnecting with them is the only fix. */
export class MissingScopeError extends Error implements KindedError {
  override readonly name = 'MissingScopeError';
  readonly kind = 'scope-missing';
  constructor(
    readonly scopes: readonly string[],
    readonly connectUrl?: string,
  ) {
    super(`Your Atlassian connection was not granted ${scopes.join(', ')}.`);
  }
}

/** The caller named a site their connection does not reach. */
export class UnknownSiteError extends Error implements KindedError {
  override readonly name = 'UnknownSiteError';
  readonly kind = 'unknown-site';
}

/** Page URLs in one call point at different sites, or at another site than the `site` argument names. */
export class SiteConflictError extends Error implements KindedError {
  override readonly name = 'SiteConflictError';
  readonly kind = 'invalid-input';
}

/** Which site a tool call acts on: the site it names, and the sites of the page URLs among its arguments. */
export interface SiteChoice {
  /** The `site` argument (name, URL, host or cloud id); the default site when absent. */
  named?: string | undefined;
  /** Page URLs or tiny links from the arguments; each lies on one site. */
  urls?: readonly string[];
}

/** What the session provider knows of a site a caller can reach. */
export interface KnownSite {
  url: string;
  name?: string;
  id?: string;
}

function siteList(sites: readonly KnownSite[]): string {
  return sites.map((s) => (s.name && s.url ? `${s.name} (${s.url})` : s.url || s.name || s.id)).join(', ');
}

// The site a URL lies on: the one whose URL is the longest prefix of it (sites may share a host under paths).
function siteOfUrl<S extends KnownSite>(sites: readonly S[], url: URL): S | undefined {
  let best: S | undefined;
  for (const site of sites) {
    if (site.url && urlIsOnSite(url, site.url) && site.url.length > (best?.url.length ?? -1)) best = site;
  }
  return best;
}

/**
 * The site a call acts on, among the caller's `sites` (the first is the default): the one `named`, else the one
 * its page URLs lie on. A URL on none of the caller's sites is refused (UnknownSiteError, listing the sites); URLs
 * on different sites, or on another site than the named one, are refused (SiteConflictError): a call never reads
 * a page on one site and writes on another.
 */
export function chooseSite<S extends KnownSite>(sites: readonly S[], choice: SiteChoice): S {
  let named: S | undefined;
  if (choice.named) {
    const wanted = choice.named;
    named = sites.find((s) => siteMatches(wanted, s));
    if (!named) {
      throw new UnknownSiteError(
        `Your connection does not reach "${wanted}". It reaches: ${siteList(sites)}.`,
      );
    }
  }
  let fromUrls: S | undefined;
  for (const reference of choice.urls ?? []) {
    const url = referenceUrl(reference);
    if (!url) continue;
    const site = siteOfUrl(sites, url);
    if (!site) {
      throw new UnknownSiteError(
        `The URL ${url.origin}${url.pathname.slice(0, 80)} is not on any site your connection reaches: ${siteList(sites)}. Use a URL copied from one of those, or the page id.`,
      );
    }
    if (fromUrls && fromUrls !== site) {
      throw new SiteConflictError(
        `The page URLs are on different sites (${fromUrls.url} and ${site.url}); one call acts on one site.`,
      );
    }
    fromUrls = site;
  }
  if (named && fromUrls && named !== fromUrls) {
    throw new SiteConflictError(
      `site names ${named.url || named.name}, but the page URL is on ${fromUrls.url}. Leave out site, or give a page on that site.`,
    );
  }
  return named ?? fromUrls ?? (sites[0] as S);
}

/** What a tool call gets: a client acting for the caller, and what the connection was granted. */
export interface CallerSession {
  confluence: ConfluenceClient;
  /** Granted OAuth scopes; undefined when unknown (API tokens carry the user's full rights). */
  grantedScopes: ReadonlySet<string> | undefined;
  /** The URL of the site the session acts on, when known (an access token alone names only a cloud id). */
  siteUrl?: string | undefined;
}

/** A caller's connection as it may be shown to them: never a token. Times are ISO 8601. */
export interface ConnectionDescription {
  connected: boolean;
  kind: 'oauth' | 'api-token' | 'access-token' | 'none';
  account?: { accountId?: string; name?: string; email?: string };
  sites?: { cloudId?: string; name: string; url: string; default: boolean }[];
  scopes?: string[];
  accessTokenExpiresAt?: string;
  connectedAt?: string;
  /** Where to connect, when not connected and this server connects users itself. */
  connectUrl?: string;
}

/** How calls reach Confluence for each caller: static credentials, or per-user OAuth connections. */
export interface SessionProvider {
  /** The session for a caller on the site the call names or its page URLs lie on (the default site otherwise). */
  session(caller: Caller | undefined, site: SiteChoice, signal: AbortSignal): Promise<CallerSession>;
  describe(caller: Caller | undefined): Promise<ConnectionDescription>;
  disconnect(caller: Caller | undefined): Promise<boolean>;
  /** A fresh link to (re)connect, when this provider connects users itself. */
  connectUrl?(caller: Caller): Promise<string>;
}

export interface ClientSettings {
  timeoutMs: number;
  userAgent: string;
  fetch?: typeof fetch;
  /** Every client of this server shares one view of Atlassian's rate limits. */
  rateLimits?: RateLimitBoard;
  /** Told of every attempt, retry and rate limit (metrics, logs, progress). */
  observer?: UpstreamObserver | undefined;
}

/** Whether `wanted` (name, URL, host or id) names the site at `url` with id `id`. */
export function siteMatches(wanted: string, site: { url: string; name?: string; id?: string }): boolean {
  const w = wanted
    .trim()
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/\/wiki$/, '');
  if (!w) return false;
  if (site.id && w === site.id.toLowerCase()) return true;
  if (site.name && w === site.name.toLowerCase()) return true;
  const url = site.url.toLowerCase().replace(/\/+$/, '');
  let host = '';
  try {
    host = new URL(url).host;
  } catch {
    // a site without a URL matches by name or id only
  }
  return w === url || w === host || (host !== '' && w === host.split('.')[0]);
}

/**
 * One credential for every caller: a personal API token or an access token from the environment. Right for stdio
 * and for a single-user HTTP server; per-user OAuth replaces it for many users.
 */
export function staticSessions(auth: ConfluenceAuth | undefined, settings: ClientSettings): SessionProvider {
  const client = auth ? new ConfluenceClient({ auth, ...settings }) : undefined;
  const siteUrl = auth?.type === 'api-token' ? auth.siteUrl.replace(/\/wiki\/?$/, '') : undefined;
  const cloudId = auth?.type === 'oauth' ? auth.cloudId : undefined;
  return {
    async session(_caller, site) {
      if (!client) {
        throw new NotConnectedError(
          'This server has no Confluence credentials. Set CONFLUENCE_SITE_URL, ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN (or ATLASSIAN_ACCESS_TOKEN and CONFLUENCE_CLOUD_ID) in its environment and restart it.',
          'no-credentials',
        );
      }
      const here = siteUrl ?? cloudId;
      if (
        site.named &&
        !siteMatches(site.named, { url: siteUrl ?? '', ...(cloudId ? { id: cloudId } : {}) })
      ) {
        throw new UnknownSiteError(
          `This server is set up for one site (${here}), not "${site.named}". Leave out site, or use that one.`,
        );
      }
      // Without a site URL (an access token names only a cloud id) a page URL cannot be placed here; the page tools
      // then check it against the site Confluence answers with (`_links.base`).
      for (const reference of siteUrl ? (site.urls ?? []) : []) {
        const url = referenceUrl(reference);
        if (url && !urlIsOnSite(url, siteUrl as string)) {
          throw new UnknownSiteError(
            `The URL ${url.origin}${url.pathname.slice(0, 80)} is not on the one site this server is set up for (${here}). Use a URL from that site, or the page id.`,
          );
        }
      }
      return { confluence: client, grantedScopes: undefined, ...(siteUrl ? { siteUrl } : {}) };
    },
    async describe() {
      if (!auth) return { connected: false, kind: 'none' };
      return auth.type === 'api-token'
        ? {
            connected: true,
            kind: 'api-token',
            account: { email: auth.email },
            sites: [{ name: new URL(siteUrl as string).host, url: siteUrl as string, default: true }],
          }
        : {
            connected: true,
            kind: 'access-token',
            sites: [{ cloudId: auth.cloudId, name: auth.cloudId, url: '', default: true }],
          };
    },
    async disconnect() {
      return false;
    },
  };
}
