import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { gatewayAuth, startToolServer } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';

let sandbox: Sandbox;
const id = (title: string) => {
  for (const page of sandbox.site.pages.values()) if (currentVersion(page).title === title) return page.id;
  throw new Error(`no page "${title}"`);
};

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

describe('read-only mode', () => {
  it('offers only the tools marked readOnlyHint and refuses calls to the others, writing nothing', async () => {
    const server = await startToolServer(gatewayAuth(sandbox), { tools: { readOnly: true } });
    try {
      const { tools } = await server.client.listTools();
      const expected = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
      expect(tools.map((t) => t.name).sort()).toEqual(expected.sort());
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      const pages = sandbox.site.pages.size;
      const refused = await server
        .call('confluence_create_page', { space: 'ENG', title: 'Should not exist' })
        .catch((e: Error) => e);
      const text = refused instanceof Error ? refused.message : textOf(refused);
      expect(text).toMatch(/confluence_create_page.*not found|Tool .* not found/i);
      expect(sandbox.site.pages.size).toBe(pages);
    } finally {
      await server.close();
    }
  });
});

describe('space deny-list', () => {
  it("hides a denied space's pages from reads, writes and search", async () => {
    const server = await startToolServer(gatewayAuth(sandbox), { tools: { spaces: { deny: ['ENG'] } } });
    try {
      const spaces = (await server.call('confluence_list_spaces', { limit: 50 })).structuredContent as {
        spaces: { key: string }[];
      };
      expect(spaces.spaces.map((s) => s.key)).not.toContain('ENG');
      expect(spaces.spaces.map((s) => s.key)).toContain('PROD');

      const hidden = id('Deployment guide');
      const read = await server.call('confluence_get_page', { page: hidden });
      expect(read.isError).toBe(true);
      expect(textOf(read)).toMatch(/Not found/);

      const search = (await server.call('confluence_search', { query: 'deploy', limit: 50 }))
        .structuredContent as {
        results: { space_key?: string }[];
        cql: string;
      };
      expect(search.cql).toContain('space not in ("ENG")');
      expect(search.results.some((r) => r.space_key === 'ENG')).toBe(false);
      const raw = (await server.call('confluence_search', { cql: 'space = ENG', limit: 50 }))
        .structuredContent as {
        total_size: number;
      };
      expect(raw.total_size).toBe(0);

      const listed = (await server.call('confluence_list_pages', { limit: 100 })).structuredContent as {
        pages: { space_id: string }[];
      };
      const engId = [...sandbox.site.spaces.values()].find((s) => s.key === 'ENG')?.id;
      expect(listed.pages.some((p) => p.space_id === engId)).toBe(false);

      const versions = sandbox.site.pages.get(hidden)?.versions.length;
      const write = await server.call('confluence_update_page', { page: hidden, title: 'Renamed' });
      expect(textOf(write)).toMatch(/Not found/);
      expect(sandbox.site.pages.get(hidden)?.versions.length).toBe(versions);
      const create = await server.call('confluence_create_page', { space: 'ENG', title: 'Sneaky' });
      expect(textOf(create)).toMatch(/Not found/);
      const labels = await server.call('confluence_add_labels', { page: hidden, labels: ['x'] });
      expect(textOf(labels)).toMatch(/Not found/);
      const children = await server.call('confluence_get_page_children', { page: hidden });
      expect(textOf(children)).toMatch(/Not found/);
    } finally {
      await server.close();
    }
  });

  it('with an allow-list, reaches only the listed spaces', async () => {
    const server = await startToolServer(gatewayAuth(sandbox), { tools: { spaces: { allow: ['PROD'] } } });
    try {
      const spaces = (await server.call('confluence_list_spaces', { limit: 50 })).structuredContent as {
        spaces: { key: string }[];
      };
      expect(spaces.spaces.map((s) => s.key)).toEqual(['PROD']);
      expect(textOf(await server.call('confluence_get_page', { page: id('Deployment guide') }))).toMatch(
        /Not found/,
      );
    } finally {
      await server.close();
    }
  });
});

describe('purge', () => {
  it('purges from the trash for good when the operator allows it', async () => {
    const server = await startToolServer(gatewayAuth(sandbox), { tools: { allowPurge: true } });
    try {
      const created = (
        await server.call('confluence_create_page', { space: 'PROD', title: 'Purge me', body: 'temporary' })
      ).structuredContent as { id: string };
      const result = await server.call('confluence_delete_page', { page: created.id, purge: true });
      expect(result.structuredContent).toMatchObject({ result: 'purged' });
      expect(sandbox.site.pages.has(created.id)).toBe(false);
    } finally {
      await server.close();
    }
  });
});
