import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { gatewayAuth, startToolServer } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';

// Clients such as the MCP Inspector send an id typed into a form as a JSON number (`page=65690`). Every argument that
// takes an id, found in the tool catalog as clients see it (tools/list), must take a number too, through a real MCP
// client over HTTP against the sandbox.
let sandbox: Sandbox;
let server: Awaited<ReturnType<typeof startToolServer>>;
let tools: Tool[];

const MISSING = 999_999_999;
const SCHEMA_REFUSAL = /Input validation error|expected string|Invalid input/i;

const pageId = (title: string) => {
  for (const page of sandbox.site.pages.values()) if (currentVersion(page).title === title) return page.id;
  throw new Error(`no page "${title}"`);
};
const spaceId = (key: string) => {
  for (const space of sandbox.site.spaces.values()) if (space.key === key) return space.id;
  throw new Error(`no space ${key}`);
};

/**
 * The input properties that take an id: the page references a tool declares (id, URL or tiny link), and every
 * property named for an id (space, group, account ids, site). Names, not descriptions: descriptions are kept short
 * for the model and need not say "id".
 */
const ID_ARGUMENTS = new Set(['space', 'group', 'account_ids', 'site']);
function idProperties(tool: Tool): { name: string; array: boolean; schema: Record<string, unknown> }[] {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const references: readonly string[] = ALL_TOOLS.find((t) => t.name === tool.name)?.pageReferences ?? [];
  return Object.entries(properties)
    .filter(
      ([name, schema]) =>
        references.includes(name) ||
        // A `space` that takes a key only (a search filter) is not an id argument.
        (ID_ARGUMENTS.has(name) && (name !== 'space' || /\bid\b/i.test(String(schema.description ?? '')))),
    )
    .map(([name, schema]) => {
      const array = schema.type === 'array';
      return { name, array, schema: array ? (schema.items as Record<string, unknown>) : schema };
    });
}

/** The other arguments a call needs besides the id under test, so only the id decides how it goes. */
function otherArguments(tool: string, property: string): Record<string, unknown> {
  const missing = String(MISSING);
  switch (tool) {
    case 'confluence_create_page':
      return { space: 'ENG', title: 'Numeric ids' };
    case 'confluence_update_page':
      return { page: missing, title: 'x' };
    case 'confluence_update_page_section':
      return { page: missing, heading: 'x', body: 'x' };
    case 'confluence_move_page':
      return property === 'page' || property === 'site'
        ? { page: missing, after: missing }
        : { page: missing };
    case 'confluence_add_labels':
      return { page: missing, labels: ['x'] };
    case 'confluence_remove_label':
      return { page: missing, label: 'x' };
    case 'confluence_get_users':
      return { account_ids: ['x'] };
    case 'confluence_get_group_members':
      return { group: 'x' };
    case 'confluence_search':
    case 'confluence_find_pages_by_label':
      return tool === 'confluence_search' ? { query: 'deploy' } : { label: 'x' };
    case 'confluence_search_users':
      return { query: 'x' };
    case 'confluence_create_space':
      return { key: 'NUMX', name: 'x' };
    default: {
      const required = tools.find((t) => t.name === tool)?.inputSchema.required ?? [];
      const filler: Record<string, unknown> = { page: missing, space: 'ENG' };
      return Object.fromEntries(
        required.filter((name) => name !== property && name in filler).map((name) => [name, filler[name]]),
      );
    }
  }
}

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startToolServer(gatewayAuth(sandbox));
  tools = (await server.client.listTools()).tools;
});

afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('every id argument of every tool takes the id as a number', () => {
  it('finds the id arguments in the catalog, and each is published as a string (numbers are taken all the same)', () => {
    const found = tools.flatMap((tool) => idProperties(tool).map((p) => `${tool.name}.${p.name}`));
    // The detection is not vacuous: the arguments the Inspector user met are among those found.
    expect(found).toEqual(
      expect.arrayContaining([
        'confluence_get_page.page',
        'confluence_move_page.new_parent',
        'confluence_create_page.space',
        'confluence_create_page.parent',
        'confluence_get_space.space',
        'confluence_list_pages.space',
        'confluence_get_labels.space',
        'confluence_get_group_members.group',
        'confluence_get_users.account_ids',
        'confluence_get_site_info.site',
      ]),
    );
    for (const tool of tools) {
      for (const property of idProperties(tool)) {
        const types = ((property.schema.anyOf ?? [property.schema]) as { type?: string }[]).map(
          (s) => s.type,
        );
        // Published as a string only, to keep tools/list small; the next test shows a number is accepted too.
        expect(types, `${tool.name}.${property.name}`).toContain('string');
      }
    }
  });

  it('gets past the schema with a number in every id argument, and the number is read as that id', async () => {
    let checked = 0;
    for (const tool of tools) {
      for (const property of idProperties(tool)) {
        const value = property.array ? [MISSING] : MISSING;
        const args = { ...otherArguments(tool.name, property.name), [property.name]: value };
        const result = (await server.call(tool.name, args)) as CallToolResult;
        const text = textOf(result);
        expect(text, `${tool.name}.${property.name}`).not.toMatch(SCHEMA_REFUSAL);
        // A missing page or space id, given as a number, is looked up and not found: it reached Confluence as an id.
        if (['page', 'parent', 'new_parent', 'before', 'after'].includes(property.name)) {
          expect(text, `${tool.name}.${property.name}`).toMatch(/Not found/);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(25);
  });

  it('answers a number exactly as the same id in a string, for every reading tool that takes a page or space', async () => {
    const page = pageId('Deployment guide');
    const eng = spaceId('ENG');
    const cases: [string, Record<string, unknown>][] = [
      ['confluence_get_page', { page }],
      ['confluence_get_page_children', { page: pageId('Engineering Home') }],
      ['confluence_get_page_descendants', { page: pageId('Engineering Home') }],
      ['confluence_get_page_ancestors', { page }],
      ['confluence_get_page_versions', { page }],
      ['confluence_get_labels', { page }],
      ['confluence_get_labels', { space: eng }],
      ['confluence_get_space', { space: eng }],
      ['confluence_list_pages', { space: eng, limit: 5 }],
    ];
    for (const [name, args] of cases) {
      const asText = await server.call(name, args);
      expect(asText.isError, `${name}: ${textOf(asText)}`).toBeFalsy();
      const numeric = Object.fromEntries(
        Object.entries(args).map(([k, v]) => [k, k === 'limit' ? v : Number(v)]),
      );
      const asNumber = await server.call(name, numeric);
      expect(asNumber.isError, `${name}: ${textOf(asNumber)}`).toBeFalsy();
      expect(asNumber.structuredContent, name).toEqual(asText.structuredContent);
    }
  });

  it('creates a page in a space and under a parent both given as numbers', async () => {
    const created = await server.call('confluence_create_page', {
      space: Number(spaceId('ENG')),
      parent: Number(pageId('Engineering Home')),
      title: 'Numeric ids create',
      body: 'x',
    });
    expect(created.isError, textOf(created)).toBeFalsy();
    const id = (created.structuredContent as { id: string }).id;
    expect(sandbox.site.pages.get(id)?.parentId).toBe(pageId('Engineering Home'));
  });

  it('refuses numbers that cannot be ids: negative, fractional, beyond 2^53, and zero', async () => {
    for (const value of [-1, 65540.5, 2 ** 53, 1e300]) {
      const result = await server.call('confluence_get_page', { page: value });
      expect(result.isError, String(value)).toBe(true);
      expect(textOf(result), String(value)).toMatch(SCHEMA_REFUSAL);
    }
    const zero = await server.call('confluence_get_page', { page: 0 });
    expect(zero.isError).toBe(true);
    expect(textOf(zero)).toMatch(/"0" is not a page id/);
    const spaceZero = await server.call('confluence_get_space', { space: 0 });
    expect(textOf(spaceZero)).toMatch(/"0" is not a space id/);
    // Strings keep their rules: leading zeros name the same id, anything else is refused.
    const padded = await server.call('confluence_get_page', { page: `000${pageId('Deployment guide')}` });
    expect((padded.structuredContent as { id: string }).id).toBe(pageId('Deployment guide'));
    expect(textOf(await server.call('confluence_get_page', { page: '12abc' }))).toMatch(/not a page id/);
  });
});
