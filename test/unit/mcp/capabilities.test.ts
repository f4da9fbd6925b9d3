import { describe, expect, it } from 'vitest';
import { StoreRecords } from '../../../src/auth/records.js';
import {
  generateEncryptionKey,
  openSecretStore,
  parseEncryptionKeys,
} from '../../../src/auth/store/index.js';
import { CapabilityMemory } from '../../../src/mcp/capabilities.js';

async function memory() {
  const keys = parseEncryptionKeys(generateEncryptionKey('t'));
  const store = await openSecretStore('memory://', { keys });
  const records = new StoreRecords(keys);
  return { store, records, memory: new CapabilityMemory(store, records) };
}

const alice = { userKey: 'alice', label: 'alice' };
const bob = { userKey: 'bob', label: 'bob' };

describe('capability memory', () => {
  it("keeps each caller's URL elicitation support apart, under the caller's capabilities record", async () => {
    const { store, records, memory: m } = await memory();
    await m.remember(alice, { elicitation: { url: {} } });
    await m.remember(bob, { elicitation: { form: {} } });
    expect(await m.recall(alice)).toEqual({ elicitation: { url: {} } });
    expect(await m.recall(bob)).toEqual({});
    expect(await store.get(records.capabilities('alice'))).toEqual({ elicitation: { url: {} } });
  });

  it('keeps nothing but URL elicitation, whatever else the client declares', async () => {
    const { memory: m } = await memory();
    await m.remember(alice, {
      elicitation: { url: {}, form: {} },
      sampling: {},
      roots: { listChanged: true },
      experimental: { secret: { token: 'x' } },
    });
    expect(await m.recall(alice)).toEqual({ elicitation: { url: {} } });
  });

  it('knows nothing of a caller who never initialized, or of a request without one', async () => {
    const { memory: m } = await memory();
    expect(await m.recall(alice)).toBeUndefined();
    expect(await m.recall(undefined)).toBeUndefined();
  });

  it('forgets what a client declared when it initializes again without it', async () => {
    const { memory: m } = await memory();
    await m.remember(alice, { elicitation: { url: {} } });
    await m.remember(alice, {});
    expect(await m.recall(alice)).toEqual({});
  });
});
