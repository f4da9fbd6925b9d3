import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSection } from '../../src/content/sections.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion, type SandboxPage } from '../../src/sandbox/model.js';
import { gatewayAuth, startToolServer } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';

// Edits through the tools never lose what Markdown cannot express, and section edits touch nothing else.
let sandbox: Sandbox;
let server: Awaited<ReturnType<typeof startToolServer>>;

const page = (title: string): SandboxPage => {
  for (const p of sandbox.site.pages.values()) if (currentVersion(p).title === title) return p;
  throw new Error(`no page "${title}"`);
};
const stored = (p: SandboxPage) => currentVersion(p).body;
/** The storage of every jira macro on a page, exactly as stored. */
const jiraMacros = (storage: string) =>
  [...storage.matchAll(/<ac:structured-macro ac:name="jira"[\s\S]*?<\/ac:structured-macro>/g)].map(
    (m) => m[0],
  );

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startToolServer(gatewayAuth(sandbox));
});

afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('updating in Markdown a page with an unknown macro', () => {
  it('refuses Markdown read for reading (the macro has no placeholder there), changing nothing', async () => {
    const overview = page('Architecture overview');
    const macros = jiraMacros(stored(overview));
    expect(macros.length).toBeGreaterThan(0);
    const versions = overview.versions.length;
    const read = (await server.call('confluence_get_page', { page: overview.id })).structuredContent as {
      body: string;
    };
    const edited = read.body.replace('This is the map, not the territory.', 'This is the map.');
    const result = await server.call('confluence_update_page', { page: overview.id, body: edited });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Not updated/);
    expect(overview.versions.length).toBe(versions);
    for (const macro of macros) expect(stored(overview)).toContain(macro);
  });

  it('keeps the macro byte for byte when the editable Markdown is edited around its placeholder', async () => {
    const overview = page('Architecture overview');
    const macros = jiraMacros(stored(overview));
    const read = (
      await server.call('confluence_get_page', { page: overview.id, body_format: 'editable_markdown' })
    ).structuredContent as { body: string; version: { number: number } };
    expect(read.body).toMatch(/<!--\s*confluence-keep(-inline)? \d+: jira macro/);
    const edited = read.body.replace('This is the map, not the territory.', 'This is the map, kept current.');
    const result = await server.call('confluence_update_page', {
      page: overview.id,
      body: edited,
      expected_version: read.version.number,
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(stored(overview)).toContain('This is the map, kept current.');
    for (const macro of macros) expect(stored(overview)).toContain(macro);
  });

  it('refuses an edit that dropped the placeholder, and the macro stays upstream', async () => {
    const overview = page('Architecture overview');
    const macros = jiraMacros(stored(overview));
    const versions = overview.versions.length;
    const read = (
      await server.call('confluence_get_page', { page: overview.id, body_format: 'editable_markdown' })
    ).structuredContent as { body: string };
    const withoutJira = read.body.replace(/<!--\s*confluence-keep(-inline)? \d+: jira macro[^>]*-->/g, '');
    expect(withoutJira).not.toBe(read.body);
    const result = await server.call('confluence_update_page', { page: overview.id, body: withoutJira });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/jira/);
    expect(overview.versions.length).toBe(versions);
    for (const macro of macros) expect(stored(overview)).toContain(macro);
  });
});

describe('confluence_update_page_section', () => {
  it('replaces one section and leaves every other byte of the page as it was', async () => {
    const target = page('Deployment guide');
    const before = stored(target);
    const section = findSection(before, 'Environments');
    if (!section) throw new Error('no Environments section');
    const result = await server.call('confluence_update_page_section', {
      page: target.id,
      heading: 'Environments',
      body: 'Three environments: **dev**, **staging**, **production**.',
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const after = stored(target);
    expect(after.slice(0, section.bodyStart)).toBe(before.slice(0, section.bodyStart));
    const tail = before.slice(section.bodyEnd);
    expect(after.endsWith(tail)).toBe(true);
    const middle = after.slice(section.bodyStart, after.length - tail.length);
    expect(middle).toContain('<strong>staging</strong>');
    expect(middle).not.toContain('eks-dev-euw2');
  });

  it('appends to a section, keeping all that was there', async () => {
    const target = page('Deployment guide');
    const before = stored(target);
    const section = findSection(before, 'Environments');
    if (!section) throw new Error('no Environments section');
    const result = await server.call('confluence_update_page_section', {
      page: target.id,
      heading: 'environments',
      body: 'Freeze windows are announced in #release.',
      mode: 'append',
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const after = stored(target);
    expect(after.slice(0, section.bodyEnd)).toBe(before.slice(0, section.bodyEnd));
    expect(after.endsWith(before.slice(section.bodyEnd))).toBe(true);
    expect(after).toContain('Freeze windows are announced');
  });

  it('refuses to replace in Markdown a section holding what Markdown cannot express', async () => {
    const overview = page('Architecture overview');
    const before = stored(overview);
    const result = await server.call('confluence_update_page_section', {
      page: overview.id,
      heading: 'The three layers',
      body: 'Robots, gateways, cloud.',
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Markdown cannot express.*layout/);
    expect(stored(overview)).toBe(before);
  });

  it('names the headings when the one asked for does not exist', async () => {
    const result = await server.call('confluence_update_page_section', {
      page: page('Deployment guide').id,
      heading: 'Nonexistent',
      body: 'x',
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/No heading "Nonexistent".*"Environments"/);
  });
});

describe('Markdown size', () => {
  it('refuses a Markdown body too large to parse safely, pointing at storage format', async () => {
    const result = await server.call('confluence_create_page', {
      space: 'ENG',
      title: 'Huge',
      body: '['.repeat(1_000_001),
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/at most 1000000 characters.*storage format/);
  });
});
