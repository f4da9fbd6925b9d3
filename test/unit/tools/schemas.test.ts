import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/log.js';
import { toolSchemas } from '../../../src/mcp/published.js';
import { staticRuntime } from '../../../src/runtime.js';
import { ALL_TOOLS, selectTools } from '../../../tools/index.js';

// Each tool as clients see it in tools/list (description, input schema, annotations), and the output schema its
// structuredContent keeps to (checked by the server, not published), pinned: a change to a contract must be
// deliberate (update with `npx vitest run --project unit -u` and review the diff).
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

  it.each(listed.map((t) => [t.name, t] as const))('%s', (name, tool) => {
    const definition = tools.find((t) => t.name === name);
    if (!definition) throw new Error(`${name} is listed but not defined`);
    expect(tool.outputSchema).toBeUndefined();
    expect({
      title: tool.title,
      description: tool.description,
      input: tool.inputSchema,
      output: z.toJSONSchema(toolSchemas(definition).output, { io: 'output' }),
      annotations: tool.annotations,
    }).toMatchSnapshot();
  });
});
