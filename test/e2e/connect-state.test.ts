import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { Browser, callbackFor, connectLinkIn, field, startSignIn } from '../support/browser.js';
import { startConnectServer } from '../support/connect-server.js';
import { textOf } from '../support/mcp.js';
import { mcpClient } from '../support/oauth-server.js';

// What a connect flow keeps in the store, counted in the store: callers who never connect, people who open a
// link again and again, and many first calls at once must not make it grow.
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

const ofKind = (keys: string[], kind: string) => keys.filter((key) => key.startsWith(`${kind}:`));

async function session(mcpUrl: string, subject: string, name = subject) {
  return mcpClient(mcpUrl, await sandbox.mintCallerToken({ subject, audience: mcpUrl, name }));
}

async function linkOf(call: Promise<{ content: unknown[] }>) {
  return connectLinkIn(textOf((await call) as Parameters<typeof textOf>[0]));
}

describe('connect links over a memory store', () => {
  let server: Awaited<ReturnType<typeof startConnectServer>>;

  beforeAll(async () => {
    server = await startConnectServer(sandbox, {
      clientId: 'state-app',
      clientSecret: 'state-app-secret',
      browserLogin: { clientId: 'state-login' },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('keeps one link record for a user who calls 300 times and never connects, handing out the same link', async () => {
    const user = await session(server.mcpUrl, 'idle-user');
    const links = new Set<string>();
    for (let i = 0; i < 300; i++) links.add(await linkOf(user.call('confluence_list_spaces')));
    await user.close();
    expect(links.size).toBe(1);
    expect(ofKind(await server.records(), 'link')).toHaveLength(1);
  });

  it('keeps one link for a user whose 40 first calls arrive at once', async () => {
    const sessions = await Promise.all(
      Array.from({ length: 40 }, () => session(server.mcpUrl, 'rushed-user')),
    );
    const before = ofKind(await server.records(), 'link').length;
    const links = await Promise.all(sessions.map((s) => linkOf(s.call('confluence_get_connection'))));
    await Promise.all(sessions.map((s) => s.close()));
    expect(new Set(links).size).toBe(1);
    expect(ofKind(await server.records(), 'link').length - before).toBe(1);
  });

  it('stores nothing for 2,000 openings of a link, and keeps one sign-in however often "Sign in" is pressed', async () => {
    const user = await session(server.mcpUrl, 'curious-user');
    const link = await linkOf(user.call('confluence_list_spaces'));
    await user.close();
    const before = await server.records();
    for (let batch = 0; batch < 40; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(link)));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        await answer.text();
      }
    }
    expect(await server.records()).toEqual(before);

    const browser = new Browser();
    for (let i = 0; i < 20; i++) expect((await startSignIn(browser, link)).status).toBe(303);
    const after = await server.records();
    expect(ofKind(after, 'signin')).toHaveLength(1);
    expect(after.length - before.length).toBe(1);
  });

  it("never hands one user's link to another, and each link page leads to its own user only", async () => {
    const ann = await session(server.mcpUrl, 'ann');
    const ben = await session(server.mcpUrl, 'ben');
    const [annLink, benLink] = await Promise.all([
      linkOf(ann.call('confluence_list_spaces')),
      linkOf(ben.call('confluence_list_spaces')),
    ]);
    expect(annLink).not.toBe(benLink);
    // Ann's link signed into as Ben is refused, and spends Ann's link only.
    const refused = await connectAs(annLink, 'ben');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('this link was made for someone else');
    const stillBen = await connectAs(benLink, 'ben');
    expect(stillBen.status, stillBen.text).toBe(200);
    expect(await linkOf(ann.call('confluence_list_spaces'))).not.toBe(annLink);
    await Promise.all([ann.close(), ben.close()]);
  });

  it('never hands out a spent link again', async () => {
    const user = await session(server.mcpUrl, 'returning-user');
    const first = await linkOf(user.call('confluence_list_spaces'));
    const browser = new Browser();
    const signIn = await startSignIn(browser, first);
    expect(signIn.status).toBe(303);
    sandbox.idpAutoLogin = 'returning-user';
    try {
      const back = await browser.request(
        'GET',
        (await browser.request('GET', signIn.location as string)).location as string,
      );
      expect(back.status, back.text).toBe(303);
    } finally {
      sandbox.idpAutoLogin = undefined;
    }
    const second = await linkOf(user.call('confluence_list_spaces'));
    expect(second).not.toBe(first);
    expect((await new Browser().request('GET', first)).status).toBe(410);
    expect(ofKind(await server.records(), 'consent')).toHaveLength(1);
    await user.close();
  });

  /** Opens a link, signs in at the sandbox as `subject` (auto-login) and approves at Atlassian. */
  async function connectAs(link: string, subject: string) {
    const browser = new Browser();
    const started = await startSignIn(browser, link);
    sandbox.idpAutoLogin = subject;
    let back: Awaited<ReturnType<Browser['request']>>;
    try {
      const callback = (await browser.request('GET', started.location as string)).location as string;
      back = await browser.request('GET', callback);
    } finally {
      sandbox.idpAutoLogin = undefined;
    }
    if (back.status !== 303) return back;
    const consent = await browser.request('GET', back.location as string);
    const decided = await browser.request('POST', new URL('/authorize', back.location as string).toString(), {
      request: field(consent.text, 'request'),
      decision: 'approve',
      account_id: ID.priya,
    });
    return browser.request('GET', decided.location as string);
  }
});

describe('the fleet-wide cap on connect links', () => {
  let server: Awaited<ReturnType<typeof startConnectServer>>;

  beforeAll(async () => {
    server = await startConnectServer(sandbox, {
      clientId: 'cap-app',
      clientSecret: 'cap-app-secret',
      config: { connect: { maxPendingLinks: 2 } },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('refuses a new link past the cap with a clear message, while users who have one keep getting it', async () => {
    const users = await Promise.all(['cap-1', 'cap-2', 'cap-3'].map((s) => session(server.mcpUrl, s)));
    const [one, two, three] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const link = await linkOf(one.call('confluence_list_spaces'));
    await linkOf(two.call('confluence_list_spaces'));
    const refused = await three.call('confluence_list_spaces');
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(
      /Too many people are connecting to this server right now.*Try again in 10 minutes/,
    );
    expect(textOf(refused)).not.toMatch(/\/connect\//);
    expect(await linkOf(one.call('confluence_list_spaces'))).toBe(link);
    expect(ofKind(await server.records(), 'link')).toHaveLength(2);
    await Promise.all(users.map((u) => u.close()));
  });
});

describe('connect pages without their token store', () => {
  let server: Awaited<ReturnType<typeof startConnectServer>>;

  beforeAll(async () => {
    server = await startConnectServer(sandbox, { clientId: 'down-app', clientSecret: 'down-app-secret' });
  });

  afterAll(async () => {
    server.backend.down = false;
    await server?.close();
  });

  it('answer an HTML page saying to try again shortly, not a JSON-RPC error, and lose nothing', async () => {
    const user = await session(server.mcpUrl, 'patient-user');
    const link = await linkOf(user.call('confluence_list_spaces'));
    const browser = new Browser();
    const page = await browser.request('GET', link);
    const unavailable = async (answer: Awaited<ReturnType<Browser['request']>>) => {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(answer.text).toContain('try again shortly');
      expect(answer.text).not.toContain('jsonrpc');
    };
    server.backend.down = true;
    try {
      await unavailable(await new Browser().request('GET', link));
      await unavailable(
        await browser.request('POST', link, { csrf: field(page.text, 'csrf'), decision: 'continue' }),
      );
    } finally {
      server.backend.down = false;
    }
    // The link survived; the flow goes on to Atlassian, and the store fails again just as Atlassian sends the person back.
    const callback = await callbackFor(browser, link, ID.priya);
    server.backend.down = true;
    try {
      await unavailable(await browser.request('GET', callback));
    } finally {
      server.backend.down = false;
    }
    const done = await browser.request('GET', callback);
    expect(done.status, done.text).toBe(200);
    expect(done.text).toContain('Confluence connected');
    await user.close();
  });

  it('say so in a page when only saving the connection fails, after Atlassian has answered', async () => {
    const user = await session(server.mcpUrl, 'unlucky-user');
    const link = await linkOf(user.call('confluence_list_spaces'));
    const browser = new Browser();
    const callback = await callbackFor(browser, link, ID.priya);
    server.backend.downFor = /:kv:conn:/;
    let answer: Awaited<ReturnType<Browser['request']>>;
    try {
      answer = await browser.request('GET', callback);
    } finally {
      server.backend.downFor = undefined;
    }
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.text).toContain('could not save the connection');
    const after = await user.call('confluence_get_connection');
    expect((after.structuredContent as { connected: boolean }).connected).toBe(false);
    await user.close();
  });
});

describe('a read-only server', () => {
  let server: Awaited<ReturnType<typeof startConnectServer>>;

  beforeAll(async () => {
    server = await startConnectServer(sandbox, {
      clientId: 'ro-app',
      clientSecret: 'ro-app-secret',
      config: { tools: { readOnly: true } },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('asks Atlassian only for the scopes its read-only tools declare, and offline_access', async () => {
    const user = await session(server.mcpUrl, 'reader');
    const link = await linkOf(user.call('confluence_list_spaces'));
    const browser = new Browser();
    const page = await browser.request('GET', link);
    const started = await browser.request('POST', link, {
      csrf: field(page.text, 'csrf'),
      decision: 'continue',
    });
    expect(started.status).toBe(303);
    const asked = new Set(new URL(started.location as string).searchParams.get('scope')?.split(' '));
    const declared = ALL_TOOLS.filter((tool) => tool.annotations.readOnlyHint).flatMap((tool) => tool.scopes);
    expect(asked).toEqual(new Set([...declared, 'offline_access']));
    expect([...asked].filter((scope) => /^(write|delete):/.test(scope))).toEqual([]);
    await user.close();
  });
});
