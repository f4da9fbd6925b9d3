import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageToEditableMarkdown, storageToMarkdown } from '../../src/content/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { ADMIN_USER, DEMO_USER, SEED_FACTS } from '../../src/sandbox/seed/demo-site.js';
import { conversionStats } from '../../tools/conversion-cache.js';
import { gatewayAuth, startToolServer } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';

// Reading a long page in parts converts its body once per version, and the cache never answers a caller whose
// own fetch of the page was refused.
type ToolServer = Awaited<ReturnType<typeof startToolServer>>;

let sandbox: Sandbox;
let admin: ToolServer;
let demo: ToolServer;

beforeAll(async () => {
  sandbox = await startSandbox();
  admin = await startToolServer(gatewayAuth(sandbox, undefined, ADMIN_USER.accountId), {
    http: { port: 0, maxBodyBytes: 16 * 1024 * 1024 },
    // Two cores shared by many: give a 2 MB conversion room to finish however busy the machine is.
    limits: { callDeadlineMs: 300_000, requestTimeoutMs: 120_000, conversion: { jobTimeoutMs: 120_000 } },
  });
  demo = await startToolServer(gatewayAuth(sandbox, undefined, DEMO_USER.accountId));
});

afterAll(async () => {
  await admin?.close();
  await demo?.close();
  await sandbox?.close();
});

/** About `bytes` of storage: sections of headings, paragraphs, lists and tables. */
function largeStorage(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let index = 0; size < bytes; index++) {
    const section =
      `<h2>Section ${index}</h2><p>Paragraph ${index} with <strong>bold</strong>, <em>emphasis</em> and a ` +
      `<a href="https://example.com/${index}">link</a>; caf&eacute; &amp; more text to read.</p>` +
      `<ul><li><p>item ${index}.1</p></li><li><p>item ${index}.2</p></li></ul>` +
      `<table><tbody><tr><th><p>Key</p></th><th><p>Value</p></th></tr><tr><td><p>k${index}</p></td><td><p>v${index}</p></td></tr></tbody></table>`;
    parts.push(section);
    size += section.length;
  }
  return parts.join('');
}

async function readInParts(
  server: ToolServer,
  page: string,
  bodyFormat: string,
  maxChars?: number,
): Promise<{ text: string; parts: number }> {
  let text = '';
  let parts = 0;
  for (let offset: number | undefined = 0; offset !== undefined; parts++) {
    const result = await server.call('confluence_get_page', {
      page,
      body_format: bodyFormat,
      offset,
      ...(maxChars ? { max_chars: maxChars } : {}),
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const read = result.structuredContent as { body: string; next_offset?: number };
    text += read.body;
    offset = read.next_offset;
  }
  return { text, parts };
}

describe('confluence_get_page in parts', () => {
  it('converts a 2 MB page once per form, however many parts it is read in, and again after a new version', async () => {
    const storage = largeStorage(2_000_000);
    // Converted before any call: seconds of conversion here would outlast the idle keep-alive connections.
    const expected = {
      markdown: storageToMarkdown(storage),
      editable_markdown: storageToEditableMarkdown(storage).markdown,
    };
    const created = await admin.call('confluence_create_page', {
      space: 'ENG',
      title: 'A two megabyte page',
      body: storage,
      body_format: 'storage',
    });
    expect(created.isError, textOf(created)).toBeFalsy();
    const id = (created.structuredContent as { id: string }).id;

    for (const form of ['markdown', 'editable_markdown'] as const) {
      const before = conversionStats.conversions;
      const read = await readInParts(admin, id, form);
      expect(read.parts).toBeGreaterThan(10);
      expect(read.text).toBe(expected[form]);
      expect(conversionStats.conversions - before).toBe(1);
    }

    const updated = await admin.call('confluence_update_page', {
      page: id,
      body: `<p>Now short.</p>${storage}`,
      body_format: 'storage',
    });
    expect(updated.isError, textOf(updated)).toBeFalsy();
    const before = conversionStats.conversions;
    const read = await readInParts(admin, id, 'markdown');
    expect(read.text.startsWith('Now short.')).toBe(true);
    expect(conversionStats.conversions - before).toBe(1);
  }, 120_000);

  it('answers from the cache only after the caller’s own read of the page succeeded', async () => {
    const restricted = [...sandbox.site.pages.values()].find(
      (page) => currentVersion(page).title === SEED_FACTS.restrictedToUser.title,
    );
    if (restricted === undefined) throw new Error('no restricted page');
    const own = await readInParts(admin, restricted.id, 'markdown', 500);
    expect(own.parts).toBeGreaterThan(1);
    const hits = conversionStats.hits;
    const conversions = conversionStats.conversions;
    for (const offset of [0, 500]) {
      const result = await demo.call('confluence_get_page', {
        page: restricted.id,
        body_format: 'markdown',
        offset,
        max_chars: 500,
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Not found/);
      expect(textOf(result)).not.toContain(own.text.slice(500, 560));
    }
    expect(conversionStats.hits).toBe(hits);
    expect(conversionStats.conversions).toBe(conversions);
  });
});
