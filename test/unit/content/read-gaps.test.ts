import { describe, expect, it } from 'vitest';
import { markdownToStorage, storageProblem } from '../../../src/content/markdown-to-storage.js';
import { applyEditedMarkdown, storageToEditableMarkdown } from '../../../src/content/preservation.js';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';

function back(markdown: string): string {
  const storage = markdownToStorage(markdown);
  expect(storageProblem(storage)).toBeUndefined();
  return storage;
}

function editAndSave(storage: string, edit: (markdown: string) => string = (markdown) => markdown): string {
  const { markdown, preserved } = storageToEditableMarkdown(storage);
  const result = applyEditedMarkdown(edit(markdown), preserved);
  if ('refused' in result) throw new Error(result.refused);
  expect(storageProblem(result.storage)).toBeUndefined();
  return result.storage;
}

describe("a mention's own link text", () => {
  const own =
    '<p>Ask <ac:link><ri:user ri:account-id="557058:u1" /><ac:plain-text-link-body><![CDATA[Jane from billing]]>' +
    '</ac:plain-text-link-body></ac:link> first.</p>';

  it('is shown as the link text, without the @ of a generated mention', () => {
    expect(storageToMarkdown(own, { userName: () => 'Jane Smith' })).toBe(
      'Ask [Jane from billing](confluence-user:557058:u1) first.',
    );
    expect(
      storageToMarkdown('<p><ac:link><ri:user ri:account-id="u2" /></ac:link></p>', { userName: () => 'Bo' }),
    ).toBe('[@Bo](confluence-user:u2)');
  });

  it('is written back as the link body; a generated @name is not', () => {
    expect(back(storageToMarkdown(own))).toBe(own);
    expect(editAndSave(own, (markdown) => markdown.replace('first', 'today'))).toBe(
      own.replace('first', 'today'),
    );
    expect(back('[@Bo](confluence-user:u2)')).toBe(
      '<p><ac:link><ri:user ri:account-id="u2" /></ac:link></p>',
    );
  });
});
