import { describe, expect, it } from 'vitest';
import { markdownToStorage, storageProblem } from '../../../src/content/markdown-to-storage.js';
import { applyEditedMarkdown, storageToEditableMarkdown } from '../../../src/content/preservation.js';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';

/** Storage to editable Markdown, `edit` applied to it, and back: what a partly edited block saves as. */
function editAndSave(storage: string, edit: (markdown: string) => string = (markdown) => markdown): string {
  const { markdown, preserved } = storageToEditableMarkdown(storage);
  const result = applyEditedMarkdown(edit(markdown), preserved);
  if ('refused' in result) throw new Error(result.refused);
  expect(storageProblem(result.storage)).toBeUndefined();
  return result.storage;
}

function back(markdown: string): string {
  const storage = markdownToStorage(markdown);
  expect(storageProblem(storage)).toBeUndefined();
  return storage;
}

describe('dates: plain text stays plain, chips stay chips', () => {
  const storage = '<p>Released 2024-01-15, next review <time datetime="2024-02-01" />.</p>';

  it('reads a chip as a confluence-date: link and a plain date as text', () => {
    expect(storageToMarkdown(storage)).toBe(
      'Released 2024-01-15, next review [2024-02-01](confluence-date:).',
    );
  });

  it('writes back a chip only where the Markdown has one', () => {
    expect(back(storageToMarkdown(storage))).toBe(storage);
    expect(editAndSave(storage, (markdown) => markdown.replace('Released', 'Shipped'))).toBe(
      '<p>Shipped 2024-01-15, next review <time datetime="2024-02-01" />.</p>',
    );
    expect(back('Shipped on 2024-01-15 and 2024-02-29.')).toBe(
      '<p>Shipped on 2024-01-15 and 2024-02-29.</p>',
    );
  });
});

describe('non-breaking spaces at emphasis edges', () => {
  const storage = '<p>word<em>&nbsp;text</em> and <strong>bold&nbsp;</strong>end</p>';

  it('moves them outside the delimiters, where they do not stop the emphasis', () => {
    expect(storageToMarkdown(storage)).toBe('word\u00a0*text* and **bold**\u00a0end');
  });

  it('reads back as emphasis with the non-breaking spaces kept, never literal asterisks', () => {
    const saved = editAndSave(storage, (markdown) => markdown.replace('and', 'or'));
    expect(saved).toBe('<p>word\u00a0<em>text</em> or <strong>bold</strong>\u00a0end</p>');
    expect(saved).not.toContain('*');
    expect(back('a&nbsp;*b*&nbsp;c')).toBe('<p>a\u00a0<em>b</em>\u00a0c</p>');
  });
});

describe('status lozenges keep their title case', () => {
  const storage =
    '<p>State: <ac:structured-macro ac:name="status" ac:schema-version="1"><ac:parameter ac:name="colour">Yellow</ac:parameter>' +
    '<ac:parameter ac:name="title">In progress</ac:parameter></ac:structured-macro> now</p>';

  it('shows capitals for reading, as Confluence does, and the stored title for editing', () => {
    expect(storageToMarkdown(storage)).toBe('State: `[STATUS: IN PROGRESS (yellow)]` now');
    expect(storageToEditableMarkdown(storage).markdown).toBe('State: `[STATUS: In progress (yellow)]` now');
  });

  it('saves the title as stored', () => {
    const saved = editAndSave(storage, (markdown) => markdown.replace('now', 'today'));
    expect(saved).toContain('<ac:parameter ac:name="title">In progress</ac:parameter>');
    expect(saved).toContain(' today</p>');
    expect(back('`[STATUS: Done (green)]`')).toContain('<ac:parameter ac:name="title">Done</ac:parameter>');
  });
});

describe('a panel whose first paragraph is bold', () => {
  const untitled =
    '<ac:structured-macro ac:name="info" ac:schema-version="1"><ac:rich-text-body><p><strong>Heads up</strong></p>' +
    '<p>The bold line is not a title.</p></ac:rich-text-body></ac:structured-macro>';
  const titled =
    '<ac:structured-macro ac:name="info" ac:schema-version="1"><ac:parameter ac:name="title">Real title</ac:parameter>' +
    '<ac:rich-text-body><p><strong>Heads up</strong></p></ac:rich-text-body></ac:structured-macro>';

  it('keeps the bold paragraph apart from the alert marker', () => {
    expect(storageToMarkdown(untitled)).toBe(
      '> [!NOTE]\n>\n> **Heads up**\n>\n> The bold line is not a title.',
    );
    expect(storageToMarkdown(titled)).toBe('> [!NOTE]\n> **Real title**\n>\n> **Heads up**');
  });

  it('does not turn it into a title when saved', () => {
    const saved = editAndSave(untitled, (markdown) => markdown.replace('not a title', 'no title'));
    expect(saved).not.toContain('ac:name="title"');
    expect(saved).toContain('<p><strong>Heads up</strong></p><p>The bold line is no title.</p>');
    const savedTitled = back(storageToMarkdown(titled));
    expect(savedTitled).toContain('<ac:parameter ac:name="title">Real title</ac:parameter>');
    expect(savedTitled).toContain('<p><strong>Heads up</strong></p>');
  });
});
