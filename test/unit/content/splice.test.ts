import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ApplyResult,
  spliceEditedMarkdown,
  storageToEditableMarkdown,
} from '../../../src/content/preservation.js';
import { layoutsAndTablesPage } from '../../fixtures/content/layouts-and-tables.js';
import { lossyPage } from '../../fixtures/content/lossy-page.js';

function saved(result: ApplyResult): string {
  if ('refused' in result) throw new Error(result.refused);
  return result.storage;
}

function refusal(result: ApplyResult): string {
  if ('storage' in result) throw new Error('expected a refusal');
  return result.refused;
}

const jira = (key: string) =>
  `<ac:structured-macro ac:name="jira" ac:schema-version="1" ac:macro-id="m-${key}"><ac:parameter ac:name="key">${key}</ac:parameter></ac:structured-macro>`;

describe('spliceEditedMarkdown', () => {
  it('gives back the very storage for unedited Markdown, whatever the page holds', () => {
    for (const storage of [lossyPage.storage, layoutsAndTablesPage.storage]) {
      const { markdown } = storageToEditableMarkdown(storage);
      expect(saved(spliceEditedMarkdown(storage, markdown))).toBe(storage);
    }
  });

  it('keeps the storage of blocks the edit left alone, even in forms the converter would write otherwise', () => {
    // Entities, attribute order, macro ids and a line break inside a paragraph: none survive a conversion.
    const first = '<p>Caf&eacute; opens at <strong>8</strong>&nbsp;am,\nevery day.</p>';
    const second = '<p class="x" data-a="1">Second paragraph.</p>';
    const third = '<h2 id="t">Third</h2>';
    const storage = `${first}\n${second}\n${third}`;
    const { markdown } = storageToEditableMarkdown(storage);
    const edited = markdown.replace('Second paragraph.', 'Second paragraph, edited.');
    expect(saved(spliceEditedMarkdown(storage, edited))).toBe(
      `${first}\n<p>Second paragraph, edited.</p>\n${third}`,
    );
  });

  it('deletes, adds and moves blocks, keeping the bytes of every block it moves', () => {
    const blocks = [
      '<p>Alpha&nbsp;one.</p>',
      '<h2 id="b">Beta</h2>',
      '<p>Gamma <em>g</em>.</p>',
      jira('X-1'),
    ];
    const storage = blocks.join('');
    const { markdown } = storageToEditableMarkdown(storage);
    const parts = markdown.split('\n\n');
    expect(parts).toHaveLength(4);
    const moved = [parts[3], parts[2], 'New paragraph.', parts[0]].join('\n\n');
    expect(saved(spliceEditedMarkdown(storage, moved))).toBe(
      `${blocks[3]}${blocks[2]}<p>New paragraph.</p>${blocks[0]}`,
    );
  });

  it('keeps the whitespace between blocks, and an empty paragraph before a block, when that block is edited', () => {
    const storage = '<p>One.</p>\n<p />\n<p>Two.</p>\n\n<p>Three.</p>\n';
    const { markdown } = storageToEditableMarkdown(storage);
    expect(saved(spliceEditedMarkdown(storage, markdown.replace('Two.', 'Deux.')))).toBe(
      '<p>One.</p>\n<p />\n<p>Deux.</p>\n\n<p>Three.</p>\n',
    );
  });

  it('edits one paragraph inside a layout and keeps the layout markup and the other column byte for byte', () => {
    const left = '<p>Left&nbsp;column.</p>';
    const storage = `<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell>${left}</ac:layout-cell><ac:layout-cell><p>Right column.</p></ac:layout-cell></ac:layout-section></ac:layout>`;
    const { markdown } = storageToEditableMarkdown(storage);
    const result = saved(spliceEditedMarkdown(storage, markdown.replace('Right column.', 'Right, edited.')));
    expect(result).toBe(storage.replace('<p>Right column.</p>', '<p>Right, edited.</p>'));
  });

  it('takes mentions named by the read as the same block, since storage keeps only the account id', () => {
    const storage =
      '<p>Ask <ac:link><ri:user ri:account-id="712020:abc" /></ac:link>&nbsp;first.</p><p>Next.</p>';
    const { markdown } = storageToEditableMarkdown(storage, {
      userName: (id) => (id === '712020:abc' ? 'Ada Lovelace' : undefined),
    });
    expect(markdown).toContain('[@Ada Lovelace](confluence-user:712020:abc)');
    expect(saved(spliceEditedMarkdown(storage, markdown))).toBe(storage);
    expect(saved(spliceEditedMarkdown(storage, markdown.replace('Next.', 'Then.')))).toBe(
      storage.replace('<p>Next.</p>', '<p>Then.</p>'),
    );
  });

  it('refuses to delete a block holding preserved content, and to repeat a placeholder', () => {
    const storage = `<p>Intro.</p>${jira('X-2')}<p>Outro.</p>`;
    const { markdown } = storageToEditableMarkdown(storage);
    const without = markdown.replace(/<!-- confluence-keep 1[^>]*-->\n\n/, '');
    expect(without).not.toBe(markdown);
    expect(refusal(spliceEditedMarkdown(storage, without))).toContain('these placeholders are missing: 1');
    const twice = `${markdown}\n\n${markdown.split('\n\n')[1]}`;
    expect(refusal(spliceEditedMarkdown(storage, twice))).toContain('appear more than once');
    expect(saved(spliceEditedMarkdown(storage, without, { removed: ['1'] }))).toBe(
      '<p>Intro.</p><p>Outro.</p>',
    );
  });

  it('refuses the read-only macro form and placeholders moved so they no longer pair up', () => {
    expect(refusal(spliceEditedMarkdown('<p>a</p>', '[Confluence macro: jira (key=X)]'))).toContain(
      'read-only form',
    );
    const storage = `<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><p>a</p></ac:layout-cell><ac:layout-cell><p>b</p></ac:layout-cell></ac:layout-section></ac:layout>`;
    const { markdown } = storageToEditableMarkdown(storage);
    const lines = markdown.split('\n\n');
    const swapped = [lines[lines.length - 1], ...lines.slice(1, -1), lines[0]].join('\n\n');
    expect(refusal(spliceEditedMarkdown(storage, swapped))).toContain('no longer pair up');
  });

  it('converts the whole Markdown when it defines link references, which tie blocks together', () => {
    const storage = '<p>One.</p><p>Two.</p>';
    const edited = 'One.\n\nSee [the docs][d].\n\n[d]: https://example.com/docs';
    expect(saved(spliceEditedMarkdown(storage, edited))).toBe(
      '<p>One.</p><p>See <a href="https://example.com/docs">the docs</a>.</p>',
    );
  });
});

// Blocks whose editable Markdown is one paragraph of text (no blank line), each with a word of its own.
type BlockKind = 'paragraph' | 'heading' | 'code' | 'jira' | 'table' | 'quote';
const blockKinds: BlockKind[] = ['paragraph', 'heading', 'code', 'jira', 'table', 'quote'];

function blockStorage(kind: BlockKind, word: string, entity: boolean): string {
  const text = entity ? `${word}&nbsp;caf&eacute;` : `${word} text`;
  switch (kind) {
    case 'paragraph':
      return `<p data-x="1">${text} and <strong>more</strong>.</p>`;
    case 'heading':
      return `<h3>${text}</h3>`;
    case 'code':
      return `<ac:structured-macro ac:name="code" ac:schema-version="1" ac:macro-id="m${word.slice(1, -1)}"><ac:plain-text-body><![CDATA[${word}();]]></ac:plain-text-body></ac:structured-macro>`;
    case 'jira':
      return jira(word);
    case 'table':
      return `<table data-layout="default"><tbody><tr><th><p>${word}</p></th></tr><tr><td><p>${text}</p></td></tr></tbody></table>`;
    case 'quote':
      return `<blockquote><p>${text}</p></blockquote>`;
  }
}

const pageArbitrary = fc
  .array(fc.record({ kind: fc.constantFrom(...blockKinds), entity: fc.boolean() }), {
    minLength: 1,
    maxLength: 12,
  })
  .map((specs) =>
    specs.map((spec, index) => ({ ...spec, storage: blockStorage(spec.kind, `w${index}z`, spec.entity) })),
  );

type Operation =
  | { readonly type: 'edit'; readonly at: number }
  | { readonly type: 'delete'; readonly at: number }
  | { readonly type: 'move'; readonly from: number; readonly to: number };

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ type: fc.constant('edit' as const), at: fc.nat() }),
  fc.record({ type: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ type: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }),
);

describe('spliceEditedMarkdown on random pages', () => {
  it('changes exactly the blocks edited, moved or deleted, and keeps every other byte', () => {
    fc.assert(
      fc.property(pageArbitrary, fc.array(operationArbitrary, { maxLength: 5 }), (blocks, operations) => {
        const storage = blocks.map((block) => block.storage).join('');
        const { markdown } = storageToEditableMarkdown(storage);
        const parts = markdown.split('\n\n');
        expect(parts).toHaveLength(blocks.length);
        // Each entry: the Markdown now in that place, and the storage expected for it.
        // `storage` undefined: edited, so converted from Markdown (its exact bytes are the converter's business).
        let page: { markdown: string; storage: string | undefined; kind: BlockKind }[] = blocks.map(
          (block, index) => ({ markdown: parts[index] as string, storage: block.storage, kind: block.kind }),
        );
        for (const operation of operations) {
          if (page.length === 0) break;
          if (operation.type === 'edit') {
            const at = operation.at % page.length;
            const entry = page[at];
            if (entry === undefined || entry.kind === 'jira') continue;
            const markdown = entry.markdown.replace(/w(\d+)z/g, 'w$1z edited');
            page[at] = { ...entry, markdown, storage: undefined };
          } else if (operation.type === 'delete') {
            const at = operation.at % page.length;
            if (page[at]?.kind === 'jira') continue;
            page = page.filter((_, index) => index !== at);
          } else {
            const [entry] = page.splice(operation.from % page.length, 1);
            if (entry !== undefined) page.splice(operation.to % (page.length + 1), 0, entry);
          }
        }
        const edited = page.map((entry) => entry.markdown).join('\n\n');
        const result = saved(spliceEditedMarkdown(storage, edited));
        // Every block not edited comes back byte for byte, in the new order, with nothing between them but the
        // blocks edited, each showing its edit.
        let position = 0;
        let pending: string[] = [];
        const settle = (until: number) => {
          const between = result.slice(position, until);
          if (pending.length === 0) expect(between).toBe('');
          // Nothing else of the page (a deleted block, a copy of a kept one) is there.
          const words = [...between.matchAll(/w\d+z(?: edited)?/g)].map((match) => match[0]);
          expect(words.filter((word) => !pending.includes(word))).toEqual([]);
          let from = 0;
          for (const word of pending) {
            const at = between.indexOf(word, from);
            expect(at, `${word} in ${between}`).toBeGreaterThanOrEqual(0);
            from = at + word.length;
          }
          pending = [];
        };
        for (const entry of page) {
          if (entry.storage === undefined) {
            pending.push(/w\d+z edited/.exec(entry.markdown)?.[0] ?? '');
            continue;
          }
          const at = result.indexOf(entry.storage, position);
          expect(at).toBeGreaterThanOrEqual(position);
          settle(at);
          position = at + entry.storage.length;
        }
        settle(result.length);
        if (edited === markdown) expect(result).toBe(storage);
      }),
      { numRuns: 300 },
    );
  });
});

describe('spliceEditedMarkdown on hostile Markdown', () => {
  const storage = `<h1>Title</h1><p>Intro&nbsp;text.</p>${jira('H-1')}<ul><li><p>one</p></li></ul><p>End.</p>`;
  const { markdown } = storageToEditableMarkdown(storage);
  const pieces = [
    ...markdown.split('\n\n'),
    '\n\n',
    '\n',
    '- ',
    '> ',
    '```',
    '<details>',
    '</details>',
    '[x]: https://example.com',
    '<!-- confluence-keep 1',
    '-->',
    '| a | b |\n|---|---|',
    '<p>',
    '    ',
    '[',
    '](',
  ];

  it('never throws: it saves well-formed storage keeping the placeholder, or refuses', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 20 }), (parts) => {
        const result = spliceEditedMarkdown(storage, parts.join(''));
        if ('refused' in result) expect(result.refused).toMatch(/^Not saved/);
        else {
          expect(result.storage).toContain(jira('H-1'));
          expect(result.storage.split(jira('H-1'))).toHaveLength(2);
        }
      }),
      { numRuns: 300 },
    );
  });
});
