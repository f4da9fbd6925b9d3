import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/store/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import {
  Browser,
  connectLinkIn,
  connectWithBrowserLogin,
  consentAtSandbox,
  field,
  signInAtSandboxIdp,
  startSignIn,
} from '../support/browser.js';
import { textOf } from '../support/mcp.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';

// One server whose connect links make the person sign in at the callers' identity provider (the sandbox's) and
// connect only when they are the caller the link was made for.
let sandbox: Sandbox;
let server: OAuthServer;
const app = { clientId: 'mcp-e2e', clientSecret: 'e2e-client-secret-value' };
const loginClientId = 'mcp-browser-login';

/** A caller's MCP session and the connect link its first, unconnected call answers with. */
async function linkFor(subject: string) {
  const token = await sandbox.mintCallerToken({ subject, audience: server.mcpUrl, name: `${subject} (mcp)` });
  const session = await mcpClient(server.mcpUrl, token);
  const first = await session.call('confluence_list_spaces');
  expect(first.isError).toBe(true);
  return { session, link: connectLinkIn(textOf(first)) };
}

async function stillNotConnected(session: Awaited<ReturnType<typeof linkFor>>['session']) {
  const after = await session.call('confluence_list_spaces');
  expect(after.isError).toBe(true);
  expect(textOf(after)).toMatch(/Not connected to Confluence/);
}

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startOAuthServer(sandbox, {
    ...app,
    encryptionKeys: generateEncryptionKey('e2e'),
    browserLogin: { issuer: sandbox.idp.issuer, clientId: loginClientId },
  });
  registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
  sandbox.registerIdpClient(loginClientId, [`${server.publicUrl}/connect/login-callback`]);
});

afterEach(() => {
  sandbox.idpAutoLogin = undefined;
});

afterAll(async () => {
  await server?.stop();
  await sandbox?.close();
});

describe('connect links with browser login', () => {
  it('connects when the person who signs in is the caller the link was made for', async () => {
    const { session, link } = await linkFor('alice');
    const browser = new Browser();
    // No one to recognise on the page: its button goes straight to the identity provider, with PKCE and a nonce.
    const page = await browser.request('GET', link);
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/alice/i);
    const opened = await startSignIn(browser, link);
    expect(opened.status).toBe(303);
    const authorize = new URL(opened.location as string);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${sandbox.idp.issuer}/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: loginClientId,
      redirect_uri: `${server.publicUrl}/connect/login-callback`,
      scope: 'openid',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.any(String),
      state: expect.any(String),
    });

    const callback = await signInAtSandboxIdp(browser, authorize.toString(), { subject: 'alice' });
    expect(callback.startsWith(`${server.publicUrl}/connect/login-callback?`)).toBe(true);
    const back = await browser.request('GET', callback);
    expect(back.status, back.text).toBe(303);
    expect(back.location?.startsWith(`${sandbox.url}/authorize?`)).toBe(true);
    const outcome = await consentAtSandbox(browser, back.location as string, ID.priya);
    expect(outcome.status, outcome.text).toBe(200);
    expect(outcome.text).toContain('Confluence connected');

    const again = await session.call('confluence_list_spaces');
    expect(again.isError, textOf(again)).toBeFalsy();
    const connection = (await session.call('confluence_get_connection')).structuredContent;
    expect(connection).toMatchObject({ connected: true, account: { account_id: ID.priya } });
    await session.close();
  });

  it("refuses when someone else signs in (Mallory's link opened by Victor), storing nothing and spending the link", async () => {
    const { session, link } = await linkFor('mallory');
    const victorsBrowser = new Browser();
    const outcome = await connectWithBrowserLogin(victorsBrowser, link, 'victor', ID.jonas);
    expect(outcome.status).toBe(403);
    expect(outcome.text).toContain('You are signed in as <strong>Victor Example</strong>');
    expect(outcome.text).toContain('this link was made for someone else. Nothing was connected.');
    // Mallory's identity is not named to Victor, and Victor never reached Atlassian's consent.
    expect(outcome.text).not.toMatch(/mallory/i);

    await stillNotConnected(session);
    const reopened = await victorsBrowser.request('GET', link);
    expect(reopened.status).toBe(410);
    // Not even Mallory can use it now.
    const mallorysTry = await connectWithBrowserLogin(new Browser(), link, 'mallory', ID.priya);
    expect(mallorysTry.status).toBe(410);
    await stillNotConnected(session);
    await session.close();
  });

  it('stores nothing when the person cancels at the identity provider, and the link still works for them', async () => {
    const { session, link } = await linkFor('carol');
    const browser = new Browser();
    const opened = await startSignIn(browser, link);
    const callback = await signInAtSandboxIdp(browser, opened.location as string, 'cancel');
    expect(new URL(callback).searchParams.get('error')).toBe('access_denied');
    const back = await browser.request('GET', callback);
    expect(back.status).toBe(200);
    expect(back.location).toBeUndefined();
    expect(back.text).toContain('You cancelled signing in.');
    expect(back.text).toContain('Nothing was connected');
    await stillNotConnected(session);

    const retried = await connectWithBrowserLogin(new Browser(), link, 'carol', ID.priya);
    expect(retried.status, retried.text).toBe(200);
    await session.close();
  });

  it('shows an error the identity provider sends back, and stores nothing', async () => {
    const { session, link } = await linkFor('erin');
    const browser = new Browser();
    const opened = await startSignIn(browser, link);
    // A provider that refuses the request sends the error to the redirect URI with the state.
    const state = new URL(opened.location as string).searchParams.get('state') as string;
    const failed = await browser.request(
      'GET',
      `${server.publicUrl}/connect/login-callback?error=temporarily_unavailable&state=${encodeURIComponent(state)}`,
    );
    expect(failed.status).toBe(200);
    expect(failed.text).toContain('The sign-in service reported: temporarily_unavailable.');
    await stillNotConnected(session);
    await session.close();
  });

  it('refuses a replayed login callback, and one brought to another browser', async () => {
    sandbox.idpAutoLogin = 'dave';
    const { session, link } = await linkFor('dave');
    const browser = new Browser();
    const opened = await startSignIn(browser, link);
    const callback = await signInAtSandboxIdp(browser, opened.location as string, { subject: 'ignored' });
    const first = await browser.request('GET', callback);
    expect(first.status).toBe(303);
    const replayed = await browser.request('GET', callback);
    expect(replayed.status).toBe(400);
    expect(replayed.text).toContain('This sign-in was already used or has expired');
    const elsewhere = await new Browser().request('GET', callback);
    expect(elsewhere.status).toBe(400);
    await stillNotConnected(session);

    // A fresh sign-in whose callback is opened in a browser that did not start it.
    const second = await linkFor('dave');
    const starter = new Browser();
    const started = await startSignIn(starter, second.link);
    const stolen = await signInAtSandboxIdp(starter, started.location as string, { subject: 'ignored' });
    const attacker = await new Browser().request('GET', stolen);
    expect(attacker.status).toBe(403);
    expect(attacker.text).toContain('This sign-in was started in another browser');
    await stillNotConnected(session);
    await second.session.close();
    await session.close();
  });

  it('starts no sign-in from a post without the page’s CSRF token, nor from another browser', async () => {
    const { session, link } = await linkFor('frank');
    const browser = new Browser();
    await browser.request('GET', link);
    const forged = await browser.request('POST', link, { csrf: 'x', decision: 'sign-in' });
    expect(forged.status).toBe(403);
    expect(forged.location).toBeUndefined();
    // Another browser that has the page's token but not its cookie.
    const token = field((await browser.request('GET', link)).text, 'csrf');
    const other = new Browser();
    await other.request('GET', `${server.publicUrl}/connect/${'x'.repeat(86)}`);
    const elsewhere = await other.request('POST', link, { csrf: token, decision: 'sign-in' });
    expect(elsewhere.status).toBe(403);
    const outcome = await connectWithBrowserLogin(new Browser(), link, 'frank', ID.priya);
    expect(outcome.status, outcome.text).toBe(200);
    await session.close();
  });
});
