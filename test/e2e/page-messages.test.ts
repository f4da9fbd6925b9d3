import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { gatewayAuth, startToolServer } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';

// What the model reads when a page is in the trash, a title is taken, or it reads a page: plain sentences that say
// what is so and what to do, through a real MCP client over HTTP against the sandbox.
let sandbox: Sandbox;
let server: Awaited<ReturnType<typeof startToolServer>>;
let denyEng: Awaited<ReturnType<typeof startToolServer>>;

const pageId = (title: string) => {
  for (const page of sandbox.site.pages.values()) if (currentVersion(page).title === title) return page.id;
  throw new Error(`no page "${title}"`);
};
const engId = () => [...sandbox.site.spaces.values()].find((s) => s.key === 'ENG')?.id as string;

async function created(title: string): Promise<string> {
  const result = await server.call('confluence_create_page', { space: 'ENG', title, body: 'x' });
  expect(result.isError, textOf(result)).toBeFalsy();
  return (result.structuredContent as { id: string }).id;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startToolServer(gatewayAuth(sandbox));
  denyEng = await startToolServer(gatewayAuth(sandbox), { tools: { spaces: { deny: ['ENG'] } } });
});

afterAll(async () => {
  await server?.close();
  await denyEng?.close();
  await sandbox?.close();
});

describe('confluence_get_page', () => {
  it('names the space by its key, with its id', async () => {
    const result = await server.call('confluence_get_page', { page: pageId('Deployment guide') });
    expect(result.structuredContent).toMatchObject({ space_key: 'ENG', space_id: engId() });
    expect(textOf(result)).toContain(`space ENG (id ${engId()})`);
  });
});

describe('a page in the trash', () => {
  it('reads as in the trash, with how to restore it, not as missing', async () => {
    const id = await created('Trash me to read');
    expect((await server.call('confluence_delete_page', { page: id })).isError).toBeFalsy();
    for (const [tool, args] of [
      ['confluence_get_page', { page: id }],
      ['confluence_get_page_children', { page: id }],
      ['confluence_update_page', { page: id, title: 'Back' }],
    ] as const) {
      const result = await server.call(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(textOf(result), tool).toMatch(
        new RegExp(`"Trash me to read" \\(id ${id}\\) is in the trash of space ENG\\. .*restore`),
      );
      expect(textOf(result), tool).not.toMatch(/does not exist|permission/);
    }
    // A page that never existed still reads as not found.
    expect(textOf(await server.call('confluence_get_page', { page: '999999999' }))).toMatch(
      /does not exist, or you do not have permission/,
    );
  });

  it('stays not found, saying nothing of the trash, when its space is outside the bounds', async () => {
    const id = await created('Trashed in a denied space');
    await server.call('confluence_delete_page', { page: id });
    const result = await denyEng.call('confluence_get_page', { page: id });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/does not exist, or you do not have permission/);
    expect(textOf(result)).not.toMatch(/trash|Trashed in a denied space/);
  });

  it('is not moved to the trash again: deleting it says it was already there', async () => {
    const id = await created('Trash me twice');
    const first = await server.call('confluence_delete_page', { page: id });
    expect(textOf(first)).toMatch(/^Moved "Trash me twice" .* to the trash/);
    const second = await server.call('confluence_delete_page', { page: id });
    expect(second.isError).toBeFalsy();
    expect(second.structuredContent).toMatchObject({ result: 'trashed', already_trashed: true });
    expect(textOf(second)).toMatch(/was already in the trash; nothing changed/);
    expect(textOf(second)).not.toMatch(/Moved/);
    expect(sandbox.site.pages.get(id)?.status).toBe('trashed');
  });
});

describe('a title already used in the space', () => {
  const once = (text: string, word: RegExp) => (text.match(word) ?? []).length;

  it('is refused in one sentence that says what to do, on create', async () => {
    const result = await server.call('confluence_create_page', { space: 'ENG', title: 'Deployment guide' });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/space ENG already has a page titled "Deployment guide"/);
    expect(text).toMatch(/Choose another title/);
    expect(once(text, /already/gi)).toBe(1);
    expect(text).not.toMatch(/TITLE|Confluence said/);
  });

  it('is refused the same way on a rename, and the page keeps its title', async () => {
    const id = await created('Rename me');
    const result = await server.call('confluence_update_page', { page: id, title: 'Deployment guide' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/space ENG already has a page titled "Deployment guide"/);
    expect(once(textOf(result), /already/gi)).toBe(1);
    expect(currentVersion(sandbox.site.pages.get(id) as never).title).toBe('Rename me');
  });
});
