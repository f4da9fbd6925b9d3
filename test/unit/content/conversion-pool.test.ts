import { afterEach, describe, expect, it } from 'vitest';
import {
  ConversionStoppedError,
  type Converter,
  inlineConverter,
  markdownToStorage,
  pooledConverter,
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
    inlineBelowChars: 1000,
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
    const convert = converter({ inlineBelowChars: 100_000 });
    expect(await convert.toStorage(large)).toBe(markdownToStorage(large));
    expect(convert.pool.started).toBe(0);
  });

  it('stops hostile Markdown at its time budget with a clear error, and replaces the worker', async () => {
    const convert = converter({ jobTimeoutMs: 1000, inlineBelowChars: 0 });
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
    expect(convert.pool.load).toEqual({ running: 1, queued: 1, workers: 1 });
    waiting.abort(new Error('cancelled while waiting'));
    expect(((await second) as Error).message).toBe('cancelled while waiting');
    running.abort(new Error('cancelled while running'));
    expect(((await first) as Error).message).toBe('cancelled while running');
    expect(convert.pool.load).toEqual({ running: 0, queued: 0, workers: 0 });
    expect(await convert.toStorage(large)).toBe(markdownToStorage(large));
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
