import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { FLEET_AUDIENCE, fleetKey, seedConnections, startFleetInstance } from '../support/fleet.js';
import { textOf } from '../support/mcp.js';
import { mcpClient } from '../support/oauth-server.js';
import { deleteNamespace, describeWithRedis, redisUrl, uniqueNamespace } from '../support/redis.js';

const CALLS = 1000;
const IN_FLIGHT = 20;
const accounts = [ID.priya, ID.jonas, ID.sofia, ID.daniel];

describeWithRedis('a spent quota, shared by a fleet through Redis', () => {
  let sandbox: Sandbox;
  const options = { storeUrl: redisUrl, namespace: uniqueNamespace('quota'), encryptionKeys: fleetKey() };
  let instances: Awaited<ReturnType<typeof startFleetInstance>>[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox();
    instances = [await startFleetInstance(sandbox, options), await startFleetInstance(sandbox, options)];
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await sandbox?.close();
    await deleteNamespace(options.namespace);
  });

  it('answers 1,000 calls on two instances with when to retry, sending at most 5 requests until the reset', async () => {
    const users = accounts.map((accountId, i) => ({ subject: `quota-user-${i}`, accountId }));
    await seedConnections(sandbox, options, users);
    const sessions = await Promise.all(
      users.flatMap((user) =>
        instances.map(async (instance) =>
          mcpClient(
            instance.mcpUrl,
            await sandbox.mintCallerToken({ subject: user.subject, audience: FLEET_AUDIENCE }),
          ),
        ),
      ),
    );
    // The app's points are spent: Atlassian answers every request 429 until the top of the hour.
    const quota = sandbox.faults.add({ path: /\/wiki\/(api|rest)\//, status: 429, retryAfter: 1800 });

    const first = await (sessions[0] as (typeof sessions)[number]).call('confluence_list_spaces', {
      limit: 1,
    });
    expect(first.isError).toBe(true);
    expect(quota.hits).toBe(1);
    // The other instance knows it from Redis before it has sent anything of its own.
    const viaOther = await (sessions[1] as (typeof sessions)[number]).call('confluence_list_spaces', {
      limit: 1,
    });
    expect(textOf(viaOther)).toMatch(/Retry after/);
    expect(quota.hits).toBe(1);

    const texts: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < CALLS - 2) {
          const n = next++;
          const session = sessions[n % sessions.length] as (typeof sessions)[number];
          const result = await session.call('confluence_list_spaces', { limit: 1 });
          expect(result.isError).toBe(true);
          texts.push(textOf(result));
        }
      }),
    );
    texts.push(textOf(first), textOf(viaOther));
    expect(texts).toHaveLength(CALLS);
    for (const text of texts) expect(text).toMatch(/Retry after \d+ seconds \(about \d\d:\d\d UTC\)/);
    process.stdout.write(`spent quota: ${CALLS} calls on 2 instances sent ${quota.hits} upstream requests\n`);
    expect(quota.hits).toBeLessThanOrEqual(5);
    await Promise.all(sessions.map((s) => s.close()));
  });
});
