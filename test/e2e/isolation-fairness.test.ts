import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallerVerifier, VerifiedCaller } from '../../src/auth/caller/index.js';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { createServer, FairQueue } from '../../src/mcp/index.js';
import { staticRuntime } from '../../src/runtime.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { type RunningHttpServer, startHttpServer } from '../../src/transports/http.js';
import { ALL_TOOLS, selectTools } from '../../tools/index.js';
import { eventually } from '../support/eventually.js';
import { gatewayAuth } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';
import { mcpClient } from '../support/oauth-server.js';
import { sandboxPage } from '../support/two-users.js';

// The HTTP transport in this process with a fair queue the test can watch: one call at a time across all users,
// callers told apart by their bearer token, every call acting with one sandbox token.
const ISSUER = 'https://idp.example.com';
const queue = new FairQueue({
  maxConcurrentCalls: 1,
  maxConcurrentCallsPerUser: 4,
  maxQueuedCallsPerUser: 10,
});
let sandbox: Sandbox;
let http: RunningHttpServer;

const verifier: CallerVerifier = {
  async verify(token): Promise<VerifiedCaller> {
    return {
      userKey: JSON.stringify([ISSUER, token]),
      issuer: ISSUER,
      subject: token,
      expiresAt: Math.floor(Date.now() / 1000) + 600,
      scopes: ['mcp'],
      claims: {},
      emailVerified: false,
    };
  },
};

beforeAll(async () => {
  sandbox = await startSandbox();
  const config = configSchema.parse({ http: { host: '127.0.0.1', port: 0 } });
  const runtime = staticRuntime(config, gatewayAuth(sandbox), silentLogger);
  http = await startHttpServer({
    http: config.http,
    batch: config.limits,
    log: silentLogger,
    build: (publicUrl) => ({
      server: createServer({
        tools: selectTools(ALL_TOOLS, config.tools),
        sessions: runtime.sessions,
        limits: config.limits,
        policy: { spaces: config.tools.spaces, allowPurge: false },
        log: silentLogger,
        fairness: queue,
      }),
      callerAuth: { verifier, resource: `${publicUrl}/mcp`, issuer: ISSUER },
      close: () => runtime.close(),
    }),
  });
});

afterAll(async () => {
  await http?.close();
  await sandbox?.close();
});

describe('the fair queue over HTTP', () => {
  it("starts another user's call before a bursting user's second, third and fourth", async () => {
    const author = sandbox.demoUser.accountId;
    const page = sandboxPage(sandbox, 'ENG', 'Fairness page', '<p>fair</p>', author).id;
    const alice = await mcpClient(http.mcpUrl, 'alice');
    const bob = await mcpClient(http.mcpUrl, 'bob');
    // Every call that starts is held at the sandbox until released: calls finish in the order they start.
    sandbox.faults.add({ method: 'GET', path: `/pages/${page}`, hold: true });
    const finished: string[] = [];
    const call = (who: typeof alice, name: string) =>
      who.call('confluence_get_page', { page }).then((result) => {
        expect(result.isError, textOf(result)).toBeFalsy();
        finished.push(name);
      });
    const calls = [call(alice, 'a1')];
    await sandbox.faults.whenHeld(1);
    calls.push(call(alice, 'a2'), call(alice, 'a3'), call(alice, 'a4'));
    await eventually('alice’s burst waits', async () => (queue.load.waiting === 3 ? true : undefined));
    calls.push(call(bob, 'b1'));
    await eventually('bob’s call waits', async () => (queue.load.waiting === 4 ? true : undefined));
    for (let released = 0; released < 5; released++) {
      await sandbox.faults.whenHeld(1);
      expect(sandbox.faults.release()).toBe(1);
    }
    await Promise.all(calls);
    expect(finished).toEqual(['a1', 'b1', 'a2', 'a3', 'a4']);
    expect(queue.load).toEqual({ running: 0, waiting: 0, users: 0 });
    sandbox.faults.clear();
    await alice.close();
    await bob.close();
  });
});
