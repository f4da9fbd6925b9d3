import { afterEach, describe, expect, it } from 'vitest';
import {
  ConversionStoppedError,
  type Converter,
  inlineConverter,
  markdownToStorage,
  pooledConverter,
  replaceSection,
  type SectionEdit,
  storageToEditableMarkdown,
  storageToMarkdown,
} from '../../../src/content/index.js';

const paragraph =
  'Some **bold** text, a [link](https://example.com), `code` and a mention.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n';
const large = paragraph.repeat(400); // about 40,000 characters
const hostile = '!['.repeat(500_000); // 1 MB: markdown-it needs seconds for it
const mention = '<p>Hi <ac:link><ri:user ri:account-id="acc-1" /></ac:link></p>';

const opened: (Converter & { pool?: unknown })[] = [];
function converter(options: Partial<Parameters<typeof pooledConverter>[0]> = {}) {
  const made = pooledConverter({
    inlineMarkdownBelowChars: 1000,
    inlineStorageBelowChars: 1000,
    workers: 1,
    jobTimeoutMs: 20_000,
    jobMemoryMb: 256,
    maxQueue: 8,
    ...options,
  });
  opened.push(made);
  return made;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

// Workers start cold (and, from TypeScript sources, compile as they load): generous timeouts, a busy machine too.
describe('the conversion pool', { timeout: 60_000 }, () => {
  it('converts large inputs in a worker, with the same results as on the event loop', async () => {
    const convert = converter();
    const storage = await convert.toStorage(large);
    expect(storage).toBe(markdownToStorage(large));
    expect(convert.pool.started).toBe(1);
    const bigStorage = storage.repeat(2) + mention;
    const read = await convert.toMarkdown(bigStorage, {});
    expect(read.markdown).toBe(storageToMarkdown(bigStorage));
    expect(read.mentions).toEqual(['acc-1']);
    const named = await convert.toMarkdown(bigStorage, { names: new Map([['acc-1', 'Priya Raman']]) });
    expect(named.markdown).toContain('[@Priya Raman](confluence-user:acc-1)');
    const editable = await convert.toMarkdown(bigStorage, { editable: true });
    expect(editable.markdown).toBe(storageToEditableMarkdown(bigStorage).markdown);
    const applied = await convert.applyEdit(bigStorage, editable.markdown);
    expect(applied).toEqual({ storage: expect.any(String) });
    // One worker did all of it.
    expect(convert.pool.started).toBe(1);
  });

  it('keeps small inputs on the event loop', async () => {
    const convert = converter({ inlineMarkdownBelowChars: 100_000 });
    expect(await convert.toStorage(large)).toBe(markdownToStorage(large));
    expect(convert.pool.started).toBe(0);
  });

  it('stops hostile Markdown at its time budget with a clear error, and replaces the worker', async () => {
    const convert = converter({ jobTimeoutMs: 1000, inlineMarkdownBelowChars: 0 });
    const failure = await convert.toStorage(hostile).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConversionStoppedError);
    expect((failure as Error).message).toMatch(
      /Converting this Markdown to Confluence format was stopped: .*1000 ms.*Nothing was changed/,
    );
    expect(convert.pool.load.workers).toBe(0);
    // The next job gets a fresh worker.
    expect(await convert.toStorage(paragraph)).toBe(markdownToStorage(paragraph));
    expect(convert.pool.started).toBe(2);
  });

  it('stops a conversion that needs more memory than its budget, and replaces the worker', async () => {
    const convert = converter({ jobMemoryMb: 32, jobTimeoutMs: 60_000 });
    const huge = `<table><tbody>${'<tr><td><p>cell <strong>x</strong></p></td></tr>'.repeat(120_000)}</tbody></table>`;
    const failure = await convert.toMarkdown(huge, {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConversionStoppedError);
    expect((failure as Error).message).toMatch(
      /Converting this page to Markdown was stopped: .*32 MB of memory.*storage/,
    );
    expect(await convert.toStorage(large)).toBe(markdownToStorage(large));
    expect(convert.pool.started).toBe(2);
  });

  it("ends a cancelled call's conversion, whether it runs or waits", async () => {
    const convert = converter({ jobTimeoutMs: 60_000 });
    const running = new AbortController();
    const waiting = new AbortController();
    const first = convert.toStorage(hostile, running.signal).catch((error: unknown) => error);
    const second = convert.toStorage(hostile, waiting.signal).catch((error: unknown) => error);
    expect(convert.pool.load).toEqual({ running: 1, queued: 1, workers: 1, lanes: 1 });
    waiting.abort(new Error('cancelled while waiting'));
    expect(((await second) as Error).message).toMatch(
      /did not finish within this call's time.*Nothing was changed/,
    );
    running.abort(new Error('cancelled while running'));
    expect(await first).toBeInstanceOf(ConversionStoppedError);
    expect(convert.pool.load).toEqual({ running: 0, queued: 0, workers: 0, lanes: 0 });
    expect(await convert.toStorage(large)).toBe(markdownToStorage(large));
  });

  it("takes waiting jobs user by user: one user's queued conversions wait behind another user's next one", async () => {
    const convert = converter({ jobTimeoutMs: 60_000 });
    const alice = convert.lane('alice');
    const stops = [new AbortController(), new AbortController(), new AbortController()];
    const settled: string[] = [];
    const hostileCalls = stops.map((stop, i) =>
      alice.toStorage(hostile, stop.signal).catch(() => settled.push(`a${i + 1}`)),
    );
    const b1 = convert.lane('bob').toStorage(large);
    expect(convert.pool.load).toMatchObject({ running: 1, queued: 3 });
    stops[0]?.abort();
    // Bob's job goes before Alice's second and third, which were queued before it.
    expect(await b1).toBe(markdownToStorage(large));
    expect(convert.pool.load).toMatchObject({ running: 1, queued: 1 });
    expect(settled).toEqual(['a1']);
    stops[1]?.abort();
    stops[2]?.abort();
    await Promise.all(hostileCalls);
    expect(convert.pool.load).toEqual({ running: 0, queued: 0, workers: 0, lanes: 0 });
  });

  it('refuses at once when too many large conversions wait', async () => {
    const convert = converter({ maxQueue: 1, jobTimeoutMs: 60_000 });
    const stop = new AbortController();
    const running = convert.toStorage(hostile, stop.signal).catch(() => undefined);
    const queued = convert.toStorage(hostile, stop.signal).catch(() => undefined);
    const refused = await convert.toStorage(large).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConversionStoppedError);
    expect((refused as Error).message).toMatch(/not started: the server is busy.*retry in a few seconds/);
    stop.abort();
    await Promise.all([running, queued]);
  });

  it('converts inline alike when no pool is configured', async () => {
    const convert = inlineConverter();
    expect(await convert.toStorage(large)).toBe(markdownToStorage(large));
    const aborted = AbortSignal.abort(new Error('gone'));
    await expect(convert.toStorage(large, aborted)).rejects.toThrow('gone');
  });
});

describe('section edits in the conversion pool', { timeout: 60_000 }, () => {
  // A large page (about 90,000 characters): the target section (down to the next h1, its h2 included) sits in
  // the middle, a second "Notes" heading makes that one ambiguous, and a layout under "Layout" is what Markdown
  // cannot express.
  const filler = markdownToStorage(large);
  const page =
    `<h1>Intro</h1>${filler}<h2>Notes</h2><p>first notes</p>` +
    `<h1>Target</h1><p>old target body</p><h2>Notes</h2><p>second notes</p>` +
    '<h1>Layout</h1><ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><p>left</p></ac:layout-cell>' +
    `<ac:layout-cell><p>right</p></ac:layout-cell></ac:layout-section></ac:layout><h1>End</h1>${filler}`;
  const edit = (fields: Partial<SectionEdit>): SectionEdit => ({
    storage: page,
    heading: 'Target',
    body: large,
    bodyFormat: 'markdown',
    mode: 'replace',
    ...fields,
  });

  it('finds, checks, converts and splices a large page in a worker, exactly as on the event loop', async () => {
    const convert = converter();
    const inline = inlineConverter();
    const requests = [
      edit({}),
      edit({ mode: 'append', body: '**appended**' }),
      edit({ heading: 'Target > Notes', bodyFormat: 'storage', body: '<p>new notes</p>' }),
      edit({ heading: 'Notes', occurrence: 2, body: 'second, *rewritten*' }),
      edit({ heading: 'Notes' }),
      edit({ heading: 'Missing' }),
      edit({ heading: 'Layout' }),
      edit({ heading: 'Target', bodyFormat: 'storage', body: '<p>unclosed' }),
    ];
    const pooled = [];
    for (const request of requests) pooled.push(await convert.editSection(request));
    for (const [index, request] of requests.entries()) {
      expect(pooled[index]).toEqual(await inline.editSection(request));
    }
    // Every one ran in the worker (the page is over the inline bound), and the first one did the whole job.
    expect(convert.pool.started).toBe(1);
    const [replaced, appended, byPath, byOccurrence, ambiguous, missing, layout, invalid] = pooled;
    const before = page.slice(0, page.indexOf('<p>old target body</p>'));
    expect(replaced).toEqual({
      storage: before + markdownToStorage(large) + page.slice(page.indexOf('<h1>Layout</h1>')),
      section: 'Target',
    });
    expect(appended).toMatchObject({ section: 'Target' });
    expect((appended as { storage: string }).storage).toContain(
      `<p>second notes</p>${markdownToStorage('**appended**')}<h1>Layout</h1>`,
    );
    expect((byPath as { storage: string }).storage).toContain(
      '<h2>Notes</h2><p>new notes</p><h1>Layout</h1>',
    );
    expect((byOccurrence as { storage: string }).storage).toContain('<p>first notes</p>');
    expect((byOccurrence as { storage: string }).storage).toContain('<em>rewritten</em>');
    // The same storage, and the same error for bad content, as replaceSection gives (the job finds the section
    // once, where replaceSection would find it again).
    const replacing = (request: SectionEdit) =>
      replaceSection(
        page,
        request.heading,
        request.bodyFormat === 'markdown' ? markdownToStorage(request.body) : request.body,
        request.mode,
        request.occurrence,
      );
    for (const index of [0, 1, 2, 3]) {
      expect(pooled[index]).toMatchObject(replacing(requests[index] as SectionEdit));
    }
    expect(invalid).toEqual({ invalid: (replacing(requests[7] as SectionEdit) as { error: string }).error });
    expect(ambiguous).toEqual({ invalid: expect.stringMatching(/2 headings match "Notes".*occurrence/) });
    expect(missing).toEqual({ invalid: expect.stringMatching(/No heading "Missing"/) });
    expect(layout).toEqual({ section: 'Layout', kept: [expect.stringMatching(/layout/i)] });
    expect(invalid).toEqual({ invalid: expect.stringMatching(/not valid storage format/) });
  });

  it('keeps a section edit of a small page on the event loop, unless its new content is large', async () => {
    const convert = converter();
    const small = '<h1>A</h1><p>a</p><h1>B</h1><p>b</p>';
    const result = await convert.editSection({
      storage: small,
      heading: 'b',
      body: 'new',
      bodyFormat: 'markdown',
      mode: 'replace',
    });
    expect(result).toEqual({ storage: '<h1>A</h1><p>a</p><h1>B</h1><p>new</p>', section: 'B' });
    expect(convert.pool.started).toBe(0);
    // Large new content in storage format is checked (parsed) in a worker, even for a small page.
    const content = filler.repeat(3);
    const appended = await convert.editSection({
      storage: small,
      heading: 'A',
      body: content,
      bodyFormat: 'storage',
      mode: 'append',
    });
    expect(appended).toEqual({ storage: `<h1>A</h1><p>a</p>${content}<h1>B</h1><p>b</p>`, section: 'A' });
    expect(convert.pool.started).toBe(1);
  });

  it('stops a section edit with hostile Markdown at its time budget with a clear error, and replaces the worker', async () => {
    const convert = converter({ jobTimeoutMs: 1000 });
    const alice = convert.lane('alice');
    const failure = await alice.editSection(edit({ body: hostile })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConversionStoppedError);
    expect((failure as Error).message).toMatch(
      /^Changing this section was stopped: .*1000 ms of work.*Nothing was changed.*storage format/,
    );
    expect(convert.pool.load).toEqual({ running: 0, queued: 0, workers: 0, lanes: 0 });
    // The next edit gets a fresh worker and succeeds. A page just large enough for a worker: the budget is tight,
    // and the worker runs at a lower priority, so on a busy machine the 90,000-character page may need more.
    const justLarge = `<h1>Target</h1><p>old</p><h1>Rest</h1><p>${'w'.repeat(1200)}</p>`;
    expect(await alice.editSection(edit({ storage: justLarge, body: 'fine' }))).toEqual({
      storage: `<h1>Target</h1><p>fine</p><h1>Rest</h1><p>${'w'.repeat(1200)}</p>`,
      section: 'Target',
    });
    expect(convert.pool.started).toBe(2);
  });

  it("ends a cancelled call's section edit and says nothing was changed", async () => {
    const convert = converter({ jobTimeoutMs: 60_000 });
    const stop = new AbortController();
    const running = convert
      .editSection(edit({ body: hostile }), stop.signal)
      .catch((error: unknown) => error);
    expect(convert.pool.load).toMatchObject({ running: 1 });
    stop.abort(new Error('deadline'));
    const failure = await running;
    expect(failure).toBeInstanceOf(ConversionStoppedError);
    expect((failure as Error).message).toMatch(
      /^Changing this section did not finish within this call's time.*Nothing was changed/,
    );
    expect(convert.pool.load).toEqual({ running: 0, queued: 0, workers: 0, lanes: 0 });
  });
});
