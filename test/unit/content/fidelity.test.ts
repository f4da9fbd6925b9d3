import { describe, expect, it } from 'vitest';
import { markdownToStorage, storageProblem } from '../../../src/content/markdown-to-storage.js';
import { applyEditedMarkdown, storageToEditableMarkdown } from '../../../src/content/preservation.js';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';
import { corpus } from '../../fixtures/content/corpus.js';
import { extractFacts, missingFacts, type PageFacts } from './facts.js';
import { factsMissingFromMarkdown } from './markdown-facts.js';

// Facts are read off each page's storage with htmlparser2's DOM, not with the converters, so these tests compare
// the converters against the storage itself.
const pages = corpus();

describe('fidelity: storage to Markdown to storage', () => {
  it('covers the hand-written pages and every page of the demo site', () => {
    expect(pages.length).toBeGreaterThan(150);
    const facts = pages.map((page) => extractFacts(page.storage));
    const total = (key: keyof PageFacts) => facts.reduce((sum, page) => sum + page[key].length, 0);
    expect(total('headings')).toBeGreaterThan(500);
    expect(total('code')).toBeGreaterThan(50);
    expect(total('tasks')).toBeGreaterThan(50);
    expect(total('mentions')).toBeGreaterThan(100);
    expect(total('cells')).toBeGreaterThan(1000);
  });

  it.each(pages)('$name: the Markdown shows every fact of the storage', ({ storage }) => {
    expect(factsMissingFromMarkdown(extractFacts(storage), storageToMarkdown(storage))).toEqual({});
  });

  it.each(pages)('$name: converting the Markdown back keeps every fact, well-formed', ({ storage }) => {
    const back = markdownToStorage(storageToMarkdown(storage));
    expect(storageProblem(back)).toBeUndefined();
    expect(missingFacts(extractFacts(storage), extractFacts(back))).toEqual({});
  });
});

const EXACT: readonly (keyof PageFacts)[] = [
  'headings',
  'links',
  'images',
  'mentions',
  'code',
  'cells',
  'tasks',
  'panels',
  'expands',
  'statuses',
];

describe('fidelity: editable Markdown applied unchanged', () => {
  it.each(pages)('$name: every preserved fragment comes back byte for byte, in order', ({ storage }) => {
    const { markdown, preserved } = storageToEditableMarkdown(storage);
    const result = applyEditedMarkdown(markdown, preserved);
    if (!('storage' in result)) throw new Error(result.refused);
    expect(storageProblem(result.storage)).toBeUndefined();
    let position = 0;
    for (const [id, fragment] of preserved) {
      const found = result.storage.indexOf(fragment, position);
      expect(found, `fragment ${id}`).toBeGreaterThanOrEqual(0);
      position = found + fragment.length;
    }
  });

  it.each(pages)('$name: every fact comes back exactly', ({ storage }) => {
    const { markdown, preserved } = storageToEditableMarkdown(storage);
    const result = applyEditedMarkdown(markdown, preserved);
    if (!('storage' in result)) throw new Error(result.refused);
    const before = extractFacts(storage);
    const after = extractFacts(result.storage);
    for (const key of EXACT) expect([...after[key]].sort(), key).toEqual([...before[key]].sort());
    // Text may be split differently around formatting, and dates written as text come back as date chips.
    expect(missingFacts(before, after)).toEqual({});
  });
});
