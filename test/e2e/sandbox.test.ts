import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';

// The sandbox is only worth testing against if it behaves like Confluence Cloud; these pin the behaviours that
// clients depend on, over real HTTP.
let sandbox: Sandbox;
let basic: string;
let gateway: string;

const pageId = (title: string) => {
  for (const page of sandbox.site.pages.values()) if (currentVersion(page).title === title) return page.id;
  throw new Error(`no page ${title}`);
};

async function get(path: string, auth = basic, init: RequestInit = {}) {
  const response = await fetch(`${sandbox.url}${path}`, {
    ...init,
    headers: { authorization: auth, ...init.headers },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  sandbox = await startSandbox();
  basic = `Basic ${Buffer.from(`${sandbox.demoUser.email}:${sandbox.demoUser.apiToken}`).toString('base64')}`;
  gateway = `/ex/confluence/${sandbox.site.cloudId}/wiki`;
});

afterAll(async () => {
  await sandbox?.close();
});

describe('sandbox routes and auth', () => {
  it('takes API tokens on the site and refuses OAuth tokens there', async () => {
    expect((await get('/wiki/api/v2/spaces')).status).toBe(200);
    const bearer = `Bearer ${sandbox.mintAccessToken(sandbox.demoUser.accountId)}`;
    expect((await get('/wiki/api/v2/spaces', bearer)).status).toBe(401);
    expect((await get(`${gateway}/api/v2/spaces`, bearer)).status).toBe(200);
    expect((await get(`${gateway}/api/v2/spaces`, basic)).status).toBe(401);
    expect((await get('/wiki/api/v2/spaces', 'Basic bm9ib2R5Om5vdGhpbmc=')).status).toBe(401);
  });

  it("answers the gateway's 401 scope mismatch for a token without the endpoint's scope", async () => {
    const bearer = `Bearer ${sandbox.mintAccessToken(sandbox.demoUser.accountId, ['read:page:confluence'])}`;
    const denied = await get(`${gateway}/api/v2/spaces`, bearer);
    expect(denied).toMatchObject({ status: 401, body: { message: 'Unauthorized; scope does not match' } });
    expect((await get(`${gateway}/api/v2/pages?limit=1`, bearer)).status).toBe(200);
  });

  it('refuses an expired access token', async () => {
    const bearer = `Bearer ${sandbox.mintAccessToken(sandbox.demoUser.accountId, undefined, 60)}`;
    expect((await get(`${gateway}/api/v2/spaces`, bearer)).status).toBe(200);
    sandbox.clock.advance(61_000);
    expect((await get(`${gateway}/api/v2/spaces`, bearer)).status).toBe(401);
  });

  it('answers 410 for the v1 content and space endpoints Atlassian retired', async () => {
    expect((await get('/wiki/rest/api/content?spaceKey=ENG')).status).toBe(410);
    expect((await get('/wiki/rest/api/space')).status).toBe(410);
  });
});

describe('sandbox content rules', () => {
  it('hides what the caller may not see with 404, and shows it to who may', async () => {
    const id = pageId('Break-glass access procedure');
    expect((await get(`/wiki/api/v2/pages/${id}`)).status).toBe(404);
    const admin = [...sandbox.users.values()].find((u) =>
      [...sandbox.site.groups.values()].some((g) => g.name === 'site-admins' && g.memberIds.has(u.accountId)),
    );
    if (!admin) throw new Error('no site admin in the seed');
    const bearer = `Bearer ${sandbox.mintAccessToken(admin.accountId)}`;
    expect((await get(`${gateway}/api/v2/pages/${id}`, bearer)).status).toBe(200);
  });

  it('pages with a cursor in _links.next and a Link header, and ends without them', async () => {
    const parent = pageId('Architecture decision records');
    const first = await get(`/wiki/api/v2/pages/${parent}/direct-children?limit=25`);
    expect(first.body.results).toHaveLength(25);
    expect(first.body._links.next).toMatch(/^\/wiki\/api\/v2\/pages\/\d+\/direct-children\?.*cursor=/);
    expect(first.headers.get('link')).toContain('rel="next"');
    const second = await get(first.body._links.next);
    expect(second.body.results).toHaveLength(33 - 25);
    expect(second.body._links.next).toBeUndefined();
    expect(second.headers.get('link')).toBeNull();
    const ids = [...first.body.results, ...second.body.results].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(33);
  });

  it('refuses a cursor reused with other filters', async () => {
    const first = await get('/wiki/api/v2/pages?limit=2&sort=title');
    const cursor = new URL(first.body._links.next, 'http://x').searchParams.get('cursor');
    expect((await get(`/wiki/api/v2/pages?limit=2&sort=-title&cursor=${cursor}`)).status).toBe(400);
  });

  it('walks descendants breadth-first to the asked depth', async () => {
    const home = [...sandbox.site.spaces.values()].find((s) => s.key === 'ENG')?.homepageId;
    const shallow = await get(`/wiki/api/v2/pages/${home}/descendants?depth=1&limit=250`);
    const deep = await get(`/wiki/api/v2/pages/${home}/descendants?depth=5&limit=250`);
    expect(shallow.body.results.every((r: { depth: number }) => r.depth === 1)).toBe(true);
    expect(Math.max(...deep.body.results.map((r: { depth: number }) => r.depth))).toBe(4);
    expect((await get(`/wiki/api/v2/pages/${home}/descendants?depth=11`)).status).toBe(400);
  });

  it('versions on update, answers 409 to a stale version and keeps the page as it was', async () => {
    const space = [...sandbox.site.spaces.values()].find((s) => s.key === 'ENG');
    const created = await get(
      '/wiki/api/v2/pages',
      basic,
      json('POST', {
        spaceId: space?.id,
        title: 'Sandbox versioning check',
        body: { representation: 'storage', value: '<p>v1</p>' },
      }),
    );
    expect(created.status).toBe(200);
    const id = created.body.id;
    const put = (n: number, value: string) =>
      get(
        `/wiki/api/v2/pages/${id}`,
        basic,
        json('PUT', {
          id,
          status: 'current',
          title: 'Sandbox versioning check',
          body: { representation: 'storage', value },
          version: { number: n },
        }),
      );
    expect((await put(2, '<p>v2</p>')).status).toBe(200);
    const stale = await put(2, '<p>lost update</p>');
    expect(stale.status).toBe(409);
    expect(stale.body.errors[0].title).toContain('Current Version: [2]');
    const now = await get(`/wiki/api/v2/pages/${id}?body-format=storage`);
    expect(now.body.version.number).toBe(2);
    expect(now.body.body.storage.value).toBe('<p>v2</p>');
    expect((await put(3, '<p>unclosed')).status).toBe(400);
    const old = await get(`/wiki/api/v2/pages/${id}?body-format=storage&version=1`);
    expect(old.body.body.storage.value).toBe('<p>v1</p>');
  });

  it('trashes on delete, purges only from the trash, and moves children up', async () => {
    const space = [...sandbox.site.spaces.values()].find((s) => s.key === 'PROD');
    const create = async (title: string, parentId?: string) =>
      (
        await get(
          '/wiki/api/v2/pages',
          basic,
          json('POST', {
            spaceId: space?.id,
            title,
            parentId,
            body: { representation: 'storage', value: '<p>x</p>' },
          }),
        )
      ).body;
    const parent = await create('Sandbox trash parent');
    const child = await create('Sandbox trash child', parent.id);
    expect(
      (await get(`/wiki/api/v2/pages/${parent.id}?purge=true`, basic, { method: 'DELETE' })).status,
    ).toBe(400);
    expect((await get(`/wiki/api/v2/pages/${parent.id}`, basic, { method: 'DELETE' })).status).toBe(204);
    expect((await get(`/wiki/api/v2/pages/${parent.id}`)).status).toBe(404);
    expect((await get(`/wiki/api/v2/pages/${parent.id}?status=trashed`)).body.status).toBe('trashed');
    expect((await get(`/wiki/api/v2/pages/${child.id}`)).body.parentId).toBe(parent.parentId);
    expect(
      (await get(`/wiki/api/v2/pages/${parent.id}?purge=true`, basic, { method: 'DELETE' })).status,
    ).toBe(204);
    expect((await get(`/wiki/api/v2/pages/${parent.id}?status=trashed`)).status).toBe(404);
  });

  it('refuses edits to a page the caller may see but not edit, with 403', async () => {
    const id = pageId('API style guide');
    const page = await get(`/wiki/api/v2/pages/${id}?body-format=storage`);
    expect(page.status).toBe(200);
    const put = await get(
      `/wiki/api/v2/pages/${id}`,
      basic,
      json('PUT', {
        id,
        status: 'current',
        title: page.body.title,
        body: { representation: 'storage', value: '<p>x</p>' },
        version: { number: page.body.version.number + 1 },
      }),
    );
    expect(put.status).toBe(403);
  });

  it('adds and removes labels through v1', async () => {
    const id = pageId('Deployment guide');
    const added = await get(
      `/wiki/rest/api/content/${id}/label`,
      basic,
      json('POST', [{ prefix: 'global', name: 'sandbox-check' }]),
    );
    expect(added.body.results.map((l: { name: string }) => l.name)).toContain('sandbox-check');
    expect(
      (await get(`/wiki/rest/api/content/${id}/label?name=sandbox-check`, basic, { method: 'DELETE' }))
        .status,
    ).toBe(204);
    const labels = await get(`/wiki/api/v2/pages/${id}/labels`);
    expect(labels.body.results.map((l: { name: string }) => l.name)).not.toContain('sandbox-check');
  });
});

describe('sandbox OAuth server', () => {
  const redirectUri = 'http://127.0.0.1:9/integration-callback';

  it('runs consent and a single-use code exchange that checks the client secret', async () => {
    sandbox.oauth.registerClient({
      clientId: 'app-1',
      clientSecret: 'secret-1',
      redirectUris: [redirectUri],
    });
    const authorize = new URL('/authorize', sandbox.url);
    authorize.search = new URLSearchParams({
      audience: 'api.atlassian.com',
      client_id: 'app-1',
      scope: 'read:page:confluence read:space:confluence offline_access',
      redirect_uri: redirectUri,
      state: 'state-123',
      response_type: 'code',
      prompt: 'consent',
    }).toString();
    const consent = await fetch(authorize);
    const html = await consent.text();
    expect(html).toContain('read:space:confluence');
    const request = /name="request" value="([^"]+)"/.exec(html)?.[1] as string;
    const decision = await fetch(new URL('/authorize', sandbox.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, decision: 'approve', account_id: sandbox.demoUser.accountId }),
    });
    expect(decision.status).toBe(302);
    const back = new URL(decision.headers.get('location') as string);
    expect(back.searchParams.get('state')).toBe('state-123');
    const code = back.searchParams.get('code') as string;

    const token = async (body: Record<string, string>) => {
      const r = await fetch(new URL('/oauth/token', sandbox.url), json('POST', body));
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const wrongSecret = await token({
      grant_type: 'authorization_code',
      client_id: 'app-1',
      client_secret: 'x',
      code,
      redirect_uri: redirectUri,
    });
    expect(wrongSecret).toMatchObject({ status: 401, body: { error: 'access_denied' } });
    const exchanged = await token({
      grant_type: 'authorization_code',
      client_id: 'app-1',
      client_secret: 'secret-1',
      code,
      redirect_uri: redirectUri,
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(exchanged.body.refresh_token).toBeTruthy();
    const replayed = await token({
      grant_type: 'authorization_code',
      client_id: 'app-1',
      client_secret: 'secret-1',
      code,
      redirect_uri: redirectUri,
    });
    expect(replayed).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
  });

  it('issues working tokens, lists sites, and rotates refresh tokens', async () => {
    sandbox.autoApproveAccountId = sandbox.demoUser.accountId;
    try {
      const authorize = new URL('/authorize', sandbox.url);
      authorize.search = new URLSearchParams({
        audience: 'api.atlassian.com',
        client_id: 'app-1',
        scope: 'read:page:confluence offline_access',
        redirect_uri: redirectUri,
        state: 's',
        response_type: 'code',
      }).toString();
      const redirect = await fetch(authorize, { redirect: 'manual' });
      const code = new URL(redirect.headers.get('location') as string).searchParams.get('code') as string;
      const tokenResponse = await fetch(
        new URL('/oauth/token', sandbox.url),
        json('POST', {
          grant_type: 'authorization_code',
          client_id: 'app-1',
          client_secret: 'secret-1',
          code,
          redirect_uri: redirectUri,
        }),
      );
      const tokens = (await tokenResponse.json()) as {
        access_token: string;
        refresh_token: string;
        expires_in: number;
      };
      expect(tokens.expires_in).toBe(3600);
      const resources = await get('/oauth/token/accessible-resources', `Bearer ${tokens.access_token}`);
      expect(resources.body).toEqual([
        expect.objectContaining({
          id: sandbox.site.cloudId,
          url: sandbox.url,
          scopes: ['read:page:confluence'],
        }),
      ]);
      expect((await get(`${gateway}/api/v2/pages?limit=1`, `Bearer ${tokens.access_token}`)).status).toBe(
        200,
      );
      const refreshed = await fetch(
        new URL('/oauth/token', sandbox.url),
        json('POST', {
          grant_type: 'refresh_token',
          client_id: 'app-1',
          client_secret: 'secret-1',
          refresh_token: tokens.refresh_token,
        }),
      );
      const next = (await refreshed.json()) as { refresh_token: string };
      expect(next.refresh_token).not.toBe(tokens.refresh_token);
      sandbox.clock.advance(11 * 60_000);
      const reused = await fetch(
        new URL('/oauth/token', sandbox.url),
        json('POST', {
          grant_type: 'refresh_token',
          client_id: 'app-1',
          client_secret: 'secret-1',
          refresh_token: tokens.refresh_token,
        }),
      );
      expect(reused.status).toBe(403);
      expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    } finally {
      sandbox.autoApproveAccountId = undefined;
    }
  });

  it('never redirects to an unregistered redirect URI, and reports denial to the app', async () => {
    const authorize = new URL('/authorize', sandbox.url);
    authorize.search = new URLSearchParams({
      audience: 'api.atlassian.com',
      client_id: 'app-1',
      scope: 'read:page:confluence',
      redirect_uri: 'https://evil.example/cb',
      response_type: 'code',
    }).toString();
    const refused = await fetch(authorize, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    authorize.searchParams.set('redirect_uri', redirectUri);
    const html = await (await fetch(authorize)).text();
    const request = /name="request" value="([^"]+)"/.exec(html)?.[1] as string;
    const denied = await fetch(new URL('/authorize', sandbox.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, decision: 'deny' }),
    });
    expect(new URL(denied.headers.get('location') as string).searchParams.get('error')).toBe('access_denied');
  });
});

describe('sandbox fault knobs', () => {
  it('holds a request until released, over the admin endpoints as in process', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${sandbox.url}/__sandbox/${path}`, {
        method,
        headers: { 'x-sandbox-admin': sandbox.adminKey, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect((await admin('POST', 'faults', { path: '/api/v2/spaces', hold: true, times: 2 })).status).toBe(
      204,
    );
    let answered = 0;
    const first = get('/wiki/api/v2/spaces').finally(() => answered++);
    const second = get('/wiki/api/v2/spaces?limit=1').finally(() => answered++);
    await sandbox.faults.whenHeld(2);
    expect(await (await admin('GET', 'faults/held')).json()).toEqual({ held: 2 });
    // Unheld requests go on meanwhile: the rule held two and is spent.
    expect((await get('/wiki/api/v2/spaces?limit=2')).status).toBe(200);
    expect(answered).toBe(0);
    expect(await (await admin('POST', 'faults/release')).json()).toEqual({ released: 2 });
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(sandbox.faults.held).toBe(0);
    sandbox.faults.clear();
  });

  it('adds latency, injects statuses with Retry-After a set number of times, and drops connections', async () => {
    sandbox.faults.add({ path: '/api/v2/spaces', status: 429, retryAfter: 7, times: 1 });
    const limited = await get('/wiki/api/v2/spaces');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await get('/wiki/api/v2/spaces')).status).toBe(200);
    sandbox.faults.add({ method: 'GET', path: /\/settings\/systemInfo$/, status: 503, times: 1 });
    expect((await get('/wiki/rest/api/settings/systemInfo')).status).toBe(503);
    sandbox.faults.add({ path: '/api/v2/labels', drop: true, times: 1 });
    await expect(get('/wiki/api/v2/labels')).rejects.toThrow();
    sandbox.faults.latencyMs = 150;
    const started = performance.now();
    await get('/wiki/api/v2/labels?limit=1');
    const elapsed = performance.now() - started;
    sandbox.faults.clear();
    // Only a lower bound: the knob must delay, whatever else the machine is doing.
    expect(elapsed).toBeGreaterThanOrEqual(140);
  });
});
