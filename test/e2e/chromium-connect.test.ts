import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/store/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { connectLinkIn } from '../support/browser.js';
import {
  clickAndWait,
  describeWithChromium,
  launchChromium,
  open,
  visibleText,
} from '../support/chromium.js';
import { CLI, startCli } from '../support/cli.js';
import { textOf } from '../support/mcp.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';
import { reservePort } from '../support/ports.js';

// A person in a real browser (Chromium, driven over the DevTools protocol): every page they see on the way to a
// connection, this server's and the sandbox's (Atlassian's consent, the identity provider's sign-in), is loaded,
// read and submitted the way a browser does it, with the headers the browser chooses.
let sandbox: Sandbox;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const app = { clientId: 'mcp-chromium', clientSecret: 'chromium-client-secret-value' };

/** A fresh profile-like context: its own cookies, like another person's browser. */
async function freshPage(): Promise<Page> {
  const context = await browser.createBrowserContext();
  contexts.push(context);
  return context.newPage();
}

/** On the sandbox's Atlassian consent page: chooses the account and presses Accept. */
async function approveAtSandbox(page: Page, accountId: string) {
  expect(page.url().startsWith(`${sandbox.url}/authorize?`)).toBe(true);
  expect(await page.title()).toMatch(/Allow .* to access your Atlassian account\?/);
  await page.select('select[name="account_id"]', accountId);
  return clickAndWait(page, 'button[value="approve"]');
}

describeWithChromium('connecting in a real browser (Chromium)', () => {
  beforeAll(async () => {
    sandbox = await startSandbox();
    chromium = await launchChromium();
    browser = chromium.browser;
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await chromium?.close();
    await sandbox?.close();
  });

  describe('over HTTP', () => {
    let server: OAuthServer;

    beforeAll(async () => {
      server = await startOAuthServer(sandbox, { ...app, encryptionKeys: generateEncryptionKey('chr') });
      registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
    });

    afterAll(async () => {
      await server?.stop();
    });

    async function linkFor(
      subject: string,
      claims: { name?: string; email?: string; emailVerified?: boolean },
    ) {
      const token = await sandbox.mintCallerToken({ subject, audience: server.mcpUrl, ...claims });
      const session = await mcpClient(server.mcpUrl, token);
      const first = await session.call('confluence_list_spaces');
      expect(first.isError).toBe(true);
      return { session, link: connectLinkIn(textOf(first)) };
    }

    it('goes from the link through Continue and Atlassian consent to the success page, and then tools work', async () => {
      const { session, link } = await linkFor('alice', {
        name: 'Alice Example',
        email: 'alice@acme.example',
        emailVerified: true,
      });
      const page = await freshPage();
      // The person clicks the link where the assistant showed it: a page of another site.
      await page.setContent(`<p>Connect Confluence: <a id="connect" href="${link}">${link}</a></p>`);
      const confirm = await clickAndWait(page, '#connect');
      expect(confirm.status()).toBe(200);
      const shown = await visibleText(page);
      // What the identity provider vouches for comes first; the self-chosen name is marked as such.
      expect(shown).toMatch(/on behalf of:\s*alice@acme\.example/);
      expect(shown).toContain(`account alice at ${sandbox.idp.issuer}`);
      expect(shown).toContain('Name given by the requester, not verified: “Alice Example”');

      await clickAndWait(page, 'button[value="continue"]');
      const done = await approveAtSandbox(page, ID.priya);
      expect(done.status()).toBe(200);
      expect(page.url().startsWith(`${server.publicUrl}/integration-callback?`)).toBe(true);
      expect(await page.title()).toBe('Confluence connected');
      expect(await visibleText(page)).toContain('Priya Raman');

      const after = await session.call('confluence_list_spaces');
      expect(after.isError, textOf(after)).toBeFalsy();
      expect((after.structuredContent as { spaces: { key: string }[] }).spaces.map((s) => s.key)).toContain(
        'ENG',
      );
      await session.close();
    });

    it('refuses a consent URL forwarded to another browser, and the forwarded link is spent', async () => {
      const { session, link } = await linkFor('mallory', { name: 'Mallory Example' });
      const mallorys = await freshPage();
      await open(mallorys, link);
      await clickAndWait(mallorys, 'button[value="continue"]');
      const consentUrl = mallorys.url();
      expect(consentUrl.startsWith(`${sandbox.url}/authorize?`)).toBe(true);

      // Victor gets the consent URL (and the link) from Mallory and opens them in his own browser.
      const victors = await freshPage();
      await open(victors, consentUrl);
      const refused = await approveAtSandbox(victors, ID.jonas);
      expect(refused.status()).toBe(403);
      expect(await victors.title()).toBe('This sign-in was started in another browser');
      expect(await visibleText(victors)).toContain('nothing was connected');
      expect((await open(victors, link)).status()).toBe(410);

      const after = await session.call('confluence_get_connection');
      expect((after.structuredContent as { connected: boolean }).connected).toBe(false);
      await session.close();
    });

    it('says "Nothing was connected" when the person presses "This is not me"', async () => {
      const { session, link } = await linkFor('carol', { name: 'Carol Example' });
      const page = await freshPage();
      await open(page, link);
      const answer = await clickAndWait(page, 'button[value="cancel"]');
      expect(answer.status()).toBe(200);
      expect(await page.title()).toBe('Nothing was connected');
      expect((await open(page, link)).status()).toBe(410);
      await session.close();
    });
  });

  describe('with browser login', () => {
    let server: OAuthServer;
    const loginClientId = 'mcp-chromium-login';

    beforeAll(async () => {
      server = await startOAuthServer(sandbox, {
        ...app,
        encryptionKeys: generateEncryptionKey('chr'),
        browserLogin: { issuer: sandbox.idp.issuer, clientId: loginClientId },
      });
      registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
      sandbox.registerIdpClient(loginClientId, [`${server.publicUrl}/connect/login-callback`]);
    });

    afterAll(async () => {
      await server?.stop();
    });

    async function linkFor(subject: string) {
      const token = await sandbox.mintCallerToken({ subject, audience: server.mcpUrl });
      const session = await mcpClient(server.mcpUrl, token);
      return { session, link: connectLinkIn(textOf(await session.call('confluence_list_spaces'))) };
    }

    /** Opens the link, presses "Sign in", and picks `subject` on the sandbox identity provider's page. */
    async function signInAs(page: Page, link: string, subject: string) {
      await page.setContent(`<a id="connect" href="${link}">Connect Confluence</a>`);
      expect((await clickAndWait(page, '#connect')).status()).toBe(200);
      expect(await page.title()).toBe('Sign in to connect your Atlassian account');
      await clickAndWait(page, 'button[value="sign-in"]');
      expect(page.url().startsWith(`${sandbox.idp.issuer}/authorize?`)).toBe(true);
      return clickAndWait(page, `button[name="subject"][value="${subject}"]`);
    }

    it('signs in at the identity provider, then consents at Atlassian, and tools work', async () => {
      const { session, link } = await linkFor('alice');
      const page = await freshPage();
      await signInAs(page, link, 'alice');
      const done = await approveAtSandbox(page, ID.priya);
      expect(done.status()).toBe(200);
      expect(await page.title()).toBe('Confluence connected');
      const after = await session.call('confluence_list_spaces');
      expect(after.isError, textOf(after)).toBeFalsy();
      await session.close();
    });

    it("refuses Mallory's link opened and signed into by Victor in his own browser", async () => {
      const { session, link } = await linkFor('mallory');
      const victors = await freshPage();
      const refused = await signInAs(victors, link, 'victor');
      expect(refused.status()).toBe(403);
      expect(await victors.title()).toBe('This link is not for you');
      expect(await visibleText(victors)).toContain('You are signed in as Victor Example');
      const after = await session.call('confluence_get_connection');
      expect((after.structuredContent as { connected: boolean }).connected).toBe(false);
      await session.close();
    });
  });

  describe('finishing `confluence-mcp login` (stdio)', () => {
    let home: string;
    let configFile: string;
    const stdioApp = { clientId: 'mcp-chromium-stdio', clientSecret: 'chromium-stdio-secret-value' };
    const env = () => ({ XDG_CONFIG_HOME: home, ATLASSIAN_CLIENT_SECRET: stdioApp.clientSecret });

    beforeAll(async () => {
      const loopback = await reservePort();
      registerApp(sandbox, stdioApp.clientId, stdioApp.clientSecret, [`http://127.0.0.1:${loopback}`]);
      home = mkdtempSync(join(tmpdir(), 'cmcp-chromium-home-'));
      configFile = join(home, 'mcp.config.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          atlassian: { authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: stdioApp.clientId },
          connect: { loopbackPort: loopback },
        }),
      );
    });

    it('opens the printed link, continues, consents, and the stdio server then acts as that account', async () => {
      const login = startCli(['login', '--config', configFile], env());
      try {
        const link = (await login.waitFor(/(http:\/\/127\.0\.0\.1:\d+\/connect\/\S+)/))[1] as string;
        const page = await freshPage();
        await open(page, link);
        expect(await visibleText(page)).toContain('you (this computer)');
        await clickAndWait(page, 'button[value="continue"]');
        const done = await approveAtSandbox(page, ID.jonas);
        expect(done.status()).toBe(200);
        expect(await page.title()).toBe('Confluence connected');
        await login.waitFor(/Connected as Jonas Becker/);
      } catch (error) {
        // What the login process said is the first thing to read when this fails.
        throw new Error(`${(error as Error).message}\nconfluence-mcp login said:\n${login.stderr()}`);
      } finally {
        await login.stop();
      }

      const client = new Client({ name: 'chromium-stdio', version: '1.0.0' });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [CLI, 'stdio', '--config', configFile],
          env: { PATH: process.env.PATH ?? '', ...env() },
          stderr: 'pipe',
        }),
      );
      try {
        const result = (await client.callTool({
          name: 'confluence_get_connection',
          arguments: {},
        })) as CallToolResult;
        expect(result.structuredContent).toMatchObject({
          connected: true,
          account: { name: 'Jonas Becker' },
        });
      } finally {
        await client.close();
      }
      // Two server processes and a browser on a machine shared with the rest of the suite: room to be slow.
    }, 60_000);
  });
});
