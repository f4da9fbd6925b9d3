import { readdirSync, readFileSync } from 'node:fs';
import { it } from 'vitest';
import { markdownToStorage, storageProblem } from '../../../src/content/markdown-to-storage.js';
import { applyEditedMarkdown, storageToEditableMarkdown } from '../../../src/content/preservation.js';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';
it('scratch', () => {
  const dir = 'test/fixtures/content';
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.xml'))) {
    const s = readFileSync(`${dir}/${f}`, 'utf8');
    const md = storageToMarkdown(s);
    const back = markdownToStorage(md);
    const ed = storageToEditableMarkdown(s);
    const r = applyEditedMarkdown(ed.markdown, ed.preserved);
    console.log(f, storageProblem(s) ?? 'ok', storageProblem(back) ?? 'ok', 'storage' in r ? (r.storage === s ? 'IDENT' : 'changed') : r.refused);
    if (process.env.SHOW === f) console.log(md, '\n=====EDIT\n', ed.markdown, '\n=====BACK\n', 'storage' in r ? r.storage : '');
  }
});
