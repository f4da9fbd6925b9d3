import { delay, HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  let session: Awaited<ReturnType<typeof connectInMemory>>;
  const texts = new Map<string, string>();

  beforeAll(async () => {
    session = await connectInMemory({ config: { limits: { requestTimeoutMs: 300 } } });
  });
  afterAll(async () => {
    await session.close();
  });

  it.each(cases)('$name', async ({ name, reply, says }) => {
    mockServer.use(http.get(PAGE_URL, reply));
    const result = await session.call('confluence_get_page', { page: '123' });
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
});
