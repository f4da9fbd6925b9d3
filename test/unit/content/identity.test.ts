import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carryIdentity } from '../../../src/content/identity.js';
import { markdownToStorage, storageProblem } from '../../../src/content/markdown-to-storage.js';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';
import { corpus } from '../../fixtures/content/corpus.js';
import { storageFilePages } from '../../fixtures/content/files.js';

const pages = [...corpus(), ...storageFilePages()];

describe('carryIdentity', () => {
  it('changes nothing when the storage was not re-generated', () => {
    for (const { storage } of pages) expect(carryIdentity(storage, storage)).toBe(storage);
  });

  it('gives well-formed storage for every page read as Markdown and written back', () => {
    for (const { name, storage } of pages) {
      const carried = carryIdentity(storage, markdownToStorage(storageToMarkdown(storage)));
      expect(storageProblem(carried), name).toBeUndefined();
    }
  });

  it('gives a mention back its user key or user name', () => {
    const previous =
      '<p>Owner <ac:link><ri:user ri:userkey="8a7f8086" /></ac:link> and <ac:link><ri:user ri:username="jsmith" /></ac:link>.</p>';
    const markdown = storageToMarkdown(previous);
    expect(markdown).toBe(
      'Owner [@8a7f8086](confluence-user:8a7f8086) and [@jsmith](confluence-user:jsmith).',
    );
    expect(markdownToStorage(markdown)).toContain('ri:account-id="8a7f8086"');
    expect(carryIdentity(previous, markdownToStorage(markdown.replace('Owner', 'Owners')))).toBe(
      previous.replace('Owner', 'Owners'),
    );
  });

  it('never breaks well-formed storage, whatever the two inputs hold', () => {
    const piece = fc.constantFrom(
      '<p>text ⭐ 🙂 <ac:emoticon ac:name="blue-star" /></p>',
      '<p><ac:emoticon ac:name="smile" ac:emoji-id="1f642" /> and ✅</p>',
      '<ac:structured-macro ac:name="info" ac:macro-id="x"><ac:rich-text-body><p>⭐</p></ac:rich-text-body></ac:structured-macro>',
      '<ac:structured-macro ac:name="status" ac:macro-id="s"><ac:parameter ac:name="title">A &amp; B</ac:parameter></ac:structured-macro>',
      '<table data-layout="wide" ac:local-id="t"><tbody><tr><td>a</td></tr></tbody></table>',
      '<table><tbody><tr><td><ac:emoticon ac:name="tick" /></td></tr></tbody></table>',
      '<p><ac:link><ri:user ri:userkey="k" /></ac:link></p>',
      '<p><ac:link><ri:user ri:account-id="k" /></ac:link> 👍</p>',
      '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[⭐ <x>]]></ac:plain-text-body></ac:structured-macro>',
      '<p>plain &lt;b&gt; &amp;</p>',
    );
    const page = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(page, page, (previous, regenerated) => {
        expect(storageProblem(carryIdentity(previous, regenerated))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
