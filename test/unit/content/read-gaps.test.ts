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

describe('image captions', () => {
  const captioned =
    '<p><ac:image ac:alt="Request flow"><ri:attachment ri:filename="flow.png" />' +
    '<ac:caption><p>Figure 1: browser to <em>database</em></p></ac:caption></ac:image></p>';

  it('are shown as the image title', () => {
    expect(storageToMarkdown(captioned)).toBe(
      '![Request flow](confluence-attachment:flow.png "Figure 1: browser to database")',
    );
    expect(
      storageToMarkdown(
        '<p><ac:image><ri:url ri:value="https://e.com/a.png" /><ac:caption><p>Say "hi"</p></ac:caption></ac:image></p>',
      ),
    ).toBe('![a.png](https://e.com/a.png "Say \\"hi\\"")');
  });

  it('are written back from the image title', () => {
    expect(back(storageToMarkdown(captioned))).toBe(
      '<p><ac:image ac:alt="Request flow"><ri:attachment ri:filename="flow.png" />' +
        '<ac:caption><p>Figure 1: browser to database</p></ac:caption></ac:image></p>',
    );
    expect(back('![a.png](https://e.com/a.png "Say \\"hi\\" & go")')).toBe(
      '<p><ac:image><ri:url ri:value="https://e.com/a.png" /><ac:caption><p>Say &quot;hi&quot; &amp; go</p></ac:caption></ac:image></p>',
    );
    // Editing next to a captioned image keeps the image, caption and all, byte for byte.
    const page = `${captioned}<p>Text.</p>`;
    const saved = editAndSave(page, (markdown) => markdown.replace('Text.', 'New text.'));
    expect(saved).toContain(captioned.slice(3, -4));
    expect(saved).toContain('<p>New text.</p>');
  });
});

describe('Cloud ADF panels and expands', () => {
  const adfPanel = (type: string, extra = '') =>
    `<ac:adf-extension><ac:adf-node type="panel"><ac:adf-attribute key="panel-type">${type}</ac:adf-attribute>${extra}` +
    '<ac:adf-content><p>Read-only during the <strong>migration</strong>.</p></ac:adf-content></ac:adf-node>' +
    '<ac:adf-fallback><div class="panel"><div class="panelContent"><p>Read-only during the <strong>migration</strong>.</p></div></div></ac:adf-fallback></ac:adf-extension>';
  const adfExpand =
    '<ac:adf-extension><ac:adf-node type="expand"><ac:adf-attribute key="title">How do I reset?</ac:adf-attribute>' +
    '<ac:adf-content><p>Use <em>Forgot password</em>.</p></ac:adf-content></ac:adf-node>' +
    '<ac:adf-fallback><p>Use <em>Forgot password</em>.</p></ac:adf-fallback></ac:adf-extension>';

  it('read as the callout and the expand they are', () => {
    expect(storageToMarkdown(adfPanel('info'))).toBe('> [!NOTE]\n> Read-only during the **migration**.');
    expect(storageToMarkdown(adfPanel('note'))).toMatch(/^> \[!IMPORTANT\]\n/);
    expect(storageToMarkdown(adfPanel('success'))).toMatch(/^> \[!TIP\]\n/);
    expect(storageToMarkdown(adfPanel('warning'))).toMatch(/^> \[!WARNING\]\n/);
    expect(storageToMarkdown(adfPanel('error'))).toMatch(/^> \[!CAUTION\]\n/);
    expect(
      storageToMarkdown(adfPanel('custom', '<ac:adf-attribute key="panel-icon-text">🚀</ac:adf-attribute>')),
    ).toBe('> [!NOTE]\n> **🚀**\n>\n> Read-only during the **migration**.');
    expect(storageToMarkdown(adfExpand)).toBe(
      '<details>\n<summary>How do I reset?</summary>\n\nUse *Forgot password*.\n\n</details>',
    );
  });

  it('convert back to a panel and an expand macro that read the same', () => {
    for (const storage of [adfPanel('info'), adfPanel('error'), adfExpand]) {
      const markdown = storageToMarkdown(storage);
      const saved = back(markdown);
      expect(saved).toMatch(/^<ac:structured-macro ac:name="(?:info|warning|expand)"/);
      expect(storageToMarkdown(saved)).toBe(markdown);
    }
  });
});

describe('macros naming users by userkey or username', () => {
  const page =
    '<p><ac:structured-macro ac:name="profile" ac:schema-version="1"><ac:parameter ac:name="user"><ri:user ri:username="jsmith" /></ac:parameter></ac:structured-macro></p>' +
    '<p><ac:structured-macro ac:name="profile-picture" ac:schema-version="1"><ac:parameter ac:name="User"><ri:user ri:userkey="8a7f8086" /></ac:parameter></ac:structured-macro></p>';

  it('show the user they name', () => {
    expect(storageToMarkdown(page)).toBe(
      '[Confluence macro: profile (user=jsmith)]\n\n[Confluence macro: profile-picture (User=8a7f8086)]',
    );
  });

  it('are kept byte for byte when the page around them is edited', () => {
    const { markdown } = storageToEditableMarkdown(page);
    expect(markdown).toContain('profile macro (user=jsmith)');
    expect(markdown).toContain('profile-picture macro (User=8a7f8086)');
    const saved = editAndSave(page, (text) => `${text}\n\nAdded.`);
    for (const macro of page
      .split('<p>')
      .map((part) => part.replace('</p>', ''))
      .filter(Boolean)) {
      expect(saved).toContain(macro);
    }
    expect(saved).toContain('<p>Added.</p>');
  });
});

describe('complex tables in HTML form', () => {
  const storage =
    '<table><tbody><tr><th colspan="2"><p>Region</p></th></tr>' +
    '<tr><td><p><strong>eu-west</strong> see <a href="https://e.com">plan</a></p></td><td><p>12 nodes</p></td></tr></tbody></table>';

  it('write cells Markdown would format in block form, so GFM renders them', () => {
    expect(storageToMarkdown(storage)).toBe(
      '<table>\n<tr>\n<th colspan="2">Region</th>\n</tr>\n<tr>\n<td>\n\n**eu-west** see [plan](https://e.com)\n\n</td>\n' +
        '<td>12 nodes</td>\n</tr>\n</table>',
    );
  });

  it('read block-form cells back as the same cells', () => {
    const saved = back(storageToMarkdown(storage));
    expect(saved).toContain('<th colspan="2"><p>Region</p></th>');
    expect(saved).toContain('<td><p><strong>eu-west</strong> see <a href="https://e.com">plan</a></p></td>');
    expect(storageToMarkdown(saved)).toBe(storageToMarkdown(storage));
  });
});
