import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/store/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, callbackFor, connectLinkIn, connectThroughSandbox, field } from '../support/browser.js';
import { textOf } from '../support/mcp.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';

// One server process with per-user OAuth against the sandbox, which also plays the callers' identity provider.
let sandbox: Sandbox;
let server: OAuthServer;
const app = { clientId: 'mcp-e2e', clientSecret: 'e2e-client-secret-value' };

const tokenFor = (
  subject: string,
  extra: { name?: string; expiresInSeconds?: number; audience?: string } = {},
) =>
  sandbox.mintCallerToken({
    subject,
    audience: extra.audience ?? server.mcpUrl,
    name: extra.name ?? subject,
    ...extra,
  });

async function connectedAs(subject: string, accountId: string) {
  const session = await mcpClient(server.mcpUrl, await tokenFor(subject));
  const first = await session.call('confluence_list_spaces');
  expect(first.isError).toBe(true);
  const outcome = await connectThroughSandbox(new Browser(), connectLinkIn(textOf(first)), accountId);
  expect(outcome.status, outcome.text).toBe(200);
  return session;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startOAuthServer(sandbox, { ...app, encryptionKeys: generateEncryptionKey('e2e') });
  registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
});

afterAll(async () => {
  await server?.stop();
  await sandbox?.close();
});

describe('per-user OAuth over HTTP', () => {
  it('answers an unconnected call with a connect link; after consent the same call succeeds', async () => {
    const session = await mcpClient(server.mcpUrl, await tokenFor('alice', { name: 'Alice Example' }));
    const first = await session.call('confluence_list_spaces');
    expect(first.isError).toBe(true);
    const text = textOf(first);
    expect(text).toMatch(/Not connected to Confluence/);
    const link = connectLinkIn(text);
    expect(link.startsWith(`${server.publicUrl}/connect/`)).toBe(true);
    // The link carries nothing but a random id: no token, no user name.
    expect(link).not.toMatch(/alice|Alice|sbx-|Bearer/);

    const browser = new Browser();
    const confirm = await browser.request('GET', link);
    expect(confirm.text).toContain('Alice Example');
    expect(confirm.headers.get('x-frame-options')).toBe('DENY');
    const outcome = await connectThroughSandbox(new Browser(), link, ID.priya);
    // The first browser only looked: the link still works once for whoever continues it.
    expect(outcome.status, outcome.text).toBe(200);
    expect(outcome.text).toContain('Priya Raman');
    expect(outcome.text).toContain(sandbox.url);

    const again = await session.call('confluence_list_spaces');
    expect(again.isError, textOf(again)).toBeFalsy();
    expect((again.structuredContent as { spaces: { key: string }[] }).spaces.map((s) => s.key)).toContain(
      'ENG',
    );

    const connection = await session.call('confluence_get_connection');
    const described = connection.structuredContent as Record<string, unknown>;
    expect(described).toMatchObject({ connected: true, kind: 'oauth', account: { name: 'Priya Raman' } });
    expect(JSON.stringify(described)).not.toMatch(/sbx-at-|sbx-rt-/);
    await session.close();
  });

  it('keeps users apart: each acts as their own Atlassian account', async () => {
    const bob = await connectedAs('bob', ID.jonas);
    const carol = await connectedAs('carol', ID.priya);
    const onlyJonas = { cql: 'title ~ "promotion calibration"' };
    const bobSees = (await bob.call('confluence_search', onlyJonas)).structuredContent as {
      total_size: number;
    };
    const carolSees = (await carol.call('confluence_search', onlyJonas)).structuredContent as {
      total_size: number;
    };
    expect(bobSees.total_size).toBe(1);
    expect(carolSees.total_size).toBe(0);
    const bobAccount = (await bob.call('confluence_get_connection')).structuredContent as {
      account: { account_id: string };
    };
    const carolAccount = (await carol.call('confluence_get_connection')).structuredContent as {
      account: { account_id: string };
    };
    expect(bobAccount.account.account_id).toBe(ID.jonas);
    expect(carolAccount.account.account_id).toBe(ID.priya);
    await bob.close();
    await carol.close();
  });

  it('forgets a connection on disconnect, and asks to connect again', async () => {
    const dave = await connectedAs('dave', ID.priya);
    const out = await dave.call('confluence_disconnect');
    expect(out.structuredContent).toEqual({ disconnected: true });
    const after = await dave.call('confluence_list_spaces');
    expect(after.isError).toBe(true);
    expect(textOf(after)).toMatch(/connect\//);
    await dave.close();
  });

  it('asks clients that support it to open the connect link (URL elicitation, -32042)', async () => {
    const erin = await mcpClient(server.mcpUrl, await tokenFor('erin'), { elicitation: { url: {} } });
    const failure = await erin.call('confluence_list_spaces').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(McpError);
    const error = failure as McpError;
    expect(error.code).toBe(-32042);
    // The client's McpError adds the prefix once; the server's message must not carry it already.
    expect(error.message).toMatch(/^MCP error -32042: Connect your Atlassian account/);
    expect(error.message.match(/MCP error/g)).toHaveLength(1);
    const [elicitation] = (error.data as { elicitations: { mode: string; url: string; message: string }[] })
      .elicitations;
    expect(elicitation?.mode).toBe('url');
    expect(elicitation?.url.startsWith(`${server.publicUrl}/connect/`)).toBe(true);
    await erin.close();
  });
});

describe('verifying callers', () => {
  async function post(token: string | undefined) {
    const response = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '' };
  }

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('publishes protected-resource metadata at both well-known paths', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const metadata = await (await fetch(new URL(path, server.url))).json();
      expect(metadata).toMatchObject({
        resource: server.mcpUrl,
        authorization_servers: [sandbox.idp.issuer],
      });
    }
  });

  it.each([
    ['no token', async () => undefined],
    [
      'a token from another issuer',
      async () => {
        const other = await startSandbox();
        try {
          return await other.mintCallerToken({ subject: 'mallory', audience: server.mcpUrl });
        } finally {
          await other.close();
        }
      },
    ],
    ['a token for another audience', () => tokenFor('mallory', { audience: 'https://other.example/mcp' })],
    ['an expired token', () => tokenFor('mallory', { expiresInSeconds: -120 })],
    [
      'alg none',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: sandbox.idp.issuer, sub: 'mallory', aud: server.mcpUrl, exp: now + 600, iat: now })}.`;
      },
    ],
    [
      'HMAC signed with the RSA public key (algorithm confusion)',
      async () => {
        const jwks = (await (await fetch(sandbox.idp.jwksUrl)).json()) as {
          keys: (JsonWebKey & { kid: string })[];
        };
        const jwk = jwks.keys[0] as JsonWebKey & { kid: string };
        const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
        const now = Math.floor(Date.now() / 1000);
        const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid })}.${b64({ iss: sandbox.idp.issuer, sub: 'mallory', aud: server.mcpUrl, exp: now + 600, iat: now })}`;
        return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
      },
    ],
    [
      'an unknown key id',
      async () => {
        const real = await tokenFor('mallory');
        const [, payload, signature] = real.split('.');
        return `${b64({ alg: 'RS256', typ: 'at+jwt', kid: 'no-such-key' })}.${payload}.${signature}`;
      },
    ],
  ])('refuses %s with 401 and a challenge pointing at the metadata', async (_name, make) => {
    const { status, challenge } = await post(await make());
    expect(status).toBe(401);
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${server.url}/.well-known/oauth-protected-resource/mcp"`);
  });
});

describe('the connect flow refuses, storing nothing', () => {
  async function stillUnconnected(subject: string) {
    const session = await mcpClient(server.mcpUrl, await tokenFor(subject));
    const result = await session.call('confluence_get_connection');
    await session.close();
    return (result.structuredContent as { connected: boolean }).connected === false;
  }

  async function startFlow(subject: string) {
    const session = await mcpClient(server.mcpUrl, await tokenFor(subject));
    const link = connectLinkIn(textOf(await session.call('confluence_list_spaces')));
    await session.close();
    const browser = new Browser();
    const callback = await callbackFor(browser, link, ID.priya);
    return { browser, link, callback };
  }

  it('a replayed callback', async () => {
    const { browser, callback } = await startFlow('frank');
    expect((await browser.request('GET', callback)).status).toBe(200);
    const replay = await browser.request('GET', callback);
    expect(replay.status).toBe(400);
    expect(replay.text).toMatch(/already used or has expired/);
  });

  it('a tampered state', async () => {
    const { browser, callback } = await startFlow('grace');
    const url = new URL(callback);
    const state = url.searchParams.get('state') as string;
    const [h, p, s] = state.split('.');
    const payload = JSON.parse(Buffer.from(p as string, 'base64url').toString()) as Record<string, unknown>;
    url.searchParams.set(
      'state',
      `${h}.${Buffer.from(JSON.stringify({ ...payload, n: 'forged' })).toString('base64url')}.${s}`,
    );
    const response = await browser.request('GET', url.toString());
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/not valid/);
    expect(await stillUnconnected('grace')).toBe(true);
  });

  it("another user's state (a callback opened in someone else's browser)", async () => {
    const { callback } = await startFlow('heidi');
    const victimBrowser = new Browser();
    const response = await victimBrowser.request('GET', callback);
    expect(response.status).toBe(403);
    expect(response.text).toMatch(/another browser/);
    expect(await stillUnconnected('heidi')).toBe(true);
  });

  it('a used or unknown link, a forged confirmation and a denial', async () => {
    const session = await mcpClient(server.mcpUrl, await tokenFor('ivan'));
    const link = connectLinkIn(textOf(await session.call('confluence_list_spaces')));
    await session.close();
    const browser = new Browser();
    await browser.request('GET', link);
    const forged = await browser.request('POST', link, { csrf: 'guess', decision: 'continue' });
    expect(forged.status).toBe(403);
    expect((await browser.request('GET', link)).status).toBe(410);
    expect((await new Browser().request('GET', `${server.publicUrl}/connect/${'x'.repeat(43)}`)).status).toBe(
      410,
    );
    const denied = await connectThroughSandbox(
      new Browser(),
      connectLinkIn(
        textOf(await (await mcpClient(server.mcpUrl, await tokenFor('ivan'))).call('confluence_list_spaces')),
      ),
      ID.priya,
      { decision: 'deny' },
    );
    expect(denied.text).toMatch(/declined/);
    expect(await stillUnconnected('ivan')).toBe(true);
  });
});

describe('an opaque Origin (`Origin: null`)', () => {
  async function linkWithPage(subject: string) {
    const session = await mcpClient(server.mcpUrl, await tokenFor(subject));
    const link = connectLinkIn(textOf(await session.call('confluence_list_spaces')));
    await session.close();
    const page = await fetch(link);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] as string;
    return { link, cookie, csrf: field(await page.text(), 'csrf') };
  }

  const postForm = (url: string, form: Record<string, string>, headers: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', ...headers },
      body: new URLSearchParams(form).toString(),
    });

  it('is accepted on a connect form post that carries the page’s CSRF token and cookie', async () => {
    const { link, cookie, csrf } = await linkWithPage('olga');
    const answer = await postForm(link, { csrf, decision: 'continue' }, { cookie });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')?.startsWith(`${sandbox.url}/authorize?`)).toBe(true);
  });

  it('gets nowhere without the CSRF cookie, or with a wrong token', async () => {
    const { link, cookie, csrf } = await linkWithPage('oscar');
    const noCookie = await postForm(link, { csrf, decision: 'continue' }, {});
    expect(noCookie.status).toBe(403);
    expect(noCookie.headers.get('location')).toBeNull();
    expect(await noCookie.text()).toContain('This request was not sent from the confirmation page');
    const { link: other, cookie: otherCookie } = await linkWithPage('otto');
    const wrong = await postForm(other, { csrf: 'guess', decision: 'continue' }, { cookie: otherCookie });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('location')).toBeNull();
    expect(cookie).toMatch(/^cmcp_csrf=/);
  });

  it('is refused on /mcp, on the OAuth callback and on a link opened by GET', async () => {
    const mcp = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${await tokenFor('opal')}`,
        origin: 'null',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(mcp.status).toBe(403);
    expect(((await mcp.json()) as { error: { message: string } }).error.message).toMatch(
      /Origin not allowed/,
    );
    const { link } = await linkWithPage('otis');
    for (const url of [link, `${server.url}/integration-callback?code=c&state=s`]) {
      expect((await fetch(url, { headers: { origin: 'null' } })).status).toBe(403);
    }
    expect((await postForm(`${server.url}/integration-callback`, { code: 'c' }, {})).status).toBe(403);
  });
});

describe('the confirmation page names the caller by what their identity provider vouches for', () => {
  async function confirmationFor(claims: Parameters<typeof sandbox.mintCallerToken>[0]) {
    const session = await mcpClient(server.mcpUrl, await sandbox.mintCallerToken(claims));
    const link = connectLinkIn(textOf(await session.call('confluence_list_spaces')));
    await session.close();
    return (await new Browser().request('GET', link)).text;
  }

  it('puts the subject at its issuer first, and a self-chosen name only as marked, secondary text', async () => {
    const page = await confirmationFor({ subject: 'mallory', audience: server.mcpUrl, name: 'Priya Raman' });
    expect(page).toContain(`<p class="who"><strong>mallory at ${sandbox.idp.issuer}</strong>`);
    expect(page).toContain('<small>Name given by the requester, not verified: “Priya Raman”</small>');
    expect(page).not.toContain('<strong>Priya Raman</strong>');
  });

  it('shows an email first only when the token says it was verified', async () => {
    const unverified = await confirmationFor({
      subject: 'mallory2',
      audience: server.mcpUrl,
      email: 'priya@acme.example',
      emailVerified: false,
    });
    expect(unverified).toContain(`<strong>mallory2 at ${sandbox.idp.issuer}</strong>`);
    expect(unverified).not.toContain('priya@acme.example');
    const verified = await confirmationFor({
      subject: 'priya',
      audience: server.mcpUrl,
      email: 'priya@acme.example',
      emailVerified: true,
    });
    expect(verified).toContain('<p class="who"><strong>priya@acme.example</strong>');
    expect(verified).toContain(`account <code>priya</code> at <code>${sandbox.idp.issuer}</code>`);
  });
});
