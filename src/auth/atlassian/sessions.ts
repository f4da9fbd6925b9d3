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

/** Per-user OAuth connections: each caller acts in Confluence as the Atlassian account they connected. */
export class OAuthSessions implements SessionProvider {
  constructor(
    private readonly manager: ConnectionManager,
    private readonly flow: ConnectFlow,
    private readonly apiBaseUrl: string,
    private readonly settings: ClientSettings,
  ) {}

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
    let known: ConnectionRecord = record;
    const confluence = new ConfluenceClient({
      ...this.settings,
      auth: {
        type: 'oauth',
        apiBaseUrl: this.apiBaseUrl,
        cloudId: chosen.cloudId,
        accessToken: async () => {
          try {
            known = await this.manager.current(who.userKey, known);
            return known.accessToken;
          } catch (error) {
            if (error instanceof NotConnectedError)
              throw error.withConnectUrl(await this.flow.createLink(who));
            throw error;
          }
        },
      },
    });
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
