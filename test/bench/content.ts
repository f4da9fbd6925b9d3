import { parseDocument } from 'htmlparser2';
import MarkdownIt from 'markdown-it';
import { markdownToStorage } from '../../src/content/markdown-to-storage.js';
import { applyEditedMarkdown, storageToEditableMarkdown } from '../../src/content/preservation.js';
import { storageToMarkdown } from '../../src/content/storage-to-markdown.js';
import { type CorpusPage, corpus } from '../fixtures/content/corpus.js';
import { type Bench, type Figure, figure, median, table, time } from './bench.js';

const RUNS = 7;

function bytes(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
}

function megabytesPerSecond(size: number, milliseconds: number): number {
  return size / 1e6 / (milliseconds / 1000);
}

/**
 * A token estimate closer than characters / 4 for markup-heavy text: each run of letters and digits is one token
 * per six characters (at least one), each other non-space character one, each line break one.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(/[\p{L}\p{N}]+|\n+|[^\s\p{L}\p{N}]/gu)) {
    const piece = match[0];
    tokens += /[\p{L}\p{N}]/u.test(piece) ? Math.max(1, Math.ceil(piece.length / 6)) : 1;
  }
  return tokens;
}

/** The JSON Confluence's v2 API returns for a page read with `body-format=storage`, as the sandbox builds it. */
function pageJson(page: CorpusPage, index: number): string {
  const id = String(65_536 + index);
  const title = page.name.split('/').slice(1).join('/');
  return JSON.stringify({
    parentType: 'page',
    parentId: '65530',
    ownerId: '712020:2f3c4a5b-6d7e-4f80-9a1b-2c3d4e5f6a7b',
    lastOwnerId: null,
    createdAt: '2026-01-12T09:30:00.000Z',
    authorId: '712020:2f3c4a5b-6d7e-4f80-9a1b-2c3d4e5f6a7b',
    position: index,
    version: {
      createdAt: '2026-03-02T14:05:00.000Z',
      message: '',
      number: 4,
      minorEdit: false,
      authorId: '712020:2f3c4a5b-6d7e-4f80-9a1b-2c3d4e5f6a7b',
    },
    body: { storage: { representation: 'storage', value: page.storage } },
    status: 'current',
    title,
    spaceId: '98305',
    id,
    _links: {
      editui: `/pages/resumedraft.action?draftId=${id}`,
      webui: `/spaces/ENG/pages/${id}/${encodeURIComponent(title).replace(/%20/g, '+')}`,
      tinyui: '/x/AQAB',
      base: 'https://acme.atlassian.net/wiki',
    },
  });
}

function throughput(): Figure[] {
  const pages = corpus();
  const storages = pages.map((page) => page.storage);
  const markdowns = storages.map((storage) => storageToMarkdown(storage));
  const editables = storages.map((storage) => storageToEditableMarkdown(storage));
  const markdownIt = new MarkdownIt('default', { html: true, linkify: true });
  const storageBytes = bytes(storages);
  const markdownBytes = bytes(markdowns);
  const measure = (size: number, work: () => void): number =>
    megabytesPerSecond(size, median(time(RUNS, work)));
  const htmlparser = measure(storageBytes, () => {
    for (const storage of storages) parseDocument(storage, { xmlMode: true });
  });
  const markdownParse = measure(markdownBytes, () => {
    for (const markdown of markdowns) markdownIt.parse(markdown, {});
  });
  const toMarkdown = measure(storageBytes, () => {
    for (const storage of storages) storageToMarkdown(storage);
  });
  const toStorage = measure(markdownBytes, () => {
    for (const markdown of markdowns) markdownToStorage(markdown);
  });
  const toEditable = measure(storageBytes, () => {
    for (const storage of storages) storageToEditableMarkdown(storage);
  });
  const apply = measure(bytes(editables.map((edit) => edit.markdown)), () => {
    for (const edit of editables) applyEditedMarkdown(edit.markdown, edit.preserved);
  });
  const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}x`;
  console.log(
    `${pages.length} pages, ${(storageBytes / 1e6).toFixed(2)} MB of storage, ${(markdownBytes / 1e6).toFixed(2)} MB of ` +
      `Markdown; median of ${RUNS} runs, MB/s of input; ratios against baselines run in the same process:`,
  );
  console.log(
    table([
      ['conversion', 'MB/s', 'vs htmlparser2 parse', 'vs markdown-it parse'],
      ['baseline: htmlparser2 parseDocument (storage)', htmlparser.toFixed(1), '1.00x', ''],
      ['baseline: markdown-it parse (Markdown)', markdownParse.toFixed(1), '', '1.00x'],
      ['storageToMarkdown', toMarkdown.toFixed(1), ratio(toMarkdown, htmlparser), ''],
      ['markdownToStorage', toStorage.toFixed(1), '', ratio(toStorage, markdownParse)],
      ['storageToEditableMarkdown', toEditable.toFixed(1), ratio(toEditable, htmlparser), ''],
      ['applyEditedMarkdown (unchanged)', apply.toFixed(1), '', ratio(apply, markdownParse)],
    ]),
  );
  return [
    figure({
      figure: 'storageToMarkdown throughput (corpus)',
      value: toMarkdown,
      unit: 'MB/s',
      baseline: { name: 'htmlparser2 parse', value: htmlparser },
    }),
    figure({
      figure: 'markdownToStorage throughput (corpus)',
      value: toStorage,
      unit: 'MB/s',
      baseline: { name: 'markdown-it parse', value: markdownParse },
    }),
  ];
}

function sizes(): void {
  const pages = corpus();
  const rows = pages.map((page, index) => {
    const json = pageJson(page, index);
    const markdown = storageToMarkdown(page.storage);
    return {
      name: page.name,
      jsonChars: json.length,
      markdownChars: markdown.length,
      jsonTokens: estimateTokens(json),
      markdownTokens: estimateTokens(markdown),
    };
  });
  const sum = (key: keyof Omit<(typeof rows)[number], 'name'>) =>
    rows.reduce((total, row) => total + row[key], 0);
  const charRatios = rows.map((row) => row.markdownChars / row.jsonChars);
  const tokenRatios = rows.map((row) => row.markdownTokens / row.jsonTokens);
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  console.log(
    '\nMarkdown (storageToMarkdown) against the v2 PageSingle JSON with body.storage, over the corpus:',
  );
  console.log(
    table([
      ['measure', 'JSON', 'Markdown', 'Markdown / JSON', 'median page', 'min page', 'max page'],
      [
        'characters',
        String(sum('jsonChars')),
        String(sum('markdownChars')),
        percent(sum('markdownChars') / sum('jsonChars')),
        percent(median(charRatios)),
        percent(Math.min(...charRatios)),
        percent(Math.max(...charRatios)),
      ],
      [
        'tokens, characters / 4',
        String(Math.round(sum('jsonChars') / 4)),
        String(Math.round(sum('markdownChars') / 4)),
        percent(sum('markdownChars') / sum('jsonChars')),
        '',
        '',
        '',
      ],
      [
        'tokens, word-piece estimate',
        String(sum('jsonTokens')),
        String(sum('markdownTokens')),
        percent(sum('markdownTokens') / sum('jsonTokens')),
        percent(median(tokenRatios)),
        percent(Math.min(...tokenRatios)),
        percent(Math.max(...tokenRatios)),
      ],
    ]),
  );
  const largest = rows.reduce((best, row) => (row.jsonChars > best.jsonChars ? row : best));
  console.log(
    `largest page: ${largest.name}: ${largest.jsonChars} JSON characters, ${largest.markdownChars} Markdown ` +
      `(${percent(largest.markdownChars / largest.jsonChars)})`,
  );
}

/** Conversion throughput both ways and the size of Markdown against the API's JSON, over the content corpus. */
export const contentBench: Bench = {
  name: 'content: storage format <-> Markdown',
  run() {
    const figures = throughput();
    sizes();
    return figures;
  },
};
