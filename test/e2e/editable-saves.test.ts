import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStorage, type SourceElement } from '../../src/content/parse.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion, type SandboxPage } from '../../src/sandbox/model.js';
import { ADMIN_USER, HR_USER } from '../../src/sandbox/seed/demo-site.js';
import { users } from '../../src/sandbox/seed/users.js';
import { gatewayAuth, startToolServer } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';

// Issue 11's acceptance, through MCP over real HTTP against the sandbox: saving editable Markdown changes exactly
// what was edited, over every page of the demo site and every storage document in test/fixtures/content/.

type ToolServer = Awaited<ReturnType<typeof startToolServer>>;

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/content');

interface Document {
  readonly name: string;
  readonly storage: string;
}

function isDocument(value: unknown): value is Document {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Document).name === 'string' &&
    typeof (value as Document).storage === 'string'
  );
}

/**
 * Every storage document in the fixtures folder, whatever its form: files of storage (`.xml`, `.html`,
 * `.storage`), and documents a TypeScript module exports alone or in an array. Read from the folder, so a new
 * fixture is covered without touching this test.
 */
async function fixtureDocuments(): Promise<Document[]> {
  const found = new Map<string, Document>();
  const add = (document: Document) => {
    if (!found.has(document.storage)) found.set(document.storage, document);
  };
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      const name = path.relative(FIXTURES, file);
      if (entry.isDirectory()) await walk(file);
      else if (/\.(?:xml|html|xhtml|storage)$/.test(entry.name))
        add({ name, storage: await readFile(file, 'utf8') });
      else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const module: Record<string, unknown> = await import(pathToFileURL(file).href);
        for (const value of Object.values(module)) {
          const items: unknown[] = Array.isArray(value) ? value : [value];
          for (const item of items)
            if (isDocument(item)) add({ name: `${name}:${item.name}`, storage: item.storage });
        }
      }
    }
  };
  await walk(FIXTURES);
  return [...found.values()];
}

let sandbox: Sandbox;
/** One tool server per account, each acting as that user. */
const servers = new Map<string, ToolServer>();
let admin: ToolServer;
let fixtures: Document[];
/** Every page to check: the demo site's, then one created from each fixture document. */
const pages: { name: string; id: string; server: () => ToolServer }[] = [];

const byId = (id: string): SandboxPage => {
  const found = sandbox.site.pages.get(id);
  if (found === undefined) throw new Error(`no page ${id}`);
  return found;
};
const stored = (id: string) => currentVersion(byId(id)).body;

beforeAll(async () => {
  sandbox = await startSandbox();
  // Jonas sees the admin- and user-restricted pages and may edit the edit-restricted one; Hannah sees HR.
  const serverFor = async (accountId: string): Promise<ToolServer> => {
    let server = servers.get(accountId);
    if (server === undefined) {
      // The largest pages convert for a second or more: a busy machine must not turn that into a timeout.
      server = await startToolServer(gatewayAuth(sandbox, undefined, accountId), {
        limits: { callDeadlineMs: 120_000, conversion: { jobTimeoutMs: 60_000 } },
      });
      servers.set(accountId, server);
    }
    return server;
  };
  admin = await serverFor(ADMIN_USER.accountId);
  for (const page of sandbox.site.pages.values()) {
    if (page.status === 'trashed') continue;
    // Whoever may edit it, or at least see it (a draft is seen by its author only, HR pages by HR).
    const candidates = [
      ADMIN_USER.accountId,
      HR_USER.accountId,
      page.authorId,
      page.ownerId,
      ...users.map((u) => u.accountId),
    ];
    const accountId =
      candidates.find((account) => sandbox.site.canEdit(page, account)) ??
      candidates.find((account) => sandbox.site.visiblePage(page.id, account) !== undefined);
    if (accountId === undefined) throw new Error(`nobody sees page ${page.id}`);
    const server = await serverFor(accountId);
    pages.push({ name: `demo site: ${currentVersion(page).title}`, id: page.id, server: () => server });
  }
  fixtures = await fixtureDocuments();
  for (const [index, fixture] of fixtures.entries()) {
    const result = await admin.call('confluence_create_page', {
      space: 'ENG',
      title: `Fixture ${index + 1}: ${fixture.name}`.slice(0, 255),
      body: fixture.storage,
      body_format: 'storage',
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const id = (result.structuredContent as { id: string }).id;
    expect(stored(id)).toBe(fixture.storage);
    pages.push({ name: `fixture: ${fixture.name}`, id, server: () => admin });
  }
}, 120_000);

afterAll(async () => {
  for (const server of servers.values()) await server.close();
  await sandbox?.close();
});

/** The editable Markdown of a page and its version, read in parts as a model reads a long page. */
async function readEditable(server: ToolServer, id: string): Promise<{ markdown: string; version: number }> {
  let markdown = '';
  let version = 0;
  for (let offset: number | undefined = 0; offset !== undefined; ) {
    const result = await server.call('confluence_get_page', {
      page: id,
      body_format: 'editable_markdown',
      offset,
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const read = result.structuredContent as {
      body: string;
      next_offset?: number;
      version: { number: number };
    };
    markdown += read.body;
    version = read.version.number;
    offset = read.next_offset;
  }
  return { markdown, version };
}

/** Top-level elements of storage, a layout's cells standing for their own content. */
function topLevelBlocks(storage: string): SourceElement[] {
  const blocks: SourceElement[] = [];
  const collect = (nodes: readonly SourceElement['children'][number][]) => {
    for (const node of nodes) {
      if (node.type !== 'element') continue;
      if (node.name === 'ac:layout' || node.name === 'ac:layout-section' || node.name === 'ac:layout-cell') {
        collect(node.children);
      } else blocks.push(node);
    }
  };
  collect(parseStorage(storage).children);
  return blocks;
}

/**
 * A one-line paragraph of the Markdown to edit, with a run of its words that appears once in the storage and once
 * in the Markdown, which finds it in the storage.
 */
function plainParagraph(markdown: string, storage: string): { paragraph: string; words: string } | undefined {
  for (const block of markdown.split('\n\n')) {
    if (!/^[A-Z][^\n]*[.:]$/.test(block) || block.includes('<!--')) continue;
    const runs = (block.match(/[A-Za-z][A-Za-z ,]{14,}/g) ?? []).sort((a, b) => b.length - a.length);
    const words = runs.find((run) => storage.split(run).length === 2 && markdown.split(run).length === 2);
    if (words !== undefined && markdown.split(block).length === 2) return { paragraph: block, words };
  }
  return undefined;
}

describe('saving editable Markdown through confluence_update_page', () => {
  it('covers the demo site and every fixture document', async () => {
    const files = (await readdir(FIXTURES)).filter((file) => /\.(?:xml|html|xhtml|storage)$/.test(file));
    const names = new Set(fixtures.map((fixture) => fixture.name));
    // A file whose storage another fixture already holds counts once.
    for (const file of files) {
      const storage = await readFile(path.join(FIXTURES, file), 'utf8');
      expect(names.has(file) || fixtures.some((fixture) => fixture.storage === storage), file).toBe(true);
    }
    expect(fixtures.length).toBeGreaterThanOrEqual(4 + files.length);
    expect(pages.length).toBeGreaterThan(fixtures.length + 50);
  });

  it('leaves every page byte-identical and writes no version when the Markdown comes back unchanged', async () => {
    const failures: string[] = [];
    for (const page of pages) {
      const server = page.server();
      const before = stored(page.id);
      const versions = byId(page.id).versions.length;
      const { markdown, version } = await readEditable(server, page.id);
      const result = await server.call('confluence_update_page', {
        page: page.id,
        body: markdown,
        expected_version: version,
      });
      if (result.isError) failures.push(`${page.name}: ${textOf(result)}`);
      else if (stored(page.id) !== before || byId(page.id).versions.length !== versions)
        failures.push(`${page.name}: changed by a save without edits`);
      else expect(textOf(result)).toMatch(/^No change/);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('changes only the block of the one paragraph edited, every other byte as it was', async () => {
    const failures: string[] = [];
    let edited = 0;
    for (const page of pages) {
      const sandboxPage = byId(page.id);
      if (sandboxPage.status === 'archived') continue;
      const server = page.server();
      const before = stored(page.id);
      const { markdown, version } = await readEditable(server, page.id);
      const found = plainParagraph(markdown, before);
      if (found === undefined) continue;
      const { paragraph } = found;
      const at = before.indexOf(found.words);
      const block = topLevelBlocks(before).find((element) => element.start <= at && at < element.end);
      if (block === undefined) continue;
      const result = await server.call('confluence_update_page', {
        page: page.id,
        body: markdown.replace(paragraph, `${paragraph} Edited by the test.`),
        expected_version: version,
      });
      edited++;
      if (result.isError) {
        failures.push(`${page.name}: ${textOf(result)}`);
        continue;
      }
      const after = stored(page.id);
      const head = before.slice(0, block.start);
      const tail = before.slice(block.end);
      if (!after.startsWith(head) || !after.endsWith(tail) || after.length < head.length + tail.length) {
        failures.push(`${page.name}: bytes outside the edited block changed`);
        continue;
      }
      expect(after.slice(head.length, after.length - tail.length)).toContain('Edited by the test.');
    }
    expect(failures).toEqual([]);
    expect(edited).toBeGreaterThan(pages.length / 3);
  }, 300_000);

  it('refuses to delete a block that holds preserved content, and the page stays as it was', async () => {
    let refused = 0;
    for (const page of pages) {
      const server = page.server();
      const before = stored(page.id);
      const versions = byId(page.id).versions.length;
      const { markdown, version } = await readEditable(server, page.id);
      const placeholder = /^<!-- confluence-keep \d+[^\n]*-->$/m.exec(markdown)?.[0];
      if (placeholder === undefined) continue;
      const result = await server.call('confluence_update_page', {
        page: page.id,
        body: markdown.replace(`${placeholder}`, ''),
        expected_version: version,
      });
      expect(result.isError, page.name).toBe(true);
      expect(textOf(result)).toMatch(/Not updated: .*placeholders are missing/);
      expect(stored(page.id)).toBe(before);
      expect(byId(page.id).versions.length).toBe(versions);
      refused++;
    }
    expect(refused).toBeGreaterThanOrEqual(5);
  }, 300_000);
});
