import { describe, expect, it, vi } from 'vitest';
import { spliceEditedMarkdown, storageToEditableMarkdown } from '../../../src/content/preservation.js';
import { saved } from '../../support/apply-result.js';

// Which stored bytes a spliced save keeps, block by block: the promises that let a model move, copy and edit
// blocks of a page without the page losing what only its storage holds.

// Every stretch of Markdown the splice parses, to see how much of a long page a small edit costs.
const parsed = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/content/storage/markdown-parser.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/content/storage/markdown-parser.js')>();
  return {
    ...real,
    parseMarkdownWithReferences: (text: string) => {
      parsed.push(text);
      return real.parseMarkdownWithReferences(text);
    },
  };
});

// A group of storage that writes two Markdown blocks; a conversion of them gives two paragraphs without the div.
const twoBlocks = '<div class="note"><p>a</p><p>b</p></div>';

describe('a group of storage that wrote several Markdown blocks', () => {
  it('is converted when any of its blocks is edited, not only its first', () => {
    const storage = `${twoBlocks}<p>c</p>`;
    const { markdown } = storageToEditableMarkdown(storage);
    expect(markdown).toBe('a\n\nb\n\nc');
    expect(saved(spliceEditedMarkdown(storage, 'a\n\nb, edited\n\nc'))).toBe(
      '<p>a</p><p>b, edited</p><p>c</p>',
    );
  });

  it('keeps its bytes when moved whole past more blocks than it holds', () => {
    const storage = `${twoBlocks}<p>x</p><p>y</p><p>z</p>`;
    expect(saved(spliceEditedMarkdown(storage, 'x\n\ny\n\nz\n\na\n\nb'))).toBe(
      `<p>x</p><p>y</p><p>z</p>${twoBlocks}`,
    );
  });

  it('is converted when moved with one of its blocks edited', () => {
    const storage = `${twoBlocks}<p>x</p><p>y</p><p>z</p>`;
    expect(saved(spliceEditedMarkdown(storage, 'x\n\ny\n\nz\n\na\n\nb, edited'))).toBe(
      '<p>x</p><p>y</p><p>z</p><p>a</p><p>b, edited</p>',
    );
  });
});

describe('blocks copied to a new place', () => {
  it('leave the original where it was, byte for byte, and save the copy as new', () => {
    const storage = `<p>Y</p>${twoBlocks}`;
    expect(saved(spliceEditedMarkdown(storage, 'a\n\nb\n\nY\n\na\n\nb'))).toBe(
      `<p>a</p><p>b</p><p>Y</p>${twoBlocks}`,
    );
  });

  it('inserted before blocks that stay, leave those blocks their bytes', () => {
    const kept = '<p class="k">Q</p>';
    const storage = `<p>P</p><p>X</p>${kept}<p>R</p>`;
    expect(saved(spliceEditedMarkdown(storage, 'P\n\nQ\n\nY\n\nQ\n\nR'))).toBe(
      `<p>P</p><p>Q</p><p>Y</p>${kept}<p>R</p>`,
    );
  });

  it('after the blocks they copy, leave those blocks their bytes when the blocks around them changed', () => {
    const a = '<p class="a">A</p>';
    const b = '<p class="b">B</p>';
    // Neither end of the page is the same, so it is the longest run left in order (A, B) that keeps its bytes.
    expect(saved(spliceEditedMarkdown(`${a}${b}<p>X</p>`, 'B\n\nC\n\nA\n\nB\n\nZ'))).toBe(
      `<p>B</p><p>C</p>${a}${b}<p>Z</p>`,
    );
  });

  it('around identical blocks, leave each of them its own bytes', () => {
    const first = '<p class="first">A</p>';
    const second = '<p class="second">A</p>';
    expect(saved(spliceEditedMarkdown(`${first}${second}`, 'B\n\nA\n\nA\n\nC'))).toBe(
      `<p>B</p>${first}${second}<p>C</p>`,
    );
  });

  it('do not take a block that its own storage already claimed', () => {
    const b = '<p class="b">b</p>';
    const storage = `${twoBlocks}<p>x</p><p>y</p><p>z</p>${b}`;
    // The div's blocks come back after x, y and z, but its b is the b that was already there: the div is
    // converted and that b keeps its bytes.
    expect(saved(spliceEditedMarkdown(storage, 'x\n\ny\n\nz\n\na\n\nb'))).toBe(
      `<p>x</p><p>y</p><p>z</p><p>a</p>${b}`,
    );
  });

  it('between blocks that the edit reorders, go to the longest run of blocks left in order', () => {
    const storage = ['A', 'B', 'C', 'D', 'E'].map((name) => `<p class="${name}">${name}</p>`).join('');
    // B, C and D keep their order; A and E move. The unchanged run keeps its bytes, and so do the moved ones.
    expect(saved(spliceEditedMarkdown(storage, 'E\n\nB\n\nC\n\nD\n\nA'))).toBe(
      ['E', 'B', 'C', 'D', 'A'].map((name) => `<p class="${name}">${name}</p>`).join(''),
    );
  });
});

describe('a save that converts the whole Markdown, since it defines link references', () => {
  it('still gives emoticons and macros back what the page stored of them', () => {
    const emoticon =
      '<ac:emoticon ac:name="smile" ac:emoji-shortname=":slight_smile:" ac:emoji-id="1f642" ac:emoji-fallback="🙂"/>';
    const storage = `<p>x ${emoticon} ok</p><p>See <a href="https://example.com/a">the guide</a>.</p>`;
    const { markdown } = storageToEditableMarkdown(storage);
    const edited = `${markdown}\n\nAlso [the guide][g].\n\n[g]: https://example.com/g`;
    expect(saved(spliceEditedMarkdown(storage, edited))).toBe(
      `${storage}<p>Also <a href="https://example.com/g">the guide</a>.</p>`,
    );
  });
});

describe('a small edit of a long page', () => {
  it('parses only the stretch around the edit', () => {
    const paragraphs = Array.from({ length: 200 }, (_, i) => `<p>Paragraph ${i} of the page.</p>`);
    const storage = paragraphs.join('');
    const { markdown } = storageToEditableMarkdown(storage);
    for (const at of [0, 100, 199]) {
      parsed.length = 0;
      const edited = markdown.replace(`Paragraph ${at} of`, `Paragraph ${at}, edited, of`);
      const expected = paragraphs.map((p, i) => (i === at ? p.replace(' of', ', edited, of') : p)).join('');
      expect(saved(spliceEditedMarkdown(storage, edited))).toBe(expected);
      // Both texts are parsed (original and edited), each only a few paragraphs around the edit.
      expect(parsed).toHaveLength(2);
      for (const text of parsed) expect(text.split('\n\n').length).toBeLessThanOrEqual(3);
    }
  });
});
