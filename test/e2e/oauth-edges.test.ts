import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectFlow } from '../../src/auth/atlassian/connect-flow.js';
import { ConnectionManager } from '../../src/auth/atlassian/connections.js';
import { AtlassianOAuth } from '../../src/auth/atlassian/oauth-client.js';
import { StoreRecords } from '../../src/auth/records.js';
import { generateEncryptionKey, openSecretStore, parseEncryptionKeys } from '../../src/auth/store/index.js';
import { GRANULAR_SCOPES } from '../../src/confluence/scopes.js';
import { silentLogger } from '../../src/log.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { demoSite } from '../../src/sandbox/seed/demo-site.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, callbackFor, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { textOf } from '../support/mcp.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';

const app = { clientId: 'mcp-edges', clientSecret: 'edges-client-secret-value' };
// `full` renews an access token once it has less than this left.
const SKEW_S = 60;
const labs = { ...demoSite, name: 'acme-labs', siteTitle: 'Acme Labs', spaces: demoSite.spaces.slice(0, 1) };

let sandbox: Sandbox;
let full: OAuthServer;
let narrow: OAuthServer;

beforeAll(async () => {
  sandbox = await startSandbox({ extraSites: [labs] });
  const keys = generateEncryptionKey('edges');
  [full, narrow] = await Promise.all([
    startOAuthServer(sandbox, { ...app, encryptionKeys: keys, refreshSkewSeconds: SKEW_S }),
    startOAuthServer(sandbox, {
      ...app,
      encryptionKeys: keys,
      scopes: [...GRANULAR_SCOPES.filter((s) => s !== 'read:space:confluence'), 'offline_access'],
    }),
  ]);
  registerApp(sandbox, app.clientId, app.clientSecret, [full.publicUrl, narrow.publicUrl]);
});

afterAll(async () => {
  await Promise.all([full?.stop(), narrow?.stop()]);
  await sandbox?.close();
});

async function connect(server: OAuthServer, subject: string, accountId: string = ID.priya) {
  const session = await mcpClient(
    server.mcpUrl,
    await sandbox.mintCallerToken({ subject, audience: server.mcpUrl }),
  );
  const first = await session.call('confluence_get_connection');
  const link = connectLinkIn(textOf(first));
  expect((await connectThroughSandbox(new Browser(), link, accountId)).status).toBe(200);
  return session;
}

describe('sites and scopes', () => {
  it('reaches every site of a connection, the first by default, another by name, URL or cloud id', async () => {
    const session = await connect(full, 'site-user');
    const connection = (await session.call('confluence_get_connection')).structuredContent as {
      sites: { name: string; cloud_id: string; default: boolean }[];
    };
    expect(connection.sites.map((s) => s.name)).toEqual(['acme', 'acme-labs']);
    const spaces = async (site?: string) =>
      (
        (await session.call('confluence_list_spaces', site ? { site, limit: 50 } : { limit: 50 }))
          .structuredContent as {
          spaces: unknown[];
        }
      ).spaces.length;
    expect(await spaces()).toBeGreaterThan(2);
    expect(await spaces('acme-labs')).toBe(1);
    expect(await spaces(connection.sites[1]?.cloud_id)).toBe(1);
    const unknown = await session.call('confluence_list_spaces', { site: 'globex' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/does not reach "globex".*acme-labs/);
    await session.close();
  });

  it('says which scope a tool lacks and how to reconnect, while tools it has still work', async () => {
    const session = await connect(narrow, 'scope-user');
    const denied = await session.call('confluence_list_spaces');
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/Missing OAuth scope.*read:space:confluence.*reconnect.*\/connect\//);
    const search = await session.call('confluence_search', { query: 'deploy' });
    expect(search.isError, textOf(search)).toBeFalsy();
    await session.close();
  });
});

describe('a connection Atlassian has ended', () => {
  it('asks the user to reconnect after invalid_grant, never retrying the dead token', async () => {
    // While tokens live shorter than the skew, each is due for renewal as soon as it is issued, so the call after the
    // revocation renews: no waiting for a token to age.
    const lifetime = sandbox.oauth.accessTokenSeconds;
    sandbox.oauth.accessTokenSeconds = SKEW_S / 2;
    try {
      const session = await connect(full, 'revoked-user', ID.sofia);
      expect((await session.call('confluence_list_spaces')).isError).toBeFalsy();
      sandbox.oauth.revokeAccount(ID.sofia);
      const before = sandbox.oauth.stats.refresh_token;
      const after = await session.call('confluence_list_spaces');
      expect(after.isError).toBe(true);
      expect(textOf(after)).toMatch(/Atlassian has ended your connection.*\/connect\//);
      expect(sandbox.oauth.stats.refresh_token - before).toBe(1);
      const again = await session.call('confluence_list_spaces');
      expect(textOf(again)).toMatch(/not connected your Atlassian account/);
      expect(sandbox.oauth.stats.refresh_token - before).toBe(1);
      await session.close();
    } finally {
      sandbox.oauth.accessTokenSeconds = lifetime;
    }
  });
});

describe('an expired state', () => {
  let server: Server;
  let base: string;
  let flow: ConnectFlow;
  let manager: ConnectionManager;
  let now = Date.now();

  beforeAll(async () => {
    const keys = parseEncryptionKeys(generateEncryptionKey('state'));
    const store = await openSecretStore('memory://', { keys });
    const records = new StoreRecords(keys);
    server = createServer((req, res) => void flow.handle(req, res, (req.url ?? '').split('?')[0] as string));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    registerApp(sandbox, 'state-app', 'state-secret', [base]);
    const oauth = new AtlassianOAuth({
      authBaseUrl: sandbox.url,
      apiBaseUrl: sandbox.url,
      clientId: 'state-app',
      clientSecret: 'state-secret',
      redirectUri: `${base}/integration-callback`,
      scopes: [...GRANULAR_SCOPES, 'offline_access'],
      timeoutMs: 5000,
      userAgent: 'test',
    });
    manager = new ConnectionManager({ store, records, oauth });
    flow = new ConnectFlow({
      store,
      records,
      oauth,
      manager,
      publicUrl: base,
      callbackPath: '/integration-callback',
      authOrigin: sandbox.url,
      log: silentLogger,
      now: () => now,
    });
  });

  afterAll(() => {
    server?.close();
  });

  it('is refused after ten minutes, and nothing is stored', async () => {
    const link = await flow.createLink({ userKey: 'late-user', label: 'Late User' });
    const browser = new Browser();
    const callback = await callbackFor(browser, link, ID.priya);
    now += 11 * 60_000;
    const late = await browser.request('GET', callback);
    expect(late.status).toBe(400);
    expect(late.text).toMatch(/not valid/);
    expect(await manager.get('late-user')).toBeUndefined();
  });
});
