import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { GRANULAR_SCOPES } from '../confluence/index.js';
import { type Logger, silentLogger } from '../log.js';
import type { ApiContext, ApiRoute } from './api.js';
import { type FaultRule, Faults, faultFromJson } from './faults.js';
import { HttpError, parseJson, type Reply, readBody, send, v2Error } from './http.js';
import { type CallerTokenRequest, createSandboxIdp, type SandboxIdpInfo } from './idp.js';
import type { SandboxUser } from './model.js';
import {
  accessibleResources,
  authorize,
  decide,
  type OAuthHost,
  type PendingAuthorization,
  token,
} from './oauth-routes.js';
import { OAuthState } from './oauth-state.js';
import { Router } from './router.js';
import { registerGroupRoutes } from './routes/groups.js';
import { registerLabelRoutes } from './routes/labels.js';
import { registerPageRoutes } from './routes/pages.js';
import { registerSearchRoutes } from './routes/search.js';
import { registerSiteRoutes } from './routes/site.js';
import { registerSpaceRoutes } from './routes/spaces.js';
import { registerUserRoutes } from './routes/users.js';
import { demoSite } from './seed/demo-site.js';
import type { SeedSite } from './seed/types.js';
import { Site } from './site.js';

export interface SandboxOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The main site; the demo site by default. */
  seed?: SeedSite;
  /** More sites the same users reach through the gateway (`/site/{name}/wiki` on the site form). */
  extraSites?: readonly SeedSite[];
  /** Approve consent at once as the demo user, for tests. */
  autoApprove?: boolean;
  /** OAuth apps to register; one is always registered and printed. */
  clients?: readonly { clientId: string; clientSecret: string; redirectUris: readonly string[] }[];
  latencyMs?: number;
  /** Lifetime of issued access tokens; Atlassian's is an hour. Tests shorten it to watch refreshes happen. */
  accessTokenSeconds?: number;
  log?: Logger;
}

/** A running sandbox: the fake Confluence Cloud site(s) and Atlassian's OAuth server, with test knobs. */
export interface Sandbox {
  /** Origin of everything: site form at `{url}/wiki`, gateway at `{url}/ex/confluence/{cloudId}`, OAuth at `{url}`. */
  readonly url: string;
  readonly site: Site;
  readonly sites: readonly Site[];
  readonly users: ReadonlyMap<string, SandboxUser>;
  /** The account the printed credentials act as. */
  readonly demoUser: SandboxUser;
  readonly oauth: OAuthState;
  readonly faults: Faults;
  readonly clock: { now(): number; advance(ms: number): void };
  /** Header `x-sandbox-admin` value for the `/__sandbox/*` endpoints. */
  readonly adminKey: string;
  /** The OAuth app every sandbox has. */
  readonly client: { clientId: string; clientSecret: string };
  autoApproveAccountId: string | undefined;
  /** A bearer token for the gateway, as if a user had consented to `scopes`. */
  mintAccessToken(accountId: string, scopes?: readonly string[], seconds?: number): string;
  /** The MCP caller's identity provider: issuer `{url}/idp`, JWKS at `{url}/idp/jwks.json`. */
  readonly idp: SandboxIdpInfo;
  /** A signed RS256 `at+jwt` bearer token for the MCP server, as a caller's identity provider would issue. */
  mintCallerToken(request: CallerTokenRequest): Promise<string>;
  /** Lets a browser sign in at `{url}/idp/authorize` with client `clientId`, coming back to one of these URIs. */
  registerIdpClient(clientId: string, redirectUris: readonly string[]): void;
  /** Browser sign-ins at the identity provider succeed at once as this subject; undefined shows the page. */
  idpAutoLogin: string | undefined;
  close(): Promise<void>;
}

const UNAUTHORIZED = { code: 401, message: 'Unauthorized' };
const SCOPE_MISMATCH = { code: 401, message: 'Unauthorized; scope does not match' };
const SITE_UNAUTHENTICATED = {
  statusCode: 401,
  message: 'Client must be authenticated to access this resource.',
};

function buildRouter(): Router<ApiRoute> {
  const router = new Router<ApiRoute>();
  registerPageRoutes(router);
  registerSpaceRoutes(router);
  registerLabelRoutes(router);
  registerUserRoutes(router);
  registerGroupRoutes(router);
  registerSiteRoutes(router);
  registerSearchRoutes(router);
  return router;
}

/** Every API route of the sandbox with the scopes it enforces, for the contract test against the spec. */
export function sandboxRoutes() {
  return buildRouter()
    .list()
    .map((r) => ({ method: r.method, pattern: r.pattern, scopes: r.value.scopes }));
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Starts a sandbox on a real port. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? silentLogger;
  let offset = 0;
  const clock = {
    now: () => Date.now() + offset,
    advance: (ms: number) => {
      offset += ms;
    },
  };
  const seeds = [options.seed ?? demoSite, ...(options.extraSites ?? [])];
  const users = new Map<string, SandboxUser>();
  for (const seed of seeds)
    for (const u of seed.users) if (!users.has(u.accountId)) users.set(u.accountId, { ...u });
  const sites = seeds.map(
    (seed, i) => new Site(seed, users, () => new Date(clock.now()), 65_537 + i * 10_000_000),
  );
  const site = sites[0] as Site;
  const demoUser = users.get(seeds[0]?.users[0]?.accountId ?? '') as SandboxUser;
  const oauth = new OAuthState(clock.now, { accessTokenSeconds: options.accessTokenSeconds });
  const faults = new Faults();
  faults.latencyMs = options.latencyMs ?? 0;
  const adminKey = randomBytes(18).toString('base64url');
  const client = { clientId: 'sandbox-app', clientSecret: randomBytes(24).toString('base64url') };
  oauth.registerClient({ ...client, redirectUris: [] });
  for (const c of options.clients ?? []) oauth.registerClient(c);
  const router = buildRouter();
  const pending = new Map<string, PendingAuthorization>();
  let origin = '';
  const idp = await createSandboxIdp(() => origin);
  const siteUrl = (s: Site) => (s === site ? origin : `${origin}/site/${s.name}`);

  const sandbox: Sandbox = {
    get url() {
      return origin;
    },
    site,
    sites,
    users,
    demoUser,
    oauth,
    faults,
    clock,
    adminKey,
    client,
    autoApproveAccountId: options.autoApprove ? demoUser.accountId : undefined,
    mintAccessToken: (accountId, scopes = GRANULAR_SCOPES, seconds = 3600) =>
      oauth.mintAccessToken(
        {
          accountId,
          scopes: new Set(scopes),
          cloudIds: sites.map((s) => s.cloudId),
          clientId: client.clientId,
        },
        seconds,
      ),
    idp: idp.info,
    mintCallerToken: (request) => idp.mint(request),
    registerIdpClient: (clientId, redirectUris) => idp.login.registerClient(clientId, redirectUris),
    get idpAutoLogin() {
      return idp.login.autoLogin;
    },
    set idpAutoLogin(subject) {
      idp.login.autoLogin = subject;
    },
    close: async () => {
      faults.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const oauthHost = (): OAuthHost => ({
    oauth,
    sites,
    users,
    autoApproveAccountId: sandbox.autoApproveAccountId,
    defaultAccountId: demoUser.accountId,
    siteUrl,
    pending,
  });

  async function api(req: IncomingMessage, url: URL, target: Site, via: 'gateway' | 'site', rest: string) {
    const match = router.match(req.method ?? 'GET', rest);
    const authorization = req.headers.authorization ?? '';
    let user: SandboxUser | undefined;
    if (via === 'gateway') {
      const bearer = /^Bearer (.+)$/i.exec(authorization)?.[1];
      const grant = bearer ? oauth.accessToken(bearer) : undefined;
      if (!grant?.cloudIds.includes(target.cloudId)) throw new HttpError(401, UNAUTHORIZED);
      if (
        match.value?.scopes.length &&
        !match.value.scopes.some((set) => set.every((s) => grant.scopes.has(s)))
      ) {
        throw new HttpError(401, SCOPE_MISMATCH);
      }
      user = users.get(grant.accountId);
    } else {
      // API tokens work on the site itself; OAuth tokens do not.
      const basic = /^Basic (.+)$/i.exec(authorization)?.[1];
      const [email, apiToken] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s) : [];
      user = [...users.values()].find(
        (u) =>
          u.email === email &&
          u.apiToken !== undefined &&
          apiToken !== undefined &&
          sameSecret(u.apiToken, apiToken),
      );
      if (!user) throw new HttpError(401, SITE_UNAUTHENTICATED);
    }
    if (!user) throw new HttpError(401, UNAUTHORIZED);
    if (!match.value) {
      throw match.pathExists
        ? new HttpError(405, { message: 'Method not allowed' })
        : v2Error(404, `No API at ${rest}`);
    }
    let body: Promise<unknown> | undefined;
    const ctx: ApiContext = {
      site: target,
      user,
      via,
      method: req.method ?? 'GET',
      query: url.searchParams,
      path: rest,
      base: `${siteUrl(target)}/wiki`,
      json: () => {
        body ??= readBody(req, 6 * 1024 * 1024).then(parseJson);
        return body;
      },
    };
    return match.value.handle(ctx, match.params);
  }

  async function admin(req: IncomingMessage, url: URL): Promise<Reply> {
    const key = req.headers['x-sandbox-admin'];
    if (typeof key !== 'string' || !sameSecret(key, adminKey))
      throw new HttpError(403, { message: 'admin key required' });
    const input = req.method === 'POST' ? parseJson((await readBody(req, 64 * 1024)) || '{}') : undefined;
    const o = (input ?? {}) as Record<string, unknown>;
    switch (`${req.method} ${url.pathname}`) {
      case 'POST /__sandbox/faults':
        faults.add(faultFromJson(input));
        return { status: 204 };
      case 'DELETE /__sandbox/faults':
        faults.clear();
        return { status: 204 };
      case 'GET /__sandbox/faults/held':
        return { status: 200, body: { held: faults.held } };
      case 'POST /__sandbox/faults/release':
        return { status: 200, body: { released: faults.release() } };
      case 'POST /__sandbox/latency':
        faults.latencyMs = Number(o.ms ?? 0);
        faults.jitterMs = Number(o.jitterMs ?? 0);
        return { status: 204 };
      case 'POST /__sandbox/faults/seed':
        faults.reseed(Number(o.seed ?? 1));
        return { status: 204 };
      case 'POST /__sandbox/clock':
        clock.advance(Number(o.advanceMs ?? 0));
        return { status: 204 };
      case 'POST /__sandbox/tokens': {
        const accountId = typeof o.accountId === 'string' ? o.accountId : demoUser.accountId;
        const scopes = Array.isArray(o.scopes) ? (o.scopes as string[]) : [...GRANULAR_SCOPES];
        const seconds = typeof o.expiresIn === 'number' ? o.expiresIn : 3600;
        return { status: 200, body: { access_token: sandbox.mintAccessToken(accountId, scopes, seconds) } };
      }
      case 'POST /__sandbox/clients':
        oauth.registerClient({
          clientId: String(o.clientId),
          clientSecret: String(o.clientSecret),
          redirectUris: (o.redirectUris as string[]) ?? [],
        });
        return { status: 204 };
      case 'POST /__sandbox/auto-approve':
        sandbox.autoApproveAccountId = typeof o.accountId === 'string' ? o.accountId : undefined;
        return { status: 204 };
      case 'POST /__sandbox/idp/token':
        return idp.mintReply(input);
      case 'POST /__sandbox/idp/clients':
        idp.login.registerClient(String(o.clientId), (o.redirectUris as string[]) ?? []);
        return { status: 204 };
      case 'POST /__sandbox/idp/auto-login':
        idp.login.autoLogin = typeof o.subject === 'string' ? o.subject : undefined;
        return { status: 204 };
      case 'GET /__sandbox/stats':
        return { status: 200, body: { token: oauth.stats } };
      default: {
        const m = /^\/__sandbox\/pages\/(\d+)$/.exec(url.pathname);
        const page = m && req.method === 'GET' ? site.pages.get(m[1] as string) : undefined;
        if (page) return { status: 200, body: { id: page.id, status: page.status, versions: page.versions } };
        throw new HttpError(404, { message: 'unknown admin endpoint' });
      }
    }
  }

  /**
   * Acts on the fault rule a request meets: true when the rule answered (or dropped) it, 'drop-answer' when the
   * request is to be served and its answer lost, false when it is served as usual.
   */
  async function applyFault(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean | 'drop-answer'> {
    const delay = faults.delayMs();
    if (delay) await sleep(delay);
    const rule: FaultRule | undefined = faults.take(req.method ?? 'GET', `${url.pathname}${url.search}`);
    if (!rule) return false;
    if (rule.hold) await faults.hold();
    if (rule.delayMs) await sleep(rule.delayMs);
    if (rule.drop) {
      req.socket.destroy();
      return true;
    }
    if (rule.dropResponse) return 'drop-answer';
    if (rule.status === undefined) return false;
    const headers: Record<string, string> = {};
    if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
    if (rule.status === 429) {
      headers['x-ratelimit-limit'] = '65000';
      headers['x-ratelimit-remaining'] = '0';
      headers['ratelimit-reason'] =
        rule.reason ??
        ((rule.retryAfter ?? 0) >= 60 ? 'confluence-quota-global-based' : 'confluence-burst-based');
      if ((rule.retryAfter ?? 0) >= 60) {
        headers['x-ratelimit-reset'] = new Date(clock.now() + (rule.retryAfter ?? 0) * 1000).toISOString();
      }
    }
    const body = rule.body ?? {
      errors: [
        {
          status: rule.status,
          code: rule.status === 429 ? 'TOO_MANY_REQUESTS' : 'ERROR',
          title: 'Injected fault',
          detail: null,
        },
      ],
    };
    send(res, { status: rule.status, body, headers });
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    if (url.pathname.startsWith('/__sandbox/')) return send(res, await admin(req, url));
    const fault = await applyFault(req, res, url);
    if (fault === true) return;
    if (fault === 'drop-answer') {
      // The work is done (a page created, a version written); only its answer is lost on the way back.
      await serve(req, url).catch(() => undefined);
      req.socket.destroy();
      return;
    }
    send(res, await serve(req, url));
  }

  /** The answer to a request no fault rule took. */
  async function serve(req: IncomingMessage, url: URL): Promise<Reply> {
    if (url.pathname === '/healthz') return { status: 200, body: { status: 'ok' } };
    const idpReply = idp.route(req.method ?? 'GET', url.pathname) ?? (await idp.login.handle(req, url));
    if (idpReply) return idpReply;
    if (url.pathname === '/authorize') {
      const host = oauthHost();
      return req.method === 'POST'
        ? await decide(host, req, clock.now())
        : authorize(host, url.searchParams, clock.now());
    }
    if (url.pathname === '/oauth/token' && req.method === 'POST') return await token(oauthHost(), req);
    if (url.pathname === '/oauth/token/accessible-resources') {
      return accessibleResources(oauthHost(), req.headers.authorization);
    }
    const gateway = /^\/ex\/confluence\/([^/]+)\/wiki(\/.*)$/.exec(url.pathname);
    if (gateway) {
      const target = sites.find((s) => s.cloudId === gateway[1]);
      if (!target) throw new HttpError(404, { code: 404, message: 'Cloud id not found' });
      return await api(req, url, target, 'gateway', gateway[2] as string);
    }
    const direct = /^(?:\/site\/([^/]+))?\/wiki(\/.*)$/.exec(url.pathname);
    if (direct) {
      const target = direct[1] ? sites.find((s) => s.name === direct[1]) : site;
      if (!target) throw new HttpError(404, { message: 'No such site' });
      return await api(req, url, target, 'site', direct[2] as string);
    }
    return { status: 404, body: { message: 'Not found' } };
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof HttpError)
        return send(res, { status: error.status, body: error.body, headers: error.headers });
      log.error('sandbox request failed', { error, path: req.url });
      send(res, {
        status: 500,
        body: { errors: [{ status: 500, code: 'INTERNAL', title: 'Sandbox error', detail: null }] },
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;
  log.info('sandbox listening', { url: origin });
  return sandbox;
}
