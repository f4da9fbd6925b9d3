import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/log.js';
import { staticRuntime } from '../../../src/runtime.js';
import { ALL_TOOLS, selectTools } from '../../../tools/index.js';

// Each tool's schemas as clients see them in tools/list, pinned: a change to a contract must be deliberate
// (update with `npx vitest run --project unit -u` and review the diff).
describe('tool schemas as published', async () => {
  const config = configSchema.parse({});
  const tools = selectTools(ALL_TOOLS, config.tools);
  const { server } = staticRuntime(config, undefined, silentLogger);
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'schema-test', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  const listed = (await client.listTools()).tools;
  await client.close();

  it('lists every registered tool', () => {
    expect(listed.map((t) => t.name)).toEqual(tools.map((t) => t.name));
  });

  it.each(listed.map((t) => [t.name, t] as const))('%s', (_name, tool) => {
    expect({
      input: tool.inputSchema,
      output: tool.outputSchema,
      annotations: tool.annotations,
    }).toMatchSnapshot();
  });
});
