import type { ConfluenceAuth } from '../confluence/auth.js';
import { ConfluenceClient } from '../confluence/client.js';

/** Who is calling, as the transport established it. Absent on stdio, where there is one local user. */
export interface Caller {
  /** Stable key of the user: issuer and subject of their verified token. */
  userKey: string;
}

/** The caller has no usable Confluence connection; the message says how to make one. */
export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
}

/** Finds the Confluence client that acts for a caller. */
export interface ConnectionResolver {
  clientFor(caller: Caller | undefined, signal?: AbortSignal): Promise<ConfluenceClient>;
}

export interface ClientSettings {
  timeoutMs: number;
  userAgent: string;
  fetch?: typeof fetch;
}

/**
 * One credential for every caller: a personal API token or an access token from the environment. Right for stdio
 * and for a single-user HTTP server; the per-user OAuth resolver replaces it for many users.
 */
export function staticConnection(
  auth: ConfluenceAuth | undefined,
  settings: ClientSettings,
): ConnectionResolver {
  const client = auth ? new ConfluenceClient({ auth, ...settings }) : undefined;
  return {
    async clientFor() {
      if (!client) {
        throw new NotConnectedError(
          'This server has no Confluence credentials. Set CONFLUENCE_SITE_URL, ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN (or ATLASSIAN_ACCESS_TOKEN and CONFLUENCE_CLOUD_ID) in its environment and restart it.',
        );
      }
      return client;
    },
  };
}
