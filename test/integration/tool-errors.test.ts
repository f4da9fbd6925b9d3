import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ClientCredentialsError, OAuthUnavailableError } from '../../src/auth/atlassian/oauth-client.js';
import {
  MissingScopeError,
  NotConnectedError,
  type SessionProvider,
  SiteConflictError,
  UnknownSiteError,
} from '../../src/auth/session.js';
import { LockTimeoutError } from '../../src/auth/store/lock-timeout-error.js';
import { StoreUnavailableError } from '../../src/auth/store/store-unavailable-error.js';
import { configSchema } from '../../src/config/schema.js';
import { ERROR_KINDS } from '../../src/error-kind.js';
import { silentLogger } from '../../src/log.js';
import { describeExpectedError } from '../../src/mcp/errors.js';
import { createServer } from '../../src/mcp/server.js';
import { ALL_TOOLS, selectTools } from '../../tools/index.js';
import { connectInMemory, SITE, textOf } from '../support/mcp.js';
import { mockServer } from '../support/msw.js';

const PAGE_URL = `${SITE}/wiki/api/v2/pages/123`;
const v2 = (status: number, title: string) => ({ errors: [{ status, code: 'X', title, detail: null }] });

// Each upstream failure, what Confluence sends for it, and what the model must be told.
const cases = [
  {
    name: '404',
    reply: () => HttpResponse.json(v2(404, 'Not found'), { status: 404 }),
    says: /Not found: page 123 .*check the id/i,
  },
  {
    name: '401 scope mismatch',
    reply: () =>
      HttpResponse.json({ code: 401, message: 'Unauthorized; scope does not match' }, { status: 401 }),
    says: /Missing OAuth scope.*Retrying will not help; reconnect/,
  },
  {
    name: '401 expired credentials',
    reply: () => HttpResponse.json({ code: 401, message: 'Unauthorized' }, { status: 401 }),
    says: /rejected the credentials.*Reconnect/,
  },
  {
    name: '403',
    reply: () => HttpResponse.json({ statusCode: 403, message: 'Not permitted' }, { status: 403 }),
    says: /Permission denied.*Ask a space administrator/,
  },
  {
    name: '409',
    reply: () =>
      HttpResponse.json(v2(409, 'Version must be incremented on update. Current Version: [6]'), {
        status: 409,
      }),
    says: /Conflict on page 123 \(current version 6\).*Re-read it/,
  },
  {
    name: '410',
    reply: () => HttpResponse.json({ statusCode: 410, message: 'Gone' }, { status: 410 }),
    says: /retired the API.*Retrying will not help/,
  },
  {
    name: '429 with Retry-After',
    reply: () =>
      HttpResponse.json(v2(429, 'Rate limited'), { status: 429, headers: { 'Retry-After': '120' } }),
    says: /Rate limited.*Retry after 120 seconds/,
  },
  {
    name: '429 with an absurd Retry-After (1e13 seconds)',
    reply: () =>
      HttpResponse.json(v2(429, 'Rate limited'), {
        status: 429,
        headers: { 'Retry-After': '10000000000000' },
      }),
    says: /Rate limited.*Retry after 86400 seconds \(about \d\d:\d\d UTC\)/,
  },
  {
    name: '503',
    reply: () => new HttpResponse('upstream unavailable', { status: 503 }),
    says: /HTTP 503.*retry in a few seconds/,
  },
  {
    name: 'timeout',
    reply: async () => {
      await delay(2_000);
      return HttpResponse.json({});
    },
    says: /did not answer in time.*Retry once/,
  },
  { name: 'network failure', reply: () => HttpResponse.error(), says: /Could not reach Confluence/ },
] as const;

describe('upstream failures reach the model as distinct isError results that say what to do next', () => {
  const texts = new Map<string, string>();

  it.each(cases)('$name', async ({ name, reply, says }) => {
    mockServer.use(http.get(PAGE_URL, reply));
    // A server of its own for each case: a long Retry-After says the quota is spent, and the server then answers
    // every later call itself until the reset.
    const session = await connectInMemory({ config: { limits: { requestTimeoutMs: 300 } } });
    const result = await session.call('confluence_get_page', { page: '123' }).finally(() => session.close());
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(says);
    expect(text).not.toMatch(/test-api-token|Basic /);
    texts.set(name, text);
  });

  it('gives every failure its own message', () => {
    expect(texts.size).toBe(cases.length);
    expect(new Set(texts.values()).size).toBe(cases.length);
  });

  it('tells the model a write whose answer was lost may have happened, sending it once', async () => {
    let deletes = 0;
    mockServer.use(
      http.get(PAGE_URL, () =>
        HttpResponse.json({ id: '123', title: 'Plan', status: 'current', spaceId: '1' }),
      ),
      http.delete(PAGE_URL, () => {
        deletes++;
        return HttpResponse.error();
      }),
    );
    const session = await connectInMemory();
    const result = await session
      .call('confluence_delete_page', { page: '123' })
      .finally(() => session.close());
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      "No answer came from Confluence after the write on page 123 was sent (the connection failed or time ran out), so it may have been done anyway. Do not repeat it blindly: check first (for a new page, search for its title with confluence_search or list the space's pages; for other changes, read the content again), and repeat only what did not happen.",
    );
    expect(deletes).toBe(1);
  });
});

const CONNECT = 'https://mcp.example.com/connect/abc';
const NO_CREDENTIALS =
  'This server has no Confluence credentials. Set CONFLUENCE_SITE_URL, ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN (or ATLASSIAN_ACCESS_TOKEN and CONFLUENCE_CLOUD_ID) in its environment and restart it.';

// Failures before Confluence is reached (the connection, the token store, Atlassian's OAuth server, the arguments),
// each thrown where the session is made, and the text the model must get for it, word for word.
const sessionFailures: { name: string; error: Error; says: string | RegExp }[] = [
  {
    name: 'not connected, with a link',
    error: new NotConnectedError('You have not connected your Atlassian account yet.', 'none', CONNECT),
    says: `Not connected to Confluence. You have not connected your Atlassian account yet. Ask the user to open this link and approve access, then call the tool again: ${CONNECT}`,
  },
  {
    name: 'not connected, no link',
    error: new NotConnectedError(NO_CREDENTIALS, 'no-credentials'),
    says: `Not connected to Confluence. ${NO_CREDENTIALS}`,
  },
  {
    name: 'a scope not granted',
    error: new MissingScopeError(['read:page:confluence'], CONNECT),
    says: `Missing OAuth scope: Your Atlassian connection was not granted read:page:confluence. This tool needs it; retrying will not help. Ask the user to reconnect and approve it: ${CONNECT}`,
  },
  {
    name: 'an unknown site',
    error: new UnknownSiteError(
      'Your connection does not reach "other". It reaches: Acme (https://acme.atlassian.net).',
    ),
    says: 'Unknown site: Your connection does not reach "other". It reaches: Acme (https://acme.atlassian.net).',
  },
  {
    name: 'page URLs on two sites',
    error: new SiteConflictError(
      'The page URLs are on different sites (a and b); one call acts on one site.',
    ),
    says: 'Invalid arguments: The page URLs are on different sites (a and b); one call acts on one site.',
  },
  {
    name: 'the token store down',
    error: new StoreUnavailableError('redis did not answer within 1500 ms'),
    says: 'The token store is unavailable, so your Confluence connection cannot be read right now. Nothing is lost: retry in a minute.',
  },
  {
    name: 'a refresh held by another request',
    error: new LockTimeoutError('refresh:abc', 20_000),
    says: 'Your Confluence connection is being renewed by another request that is taking long. Retry in a few seconds.',
  },
  {
    name: "Atlassian's OAuth server down",
    error: new OAuthUnavailableError('token endpoint answered 503'),
    says: "Atlassian's sign-in service could not renew your access right now. Retry in a minute; your connection is kept.",
  },
  {
    name: "the app's credentials refused",
    error: new ClientCredentialsError('invalid_client'),
    says: "Atlassian refused this server's app credentials. This is a server configuration problem: tell its operator.",
  },
  {
    name: 'a bug',
    error: new Error('secret detail of a bug'),
    says: /^Internal error in confluence-mcp \(incident [0-9a-f]{8}\)\. The server logged the details; retrying may not help\.$/,
  },
];

describe('failures of the connection, the token store and the arguments reach the model as the text of their kind', () => {
  it.each(sessionFailures)('$name', async ({ error, says }) => {
    const sessions: SessionProvider = {
      session: () => Promise.reject(error),
      describe: async () => ({ connected: false, kind: 'none' }),
      disconnect: async () => false,
    };
    const config = configSchema.parse({});
    const factory = createServer({
      tools: selectTools(ALL_TOOLS, config.tools),
      sessions,
      limits: config.limits,
      policy: { spaces: config.tools.spaces, allowPurge: false },
      log: silentLogger,
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'errors', version: '1' });
    const [server] = await Promise.all([factory.connect(b), client.connect(a)]);
    try {
      const result = (await client.callTool({
        name: 'confluence_get_page',
        arguments: { page: '123' },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      if (typeof says === 'string') expect(textOf(result)).toBe(says);
      else expect(textOf(result)).toMatch(says);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('turns malformed CQL into a result that says where, before anything is searched', async () => {
    const session = await connectInMemory();
    try {
      const result = await session.call('confluence_search', { cql: 'title = "roadmap' });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^Invalid CQL: .+\. Nothing was searched; fix the query and call again/);
    } finally {
      await session.close();
    }
  });

  it('has a text for every kind of error, and none for an error without a kind', () => {
    for (const kind of ERROR_KINDS) {
      const error = Object.assign(new Error('what happened'), { kind });
      expect(describeExpectedError(error), kind).toEqual(expect.any(String));
    }
    expect(describeExpectedError(new Error('a bug'))).toBeUndefined();
    expect(describeExpectedError(Object.assign(new Error('x'), { kind: 'made-up' }))).toBeUndefined();
    expect(describeExpectedError({ kind: 'not-found', message: 'not an Error' })).toBeUndefined();
  });
});
