import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { nodeFetch } from '../../src/confluence/node-fetch.js';
import { mockServer } from '../support/msw.js';

// The Confluence client's fetch runs on node:http; these tests hold it to the rule every unit and integration test
// lives by: msw answers what a test mocked and fails whatever it did not, so no request leaves the process.
describe('nodeFetch under msw', () => {
  it('gets the answer a test mocked', async () => {
    mockServer.use(
      http.post('https://acme.atlassian.net/wiki/api/v2/pages', async ({ request }) =>
        HttpResponse.json(
          { echoed: await request.json(), auth: request.headers.get('authorization') },
          { status: 201 },
        ),
      ),
    );
    const response = await nodeFetch()('https://acme.atlassian.net/wiki/api/v2/pages', {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'T' }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ echoed: { title: 'T' }, auth: 'Bearer t' });
  });

  it('fails a request no test mocked, without it reaching the server it was meant for', async () => {
    let reached = 0;
    const real = createServer((_req, res) => {
      reached++;
      res.end('a real answer');
    });
    await new Promise<void>((resolve) => real.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = real.address() as AddressInfo;
      await expect(nodeFetch()(`http://127.0.0.1:${port}/wiki/api/v2/pages/1`)).rejects.toThrow();
      expect(reached).toBe(0);
    } finally {
      await new Promise((resolve) => real.close(resolve));
    }
  });
});
