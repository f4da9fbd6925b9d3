import type { ChildNode, Element } from 'domhandler';
import { decodeHTML } from 'entities';
import fc from 'fast-check';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { markdownToStorage } from '../../../src/content/markdown-to-storage.js';
import {
  applyEditedMarkdown,
  spliceEditedMarkdown,
  storageToEditableMarkdown,
} from '../../../src/content/preservation.js';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';
import { saved } from '../../support/apply-result.js';

// A line after a `<br />` that holds whitespace HTML does not collapse (an em space, a non-breaking space) shows on
// the page: as indentation, or as a line of its own. Written raw at the end of a line of Markdown it was dropped (GFM
// trims table cells, a save trims the end of each block it converts), and a save of the edited block left
// `<p>a\</p>`: the break a literal backslash, the space gone.

const EDGE_BLOCKS = new Set(['p', 'li', 'td', 'th']);
const BLOCKS = new Set([...EDGE_BLOCKS, 'ul', 'ol', 'table', 'tbody', 'thead', 'tr', 'div', 'blockquote']);

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag';
}

/** The text of inline content, each `<br />` as `\n`, runs of HTML whitespace as one space. */
function inlineText(nodes: readonly ChildNode[]): string {
  let text = '';
  for (const node of nodes) {
    if (node.type === 'text') text += decodeHTML(node.data).replace(/[ \t\n\r\f]+/g, ' ');
    else if (isElement(node)) text += node.name === 'br' ? '\n' : inlineText(node.children);
  }
  return text;
}

/**
 * What each line of text shows, read off the storage with htmlparser2 (not with the converters), in document
 * order: spaces at a line's ends and whitespace at its end never show, a line of HTML whitespace alone shows
 * nothing (a blank line, written as a paragraph break), but a line of an em or non-breaking space does.
 */
function shownLines(storage: string): string[] {
  const lines: string[] = [];
  const visit = (nodes: readonly ChildNode[]): void => {
    for (const node of nodes) {
      if (!isElement(node)) continue;
      if (EDGE_BLOCKS.has(node.name) && !node.children.some((c) => isElement(c) && BLOCKS.has(c.name))) {
        for (const raw of inlineText(node.children).split('\n')) {
          const line = raw.replace(/^ +| +$/g, '');
          if (line !== '') lines.push(line.replace(/\s+$/, '') || line);
        }
      } else {
        visit(node.children);
      }
    }
  };
  visit(parseDocument(storage, { xmlMode: true, decodeEntities: false }).children);
  return lines;
}

type Container = 'paragraph' | 'list item' | 'table cell';

function inContainer(container: Container, inline: string): string {
  switch (container) {
    case 'paragraph':
      return `<p>${inline}</p>`;
    case 'list item':
      return `<ul><li>${inline}</li></ul>`;
    case 'table cell':
      return `<table><tbody><tr><th>Head</th></tr><tr><td>${inline}</td></tr></tbody></table>`;
  }
}

/** Storage read for editing, `Lead` changed to `Led` in the Markdown, saved as confluence_update_page saves. */
function editAndSave(storage: string): string {
  const { markdown } = storageToEditableMarkdown(storage);
  expect(markdown).toContain('Lead');
  return saved(spliceEditedMarkdown(storage, markdown.replace('Lead', 'Led')));
}

const containers: Container[] = ['paragraph', 'list item', 'table cell'];

describe('whitespace after a line break', () => {
  const kept: [string, string[]][] = [
    ['Lead<br/>&#8195;', ['Lead', '\u2003']],
    ['Lead<br/>&#8195;b', ['Lead', '\u2003b']],
    ['Lead<br/>&#8194;', ['Lead', '\u2002']],
    ['Lead<br/>&#12288;', ['Lead', '\u3000']],
    ['Lead<br/>&#8195;&#8195;', ['Lead', '\u2003\u2003']],
    ['Lead<br/> &#8195; ', ['Lead', '\u2003']],
    ['Lead<br/>&#160;', ['Lead', '\u00a0']],
    ['Lead<br/>&nbsp;b', ['Lead', '\u00a0b']],
    ['Lead<br/>&#8195;<br/>&#8195;', ['Lead', '\u2003', '\u2003']],
    ['Lead<br/>&#8195;<br/>b', ['Lead', '\u2003', 'b']],
    ['Lead<br/><strong>&#8195;</strong>', ['Lead', '\u2003']],
    ['Lead&#8195;', ['Lead']],
  ];

  for (const container of containers) {
    it.each(kept)(`in a ${container}, %s is kept by a save of the edited block`, (inline, lines) => {
      const storage = inContainer(container, inline);
      const expected = shownLines(storage).map((line) => line.replace('Lead', 'Led'));
      expect(shownLines(storage).filter((line) => line !== 'Head')).toEqual(lines);
      const back = editAndSave(storage);
      expect(back).not.toContain('\\');
      expect(shownLines(back)).toEqual(expected);
    });

    it.each(kept)(`in a ${container}, %s is kept from Markdown to storage`, (inline) => {
      const storage = inContainer(container, inline);
      expect(shownLines(markdownToStorage(storageToMarkdown(storage)))).toEqual(shownLines(storage));
      const { markdown, preserved } = storageToEditableMarkdown(storage);
      expect(shownLines(saved(applyEditedMarkdown(markdown, preserved)))).toEqual(shownLines(storage));
    });
  }

  it('writes the whitespace at the end of a line as character references, which a save cannot trim', () => {
    expect(storageToEditableMarkdown('<p>a<br/>&#8195;</p>').markdown).toBe('a\\\n&#8195;');
    expect(storageToMarkdown('<p>a<br/>&#160;b<br/>c&#8194;</p>')).toBe('a\\\n&#160;b\\\nc&#8194;');
    expect(storageToMarkdown('<table><tbody><tr><th>a<br/>&#8195;</th></tr></tbody></table>')).toBe(
      '| a<br>&#8195; |\n| --- |',
    );
    expect(saved(spliceEditedMarkdown('<p>a<br/>&#8195;</p>', 'c\\\n&#8195;'))).toBe('<p>c<br />\u2003</p>');
  });

  it('writes nothing for what shows nothing: spaces, tabs, a last break, a blank paragraph, filler at its start', () => {
    expect(storageToMarkdown('<p>a<br/> \t</p>')).toBe('a');
    expect(storageToMarkdown('<p>a<br/>\tb</p>')).toBe('a\\\nb');
    expect(storageToMarkdown('<p>a<br/></p>')).toBe('a');
    expect(storageToMarkdown('<p>&nbsp;a&nbsp;</p><p>&nbsp;</p><p>&#8195;</p><p><br/>&#8195;</p>')).toBe('a');
    expect(storageToMarkdown('<p>a<br/><br/>&#8195;</p>')).toBe('a');
  });
});

// Whitespace of every kind a line may start or end with, and text.
const whitespace = fc.constantFrom(
  ' ',
  '\t',
  '\n',
  '&#160;',
  '&nbsp;',
  '&#8194;',
  '&#8195;',
  '&#x2009;',
  '&#12288;',
);
const visible = fc.constantFrom('&#160;', '&#8195;', '&#8194;', '&#12288;', 'x', 'word', '<em>em</em>', '**');
/** A line after a break: whitespace around something that shows (a space that HTML keeps, or text). */
const line = fc
  .tuple(
    fc.array(whitespace, { maxLength: 3 }),
    fc.array(visible, { minLength: 1, maxLength: 3 }),
    fc.array(whitespace, { maxLength: 3 }),
  )
  .map(([before, middle, after]) => [...before, ...middle, ...after].join(''));
const inlineArbitrary = fc
  .tuple(fc.array(line, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(
    ([lines, lastBreak]) => `Lead${lines.map((text) => `<br/>${text}`).join('')}${lastBreak ? '<br/>' : ''}`,
  );

describe('any run of lines after breaks, with assorted whitespace', () => {
  it('shows the same lines after Markdown and back, and after a save of the edited block', () => {
    fc.assert(
      fc.property(fc.constantFrom(...containers), inlineArbitrary, (container, inline) => {
        const storage = inContainer(container, inline);
        const shown = shownLines(storage);
        expect(shownLines(markdownToStorage(storageToMarkdown(storage)))).toEqual(shown);
        expect(shownLines(editAndSave(storage))).toEqual(shown.map((text) => text.replace('Lead', 'Led')));
      }),
      { numRuns: 300 },
    );
  });
});
