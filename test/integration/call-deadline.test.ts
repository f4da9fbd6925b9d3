import { delay, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { nodeFetch } from '../../src/confluence/node-fetch.js';
import { connectInMemory, SITE, textOf } from '../support/mcp.js';
import { mockServer } from '../support/msw.js';

const PAGE_URL = `${SITE}/wiki/api/v2/pages/321`;

/**
 * An upstream that never answers; `aborted` resolves when the server gives up on the request it holds. msw does not
 * tell its handler when a node:http request is dropped (it does for the global fetch), so the server's own fetch
 * is watched instead: the request's signal aborted and the fetch let go. That the connection is closed too is
 * node-fetch's own test (test/e2e/node-fetch.test.ts).
 */
function hangingUpstream() {
  let arrived: () => void = () => {};
  let abort: () => void = () => {};
  const reached = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const aborted = new Promise<void>((resolve) => {
    abort = resolve;
  });
  mockServer.use(
    http.get(PAGE_URL, async () => {
      arrived();
      await delay('infinite');
    }),
  );
  const send = nodeFetch();
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    try {
      return await send(request);
    } catch (error) {
      if (request.signal.aborted) abort();
      throw error;
    }
  };
  return { reached, aborted, fetch };
}

describe('one deadline per tool call, through the MCP edge', () => {
  it('aborts the in-flight upstream request at the deadline and answers with a timeout', async () => {
    const upstream = hangingUpstream();
    const session = await connectInMemory({
      config: { limits: { callDeadlineMs: 600 } },
      fetch: upstream.fetch,
    });
    try {
      const result = await session.call('confluence_get_page', { page: '321' });
      await upstream.aborted;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/did not answer in time for page 321/);
    } finally {
      await session.close();
    }
  });

  it('aborts the in-flight upstream request when the client cancels the call', async () => {
    const upstream = hangingUpstream();
    const session = await connectInMemory({
      config: { limits: { callDeadlineMs: 60_000 } },
      fetch: upstream.fetch,
    });
    try {
      const cancel = new AbortController();
      const call = session.client
        .callTool({ name: 'confluence_get_page', arguments: { page: '321' } }, undefined, {
          signal: cancel.signal,
        })
        .catch((error: unknown) => error);
      await upstream.reached;
      cancel.abort('the user changed their mind');
      // The server hears the cancellation and lets go of Confluence, long before the 60 s deadline.
      await upstream.aborted;
      // The client got no result for the call it gave up on.
      expect(await call).not.toHaveProperty('content');
    } finally {
      await session.close();
    }
  });
});
