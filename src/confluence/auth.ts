/**
 * How the client authenticates, and therefore where it sends requests. The two kinds reach Confluence by
 * different routes: a personal API token works only on the site itself, an OAuth token only through the
 * gateway (see ../shared/CONFLUENCE.md, Routing).
 */
export type ConfluenceAuth = ApiTokenAuth | OAuthAuth;

/** A personal API token, sent as Basic `email:token` to `{siteUrl}/wiki`. */
export interface ApiTokenAuth {
  type: 'api-token';
  /** The site, e.g. `https://acme.atlassian.net` (with or without a trailing `/wiki`). */
  siteUrl: string;
  email: string;
  apiToken: string;
}

/** An OAuth 2.0 (3LO) access token, sent as Bearer to `{apiBaseUrl}/ex/confluence/{cloudId}/wiki`. */
export interface OAuthAuth {
  type: 'oauth';
  /** The gateway, `https://api.atlassian.com` in production. */
  apiBaseUrl: string;
  cloudId: string;
  /** A current access token; called before every request, so it may refresh. */
  accessToken: (signal?: AbortSignal) => Promise<string> | string;
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The one place that turns a credential into the `.../wiki` root every endpoint path hangs from. */
export function wikiBaseUrl(auth: ConfluenceAuth): string {
  if (auth.type === 'api-token') return `${trimSlashes(auth.siteUrl).replace(/\/wiki$/, '')}/wiki`;
  return `${trimSlashes(auth.apiBaseUrl)}/ex/confluence/${encodeURIComponent(auth.cloudId)}/wiki`;
}

/** The `Authorization` header value for a credential. */
export async function authorizationHeader(auth: ConfluenceAuth, signal?: AbortSignal): Promise<string> {
  if (auth.type === 'api-token') {
    return `Basic ${Buffer.from(`${auth.email}:${auth.apiToken}`).toString('base64')}`;
  }
  return `Bearer ${await auth.accessToken(signal)}`;
}
