import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/store/index.js';
import { encodeTinyLink } from '../../src/confluence/links.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { DEMO_USER, demoSite } from '../../src/sandbox/seed/demo-site.js';
import { ID } from '../../src/sandbox/seed/users.js';
import type { Site } from '../../src/sandbox/site.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { gatewayAuth, startToolServer } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';

// A page URL names its site. Over real HTTP, with a connection that reaches two sites (the sandbox serves the
// second under /site/acme-labs), a URL acts on the page of the site it names; a URL on a host the caller has no
// site on is refused with the caller's sites named; a URL conflicting with `site`, or page and target on two
// sites, are refused; and single-credential servers refuse URLs for other hosts too.

const app = { clientId: 'mcp-urls', clientSecret: 'urls-client-secret-value' };
const labs = { ...demoSite, name: 'acme-labs', siteTitle: 'Acme Labs', spaces: demoSite.spaces.slice(0, 1) };
const GLOBEX = 'https://globex.atlassian.net';

let sandbox: Sandbox;
let server: OAuthServer;
let call: (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;
let acmeSite: Site;
let labsSite: Site;

const pageId = (site: Site, title: string) => {
  for (const page of site.pages.values()) if (currentVersion(page).title === title) return page.id;
  throw new Error(`no page "${title}" on ${site.name}`);
};
const titleOf = (site: Site, id: string) => currentVersion(site.pages.get(id) as never).title;
const urlOn = (siteUrl: string, id: string) => `${siteUrl}/wiki/spaces/ENG/pages/${id}/Some+Title`;
const refused = (r: CallToolResult, pattern: RegExp) => {
  expect(r.isError, textOf(r)).toBe(true);
  expect(textOf(r)).toMatch(pattern);
};

beforeAll(async () => {
  sandbox = await startSandbox({ extraSites: [labs] });
  [acmeSite, labsSite] = sandbox.sites as [Site, Site];
  server = await startOAuthServer(sandbox, { ...app, encryptionKeys: generateEncryptionKey('urls') });
  registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
  const session = await mcpClient(
    server.mcpUrl,
    await sandbox.mintCallerToken({ subject: 'url-user', audience: server.mcpUrl }),
  );
  const link = connectLinkIn(textOf(await session.call('confluence_get_connection')));
  expect((await connectThroughSandbox(new Browser(), link, ID.priya)).status).toBe(200);
  call = (name, args) => session.call(name, args);
});

afterAll(async () => {
  await server?.stop();
  await sandbox?.close();
});

describe('a page URL on another of the caller sites', () => {
  it("reads, and writes, that site's page", async () => {
    const labsUrl = `${sandbox.url}/site/acme-labs`;
    const id = pageId(labsSite, 'Deployment guide');
    expect(acmeSite.pages.has(id)).toBe(false);
    for (const page of [urlOn(labsUrl, id), `${labsUrl}/wiki/x/${encodeTinyLink(id)}`]) {
      const read = await call('confluence_get_page', { page, body_format: 'none' });
      expect(read.isError, textOf(read)).toBeFalsy();
      expect(read.structuredContent).toMatchObject({ id, title: 'Deployment guide' });
      expect((read.structuredContent as { web_url: string }).web_url.startsWith(`${labsUrl}/wiki/`)).toBe(
        true,
      );
    }
    const acmeTwin = pageId(acmeSite, 'Deployment guide');
    const updated = await call('confluence_update_page', {
      page: urlOn(labsUrl, id),
      title: 'Labs deployment guide',
    });
    expect(updated.isError, textOf(updated)).toBeFalsy();
    expect(titleOf(labsSite, id)).toBe('Labs deployment guide');
    expect(titleOf(acmeSite, acmeTwin)).toBe('Deployment guide');
    // The default site's URLs still act on the default site.
    const home = await call('confluence_get_page', {
      page: urlOn(sandbox.url, acmeTwin),
      body_format: 'none',
    });
    expect(home.structuredContent).toMatchObject({ id: acmeTwin });
  });
});

describe('a page URL on a host the caller has no site on', () => {
  it('is refused, naming the caller sites, for reads and writes alike', async () => {
    const id = pageId(acmeSite, 'Architecture overview');
    const versions = acmeSite.pages.get(id)?.versions.length;
    for (const [tool, args] of [
      ['confluence_get_page', {}],
      ['confluence_update_page', { title: 'Hijacked' }],
      ['confluence_delete_page', {}],
    ] as const) {
      refused(
        await call(tool, { page: urlOn(GLOBEX, id), ...args }),
        /Unknown site: The URL https:\/\/globex\.atlassian\.net\/wiki\/spaces\/ENG\/pages\/\d+.* is not on any site your connection reaches: acme \(http:\/\/127\.0\.0\.1:\d+\), acme-labs \(http:\/\/127\.0\.0\.1:\d+\/site\/acme-labs\)/,
      );
    }
    expect(acmeSite.pages.get(id)?.versions.length).toBe(versions);
    expect(acmeSite.pages.get(id)?.status).toBe('current');
  });
});

describe('URLs that disagree', () => {
  it('are refused: a URL on another site than the site argument, and a move across two sites', async () => {
    const labsUrl = `${sandbox.url}/site/acme-labs`;
    const labsPage = pageId(labsSite, 'Architecture overview');
    refused(
      await call('confluence_get_page', { page: urlOn(labsUrl, labsPage), site: 'acme' }),
      /Invalid arguments: site names http:\/\/127\.0\.0\.1:\d+, but the page URL is on .*\/site\/acme-labs/,
    );
    const acmeParent = pageId(acmeSite, 'Engineering Home');
    const parentBefore = labsSite.pages.get(labsPage)?.parentId;
    refused(
      await call('confluence_move_page', {
        page: urlOn(labsUrl, labsPage),
        new_parent: urlOn(sandbox.url, acmeParent),
      }),
      /Invalid arguments: The page URLs are on different sites/,
    );
    expect(labsSite.pages.get(labsPage)?.parentId).toBe(parentBefore);
  });
});

describe('a single-credential server', () => {
  it('refuses a URL on another host, with an access token (checked against the site Confluence answers from)', async () => {
    const single = await startToolServer(gatewayAuth(sandbox));
    try {
      const id = pageId(acmeSite, 'Security & compliance');
      const versions = acmeSite.pages.get(id)?.versions.length;
      refused(
        await single.call('confluence_update_page', { page: urlOn(GLOBEX, id), title: 'Hijacked' }),
        /The URL is on globex\.atlassian\.net, but this call reaches http:\/\/127\.0\.0\.1:\d+/,
      );
      expect(acmeSite.pages.get(id)?.versions.length).toBe(versions);
      const own = await single.call('confluence_get_page', {
        page: urlOn(sandbox.url, id),
        body_format: 'none',
      });
      expect(own.structuredContent).toMatchObject({ id });
    } finally {
      await single.close();
    }
  });

  it('refuses a URL on another host before any request, with a personal API token', async () => {
    const single = await startToolServer({
      type: 'api-token',
      siteUrl: sandbox.url,
      email: DEMO_USER.email,
      apiToken: DEMO_USER.apiToken as string,
    });
    try {
      const id = pageId(acmeSite, 'Security & compliance');
      refused(
        await single.call('confluence_get_page', { page: urlOn(GLOBEX, id) }),
        /Unknown site: The URL https:\/\/globex\.atlassian\.net.* is not on the one site this server is set up for \(http:\/\/127\.0\.0\.1:\d+\)/,
      );
      const own = await single.call('confluence_get_page', {
        page: urlOn(sandbox.url, id),
        body_format: 'none',
      });
      expect(own.structuredContent).toMatchObject({ id });
    } finally {
      await single.close();
    }
  });
});
