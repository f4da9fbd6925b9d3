import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectInMemory, SITE, textOf } from '../support/mcp.js';
import { mockServer } from '../support/msw.js';

// confluence_update_page_section through a real MCP Client: headings found as the Markdown shows them, and
// duplicate headings told apart by path or occurrence, or refused with the candidates listed.

const PAGE_URL = `${SITE}/wiki/api/v2/pages/42`;
const STORAGE =
  '<h1>Q1 review</h1><h2>Results</h2><h3><strong>Impact</strong></h3><p>q1 impact</p>' +
  '<h1>Q2 review</h1><h2>Results</h2><h3><strong>Impact</strong></h3><p>q2 impact</p>' +
  '<h2><ac:emoticon ac:name="tick" ac:emoji-fallback="✅" /> Done</h2><p>done</p>';

let session: Awaited<ReturnType<typeof connectInMemory>>;
let saved: string[];

beforeAll(async () => {
  session = await connectInMemory();
});

afterAll(async () => {
  await session.close();
});

beforeEach(() => {
  saved = [];
  const page = (storage: string, version: number) => ({
    id: '42',
    status: 'current',
    title: 'Quarterly review',
    spaceId: '7',
    version: { number: version },
    body: { storage: { representation: 'storage', value: storage } },
    _links: { base: `${SITE}/wiki`, webui: '/spaces/ENG/pages/42' },
  });
  mockServer.use(
    http.get(PAGE_URL, () => HttpResponse.json(page(STORAGE, 3))),
    http.put(PAGE_URL, async ({ request }) => {
      const body = (await request.json()) as { body: { value: string }; version: { number: number } };
      saved.push(body.body.value);
      return HttpResponse.json(page(body.body.value, body.version.number));
    }),
  );
});

async function update(args: Record<string, unknown>) {
  return session.call('confluence_update_page_section', { page: '42', body_format: 'storage', ...args });
}

describe('confluence_update_page_section: headings as the model sees them', () => {
  it('finds a heading by its Markdown, emoji included, and changes only its section', async () => {
    const result = await update({ heading: '## ✅ Done', body: '<p>finished</p>' });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(saved).toEqual([STORAGE.replace('<p>done</p>', '<p>finished</p>')]);
    expect(result.structuredContent).toMatchObject({ section: 'Done', version: 4, previous_version: 3 });
  });

  it('tells duplicate headings apart by the path of parent headings', async () => {
    const result = await update({ heading: 'Q2 review > Results > **Impact**', body: '<p>new q2</p>' });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(saved).toEqual([STORAGE.replace('<p>q2 impact</p>', '<p>new q2</p>')]);
  });

  it('tells duplicate headings apart by occurrence', async () => {
    const result = await update({
      heading: '**Impact**',
      occurrence: 1,
      body: '<p>new q1</p>',
      mode: 'append',
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(saved).toEqual([STORAGE.replace('<p>q1 impact</p>', '<p>q1 impact</p><p>new q1</p>')]);
  });

  it('refuses an ambiguous heading, listing each candidate with its path, and writes nothing', async () => {
    const result = await update({ heading: 'Impact', body: '<p>x</p>' });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toContain('2 headings match "Impact"');
    expect(text).toContain('1. "Q1 review > Results > **Impact**" (h3)');
    expect(text).toContain('2. "Q2 review > Results > **Impact**" (h3)');
    expect(text).toMatch(/occurrence \(1 to 2\)/);
    expect(saved).toEqual([]);
  });

  it('refuses an occurrence beyond the matches and an unknown heading, writing nothing', async () => {
    const beyond = await update({ heading: 'Results', occurrence: 3, body: '<p>x</p>' });
    expect(beyond.isError).toBe(true);
    expect(textOf(beyond)).toContain('There are 2 headings "Results", so no occurrence 3.');
    const unknown = await update({ heading: 'Q3 review > Impact', body: '<p>x</p>' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain(
      'No heading "Q3 review > Impact". The page\'s headings are: "Q1 review"',
    );
    expect(saved).toEqual([]);
  });
});
