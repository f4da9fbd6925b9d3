import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownToStorage, storageProblem } from '../../../src/content/markdown-to-storage.js';
import { applyEditedMarkdown, storageToEditableMarkdown } from '../../../src/content/preservation.js';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';
import { storageFilePages } from '../../fixtures/content/files.js';

const pages = storageFilePages();
const readme = readFileSync(new URL('../../fixtures/content/README.md', import.meta.url), 'utf8');

describe('the storage corpus in test/fixtures/content', () => {
  it('holds 30 or more documents, each listed in the README', () => {
    expect(pages.length).toBeGreaterThanOrEqual(30);
    for (const { name } of pages) expect(readme, name).toContain(`\`${name.replace(/^file\//, '')}\``);
  });

  it.each(pages)(
    '$name: is well-formed storage and reads as Markdown that converts back well-formed',
    ({ storage }) => {
      expect(storageProblem(storage)).toBeUndefined();
      expect(storageProblem(markdownToStorage(storageToMarkdown(storage)))).toBeUndefined();
    },
  );

  it.each(pages)(
    '$name: saved unedited from editable Markdown, keeps every preserved fragment in order',
    ({ storage }) => {
      const { markdown, preserved } = storageToEditableMarkdown(storage);
      const result = applyEditedMarkdown(markdown, preserved, { previous: storage });
      if ('refused' in result) throw new Error(result.refused);
      expect(storageProblem(result.storage)).toBeUndefined();
      let position = 0;
      for (const [id, fragment] of preserved) {
        const found = result.storage.indexOf(fragment, position);
        expect(found, `fragment ${id}`).toBeGreaterThanOrEqual(0);
        position = found + fragment.length;
      }
    },
  );
});
