import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../../src/config/index.js';
import { silentLogger } from '../../../src/log.js';
import { staticRuntime } from '../../../src/runtime.js';

// Counts the Ajv validators src/mcp builds (the SDK's own, inside node_modules, are not wrapped).
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('@modelcontextprotocol/sdk/validation/ajv', async (importOriginal) => {
  const original = await importOriginal<typeof import('@modelcontextprotocol/sdk/validation/ajv')>();
  class CountingValidator extends original.AjvJsonSchemaValidator {
    constructor(...args: ConstructorParameters<typeof original.AjvJsonSchemaValidator>) {
      super(...args);
      built.count++;
    }
  }
  return { ...original, AjvJsonSchemaValidator: CountingValidator };
});

const { sharedValidator } = await import('../../../src/mcp/validator.js');

/** A server from the factory, connected to a real client, and the validator the SDK server holds. */
async function connected() {
  const runtime = staticRuntime(configSchema.parse({}), undefined, silentLogger);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = await runtime.server.connect(serverSide);
  const client = new Client({ name: 'validator-test', version: '1' });
  await client.connect(clientSide);
  const validator = (server as unknown as { server: { _jsonSchemaValidator: unknown } }).server
    ._jsonSchemaValidator;
  return { client, validator };
}

describe('the JSON Schema validator servers share', () => {
  it('is one for every server the factory builds, and no Ajv is built to start and list tools', async () => {
    const before = built.count;
    const first = await connected();
    const second = await connected();
    expect((await first.client.listTools()).tools.length).toBeGreaterThan(0);
    expect(first.validator).toBe(sharedValidator);
    expect(second.validator).toBe(sharedValidator);
    expect(built.count - before).toBe(0);
    await first.client.close();
    await second.client.close();
  });

  it('builds its Ajv once, on the first schema it checks, and checks with it', () => {
    const before = built.count;
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    } as const;
    const check = sharedValidator.getValidator<{ name: string }>(schema);
    const again = sharedValidator.getValidator<{ name: string }>(schema);
    expect(built.count - before).toBe(1);
    expect(check({ name: 'x' }).valid).toBe(true);
    expect(again({ name: 42 }).valid).toBe(false);
    expect(again({}).valid).toBe(false);
    expect(sharedValidator.getValidator<string>({ type: 'string' })('text').valid).toBe(true);
    expect(built.count - before).toBe(1);
  });
});
