import { ConfluenceClient } from '../../confluence/index.js';
import {
  type Caller,
  type CallerSession,
  type ClientSettings,
  type ConnectionDescription,
  chooseSite,
  NotConnectedError,
  type SessionProvider,
  type SiteChoice,
} from '../session.js';
import type { ConnectFlow } from './connect-flow.js';
import type { ConnectionManager, ConnectionRecord } from './connections.js';

/** Clients kept by default: one per user and site, for the users calling most recently. */
export const MAX_CACHED_CLIENTS = 1000;

/** A client kept for one user on one site, and what its access token comes from. */
interface UserClient {
  confluence: ConfluenceClient;
  /** The caller of the latest call, for the connect link when the connection has ended. */
  who: Caller;
  /** The connection as last read from the store, or refreshed. */
  known: ConnectionRecord;
}

/**
 * Per-user OAuth connections: each caller acts in Confluence as the Atlassian account they connected. A client is
 * built once per user and site and reused by their later calls (building one costs more than most of a call), at
 * most `maxClients` of them, the least recently used dropped first. The connection itself is still read from the
 * store on every call, so a disconnect or a new consent counts at once, on every instance.
 */
export class OAuthSessions implements SessionProvider {
  readonly #clients = new Map<string, UserClient>();

  constructor(
    private readonly manager: ConnectionManager,
    private readonly flow: ConnectFlow,
    private readonly apiBaseUrl: string,
    private readonly settings: ClientSettings,
    private readonly maxClients = MAX_CACHED_CLIENTS,
  ) {}

  /** The kept client of a user on a site, told about the connection just read; built when there is none. */
  #client(who: Caller, cloudId: string, record: ConnectionRecord): ConfluenceClient {
    // Both parts vary in length and content, so they are joined in a way no two pairs can share.
    const key = JSON.stringify([who.userKey, cloudId]);
    let entry = this.#clients.get(key);
    if (entry) {
      this.#clients.delete(key);
      entry.who = who;
      entry.known = record;
    } else {
      const kept: UserClient = {
        who,
        known: record,
        confluence: new ConfluenceClient({
          ...this.settings,
          auth: {
            type: 'oauth',
            apiBaseUrl: this.apiBaseUrl,
            cloudId,
            accessToken: async () => {
              try {
                kept.known = await this.manager.current(kept.who.userKey, kept.known);
                return kept.known.accessToken;
              } catch (error) {
                if (error instanceof NotConnectedError)
                  throw error.withConnectUrl(await this.flow.createLink(kept.who));
                throw error;
              }
            },
          },
        }),
      };
      entry = kept;
    }
    this.#clients.set(key, entry);
    if (this.#clients.size > this.maxClients)
      this.#clients.delete(this.#clients.keys().next().value as string);
    return entry.confluence;
  }

  #identify(caller: Caller | undefined): Caller {
    if (!caller)
      throw new NotConnectedError('This request carries no verified user identity.', 'no-identity');
    return caller;
  }

  async session(caller: Caller | undefined, site: SiteChoice): Promise<CallerSession> {
    const who = this.#identify(caller);
    const record = await this.manager.get(who.userKey);
    if (!record) {
      throw new NotConnectedError(
        'You have not connected your Atlassian account yet.',
        'none',
        await this.flow.createLink(who),
      );
    }
    const chosen = chooseSite(
      record.sites.map((s) => ({ ...s, id: s.cloudId })),
      site,
    );
    const confluence = this.#client(who, chosen.cloudId, record);
    return { confluence, grantedScopes: new Set(record.scopes), siteUrl: chosen.url };
  }

  async describe(caller: Caller | undefined): Promise<ConnectionDescription> {
    const who = this.#identify(caller);
    const record = await this.manager.get(who.userKey);
    if (!record) return { connected: false, kind: 'none', connectUrl: await this.flow.createLink(who) };
    const account: NonNullable<ConnectionDescription['account']> = {};
    if (record.account?.accountId) account.accountId = record.account.accountId;
    if (record.account?.name) account.name = record.account.name;
    if (record.account?.email) account.email = record.account.email;
    return {
      connected: true,
      kind: 'oauth',
      ...(Object.keys(account).length ? { account } : {}),
      sites: record.sites.map((s, i) => ({
        cloudId: s.cloudId,
        name: s.name,
        url: s.url,
        default: i === 0,
      })),
      scopes: record.scopes,
      accessTokenExpiresAt: new Date(record.accessExpiresAt).toISOString(),
      connectedAt: new Date(record.createdAt).toISOString(),
    };
  }

  disconnect(caller: Caller | undefined): Promise<boolean> {
    return this.manager.disconnect(this.#identify(caller).userKey);
  }

  connectUrl(caller: Caller): Promise<string> {
    return this.flow.createLink(caller);
  }
}
