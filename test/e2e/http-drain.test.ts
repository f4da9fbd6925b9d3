import { afterAll, beforeAll, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { staticRuntime } from '../../src/runtime.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { type RunningHttpServer, startHttpServer } from '../../src/transports/http.js';
import { gatewayAuth } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';
import { mcpClient } from '../support/oauth-server.js';

// The drain's edges, in process: nothing in flight, a call that outlives the grace, and what a draining server
// still answers.
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  sandbox?.faults.clear();
  await sandbox?.close();
});

async function serve(): Promise<RunningHttpServer> {
  const config = configSchema.parse({ http: { port: 0 }, limits: { requestTimeoutMs: 60_000 } });
  return startHttpServer({
    http: config.http,
    batch: config.limits,
    log: silentLogger,
    build: () => staticRuntime(config, gatewayAuth(sandbox), silentLogger),
  });
}

it('shuts down at once with nothing in flight, and stops listening', async () => {
  const http = await serve();
  const session = await mcpClient(http.mcpUrl, 'unused');
  const r = await session.call('confluence_list_spaces', { limit: 1 });
  expect(r.isError, textOf(r)).toBeFalsy();
  await session.close();
  expect(await http.shutdown(60_000)).toBe(true);
  await expect(fetch(`${http.url}/healthz`)).rejects.toThrow();
});

it('gives up on a call that outlives the grace, says so, and still closes', async () => {
  const http = await serve();
  sandbox.faults.add({ method: 'GET', path: 'api/v2/spaces', hold: true, times: 1 });
  // A raw POST: its answer (server-sent events) ends with its connection, where a client would wait for a timeout.
  const call = fetch(http.mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'confluence_list_spaces', arguments: { limit: 1 } },
    }),
  })
    .then((answer) => answer.text())
    .then(
      (text) => (text.includes('"id":7') ? 'answered' : 'cut off'),
      () => 'cut off',
    );
  await sandbox.faults.whenHeld(1);
  const stopping = http.shutdown(200);
  // While draining, the server is alive but not ready, and turns new calls away.
  expect((await fetch(`${http.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${http.url}/readyz`)).status).toBe(503);
  const refused = await fetch(http.mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  expect(refused.status).toBe(503);
  expect(await refused.json()).toMatchObject({ error: { message: expect.stringMatching(/shutting down/) } });
  expect(await stopping).toBe(false);
  expect(await call).toBe('cut off');
  sandbox.faults.release();
});
