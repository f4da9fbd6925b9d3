import { describe, expect, it } from 'vitest';
import { markdownToStorage, storageProblem } from '../../../src/content/markdown-to-storage.js';
import { applyEditedMarkdown, storageToEditableMarkdown } from '../../../src/content/preservation.js';
import { listSections, replaceSection } from '../../../src/content/sections.js';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';

/** mulberry32: a small seeded generator, so a failing case reproduces. */
function seeded(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

/** Converts and asserts the one thing that must hold for any input: well-formed output. */
function wellFormed(markdown: string): string {
  const storage = markdownToStorage(markdown);
  expect(storageProblem(storage)).toBeUndefined();
  return storage;
}

const MARKDOWN_FRAGMENTS = [
  '# ',
  '###### ',
  '\n',
  '\n\n',
  '- ',
  '  - ',
  '1. ',
  '- [ ] ',
  '- [x] ',
  '> ',
  '> [!NOTE]\n',
  '```',
  '```python title="x"\n',
  '~~~',
  '    ',
  '*',
  '**',
  '_',
  '~~',
  '`',
  '[',
  ']',
  '(',
  ')',
  '](confluence-page:ENG/T)',
  '](confluence-user:u-1)',
  '](<confluence-attachment:a b.png>)',
  '](#anchor)',
  '![',
  '|',
  '| --- |',
  '\\',
  '<table>',
  '<tr>',
  '<td colspan="2">',
  '<th rowspan="x">',
  '</td>',
  '</tr>',
  '</table>',
  '<details>',
  '<summary>',
  '</summary>',
  '</details>',
  '<u>',
  '</u>',
  '<sub>',
  '<br>',
  '<pre>',
  '</pre>',
  '<script>',
  '<!--',
  '-->',
  '<!-- confluence-keep 1: x -->',
  '<!--confluence-keep-inline 2-->',
  '<![CDATA[',
  ']]>',
  '&amp;',
  '&bogus;',
  '&#0;',
  '&#x110000;',
  '`[STATUS: DONE (green)]`',
  '[Table of contents]',
  '[Confluence macro: jira (key=X)]',
  '2026-03-01',
  '✅',
  '\u0000',
  '\u0007',
  '\r\n',
  '\ud800',
  'text',
  ' ',
  '"',
  "'",
  '<',
  '>',
  '&',
];

describe('markdownToStorage: robustness', () => {
  it('keeps content nested far deeper than it builds, as text', () => {
    const storage = wellFormed(`${'> '.repeat(100_000)}deep quote`);
    expect(storage).toContain('deep quote');
    const list = Array.from({ length: 3000 }, (_, level) => `${'  '.repeat(level)}- level ${level}`).join(
      '\n',
    );
    const lists = wellFormed(list);
    expect(lists).toContain('level 0');
    expect(lists).toContain('level 2999');
  }, 30_000);

  it('survives runs of delimiters, brackets, backticks and unclosed inline HTML', () => {
    for (const run of ['*', '_', '~', '[', ']', '`', '<', '![', '**a', '[a](', '<u>x', '<a href="y">']) {
      expect(wellFormed(run.repeat(50_000)).length).toBeGreaterThan(0);
    }
  }, 30_000);

  it('converts a table of 2,000 rows and one of 5,000 columns', () => {
    const rows = Array.from({ length: 2000 }, (_, row) => `| ${row} | ${'x | '.repeat(20)}`);
    const tall = wellFormed(`| h | ${'c | '.repeat(20)}\n|---|${'---|'.repeat(20)}\n${rows.join('\n')}`);
    expect(tall.match(/<tr>/g)).toHaveLength(2001);
    const wide = wellFormed(`|${' a |'.repeat(5000)}\n|${' --- |'.repeat(5000)}\n|${' b |'.repeat(5000)}`);
    expect(wide.match(/<td>/g)).toHaveLength(5000);
  }, 30_000);

  it('keeps an unclosed fence to the end as code', () => {
    expect(wellFormed('before\n\n```js\nlet a = 1;\n\nno end')).toBe(
      '<p>before</p><ac:structured-macro ac:name="code" ac:schema-version="1"><ac:parameter ac:name="language">js</ac:parameter>' +
        '<ac:plain-text-body><![CDATA[let a = 1;\n\nno end]]></ac:plain-text-body></ac:structured-macro>',
    );
  });

  it('closes HTML tables and details that never close', () => {
    const storage = wellFormed(
      '<table><tr><td>\n\n<details>\n<summary>s</summary>\n\ninside\n\n'.repeat(200),
    );
    expect(storage.match(/inside/g)).toHaveLength(200);
  });

  it('converts 5 MB of Markdown in one piece', () => {
    const section = [
      '## Section',
      'Some *emphasis*, **strong**, `code`, a [link](https://example.com/x) and [@A](confluence-user:a).',
      '- [ ] task 2026-01-01',
      '- item\n  1. nested',
      '| a | b |\n| --- | --- |\n| 1 | 2 |',
      '```ts\nconst x = 1;\n```',
      '> [!TIP]\n> tip',
    ].join('\n\n');
    const markdown = Array.from({ length: Math.ceil(5_000_000 / section.length) }, () => section).join(
      '\n\n',
    );
    expect(markdown.length).toBeGreaterThan(5_000_000);
    const storage = wellFormed(markdown);
    expect(storage.match(/<h2>Section<\/h2>/g)?.length).toBe(Math.ceil(5_000_000 / section.length));
  }, 60_000);

  it('gives well-formed, repeatable output for 400 random Markdown documents', () => {
    const next = seeded(20260310);
    for (let run = 0; run < 400; run++) {
      const parts: string[] = [];
      const length = 1 + next(120);
      for (let index = 0; index < length; index++) {
        parts.push(
          next(10) === 0
            ? String.fromCharCode(next(0x3000))
            : (MARKDOWN_FRAGMENTS[next(MARKDOWN_FRAGMENTS.length)] ?? ''),
        );
      }
      const markdown = parts.join('');
      const storage = markdownToStorage(markdown);
      expect(storageProblem(storage), JSON.stringify(markdown)).toBeUndefined();
      expect(markdownToStorage(markdown)).toBe(storage);
    }
  });
});

const STORAGE_FRAGMENTS = [
  '<p>',
  '</p>',
  '<h2>',
  '</h2>',
  '<ul><li>',
  '</li></ul>',
  '<table><tbody><tr><td>',
  '<th colspan="2">',
  '</td></tr></tbody></table>',
  '<ac:structured-macro ac:name="jira"><ac:parameter ac:name="key">X-1</ac:parameter></ac:structured-macro>',
  '<ac:structured-macro ac:name="info"><ac:rich-text-body>',
  '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[a ]]]]><![CDATA[> b',
  ']]></ac:plain-text-body>',
  '</ac:rich-text-body></ac:structured-macro>',
  '<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell>',
  '</ac:layout-cell><ac:layout-cell>',
  '</ac:layout-cell></ac:layout-section></ac:layout>',
  '<ac:inline-comment-marker ac:ref="r">',
  '</ac:inline-comment-marker>',
  '<ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>',
  '</ac:task-body></ac:task></ac:task-list>',
  '<ac:link><ri:user ri:account-id="u" /></ac:link>',
  '<ac:link><ri:page ri:content-title="T &amp; U" /></ac:link>',
  '<time datetime="2026-01-01" />',
  '<code>',
  '</code>',
  '<strong>',
  '</em>',
  '<![CDATA[',
  ']]>',
  '&nbsp;',
  '&bogus;',
  'words ',
  '# * _ [x] | ` \\ ',
  '<!-- confluence-keep 1 -->',
  '<',
  '&',
];

describe('storage round trips: robustness', () => {
  it('converts 300 random storage documents to Markdown and back, well-formed, and edits them or refuses', () => {
    const next = seeded(42);
    for (let run = 0; run < 300; run++) {
      const parts: string[] = [];
      const length = 1 + next(60);
      for (let index = 0; index < length; index++)
        parts.push(STORAGE_FRAGMENTS[next(STORAGE_FRAGMENTS.length)] ?? '');
      const storage = parts.join('');
      expect(storageProblem(markdownToStorage(storageToMarkdown(storage))), storage).toBeUndefined();
      const { markdown, preserved } = storageToEditableMarkdown(storage);
      const result = applyEditedMarkdown(markdown, preserved);
      // Fragments of malformed storage may not fit back together; then the edit is refused, never damaged.
      if ('storage' in result) expect(storageProblem(result.storage), storage).toBeUndefined();
      else expect(result.refused).toMatch(/^Not saved/);
      expect(listSections(storage).length).toBeGreaterThanOrEqual(0);
    }
  });

  it('prepares a 5 MB document of lists nested 100k levels deep for editing and finds its sections', () => {
    const depth = 100_000;
    const item = '<ul><li><p>item of the deeply nested list</p>';
    const storage = `<h1>Top</h1>${item.repeat(depth)}${'</li></ul>'.repeat(depth)}<h1>End</h1>`;
    expect(storage.length).toBeGreaterThan(5_000_000);
    const { markdown, preserved } = storageToEditableMarkdown(storage);
    expect(markdown).toContain('# End');
    const result = applyEditedMarkdown(markdown, preserved);
    if (!('storage' in result)) throw new Error(result.refused);
    expect(result.storage.length).toBeGreaterThan(4_000_000);
    expect(listSections(storage)).toEqual([
      { level: 1, text: 'Top' },
      { level: 1, text: 'End' },
    ]);
    const replaced = replaceSection(storage, 'End', '<p>new</p>', 'append');
    expect('storage' in replaced && replaced.storage.endsWith('<h1>End</h1><p>new</p>')).toBe(true);
  }, 60_000);
});
