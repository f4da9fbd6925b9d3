import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/log.js';
import { staticRuntime } from '../../../src/runtime.js';
import { ALL_TOOLS, TOOLSETS } from '../../../tools/index.js';
import { apiTokenAuth } from '../../support/mcp.js';

/** The tools/list answer a real client receives, as the bytes of its JSON. */
async function listedBytes(config: Record<string, unknown> = {}) {
  const { server } = staticRuntime(configSchema.parse(config), apiTokenAuth, silentLogger);
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'size-test', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  const listed = await client.listTools();
  await client.close();
  return { listed, bytes: Buffer.byteLength(JSON.stringify(listed), 'utf8') };
}

describe('what tools/list costs a conversation', () => {
  it('lists every tool in at most 16 KB, each with a description for the model', async () => {
    const { listed, bytes } = await listedBytes({ tools: { toolsets: [...TOOLSETS] } });
    expect(listed.tools).toHaveLength(ALL_TOOLS.length);
    expect(bytes).toBeLessThanOrEqual(16 * 1024);
    for (const tool of listed.tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(30);
      expect(JSON.stringify(tool.inputSchema), tool.name).not.toContain('$schema');
    }
  });
});
