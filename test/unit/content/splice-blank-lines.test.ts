import { describe, expect, it } from 'vitest';
import { spliceEditedMarkdown, storageToEditableMarkdown } from '../../../src/content/preservation.js';
import { saved } from '../../support/apply-result.js';

// Edits that also change the blank lines between blocks: a model often leaves an extra empty line behind. The
// blocks kept after the change must stay the ones they were, in their place, whatever the blank lines before them.

const bold = '<p><b>a</b></p>';
const em = '<p><em>b</em></p>';

describe('an extra blank line between blocks', () => {
  it('does not shift the blocks kept after the change, when a block is added at the end', () => {
    const storage = bold.repeat(3) + em.repeat(2);
    expect(storageToEditableMarkdown(storage).markdown).toBe('**a**\n\n**a**\n\n**a**\n\n*b*\n\n*b*');
    expect(saved(spliceEditedMarkdown(storage, '**a**\n\n\n**a**\n\n**a**\n\n*b*\n\n*b*\n\n*b*'))).toBe(
      bold.repeat(3) + em.repeat(3),
    );
  });

  it('puts a block added at the end of a run of equal blocks at the end', () => {
    const storage = bold.repeat(5);
    const edited = `**a**\n\n\n${Array(5).fill('**a**').join('\n\n')}`;
    expect(saved(spliceEditedMarkdown(storage, edited))).toBe(`${bold.repeat(5)}<p><strong>a</strong></p>`);
  });

  it('keeps the blocks after a deleted one as they were', () => {
    const storage = bold.repeat(3) + em;
    expect(saved(spliceEditedMarkdown(storage, '**a**\n\n\n**a**\n\n*b*'))).toBe(bold.repeat(2) + em);
  });

  it('ends when the last line of a group holds only a space Markdown does not count as blank', () => {
    // A line of U+2003 alone: JavaScript's trim() reads it as blank, Markdown does not.
    const result = spliceEditedMarkdown('<p>a<br/>\u2003</p>', 'z\\\n\u2003');
    expect('storage' in result).toBe(true);
  });
});

describe('constructs kept whole that hold nothing', () => {
  it('keep a layout of empty cells as one piece of storage', () => {
    const storage =
      '<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell/><ac:layout-cell/></ac:layout-section></ac:layout>';
    const { preserved } = storageToEditableMarkdown(storage);
    expect([...preserved.values()]).toEqual([storage]);
  });

  it('keep an empty comment marker and the emoticon after it apart, neither shown as text', () => {
    const { markdown, preserved } = storageToEditableMarkdown(
      '<p>a<ac:inline-comment-marker ac:ref="x"/><ac:emoticon ac:name="zzz"/> b</p>',
    );
    expect([...preserved.values()]).toEqual([
      '<ac:inline-comment-marker ac:ref="x"/>',
      '<ac:emoticon ac:name="zzz"/>',
    ]);
    expect(markdown).not.toContain(':zzz:');
  });
});
