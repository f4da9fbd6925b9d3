import { describe, expect, it } from 'vitest';
import {
  type StorageToMarkdownOptions,
  storageToMarkdown,
} from '../../../src/content/storage-to-markdown.js';

const options: StorageToMarkdownOptions = {
  userName: (accountId) => (accountId === '712020:jane' ? 'Jane Doe' : undefined),
  pageUrl: (title, spaceKey) =>
    title === 'Known' ? `https://acme.atlassian.net/wiki/spaces/${spaceKey ?? 'HOME'}/pages/1` : undefined,
  attachmentUrl: (filename) =>
    filename === 'known.pdf' ? 'https://acme.atlassian.net/wiki/download/attachments/1/known.pdf' : undefined,
};

function inline(storage: string, withOptions: StorageToMarkdownOptions = {}): string {
  return storageToMarkdown(`<p>${storage}</p>`, withOptions);
}

describe('storageToMarkdown: inline', () => {
  it('writes strong, emphasis and strikethrough, moving edge spaces outside the delimiters', () => {
    expect(
      inline('<strong>b</strong> <b> b2 </b>x <em>e</em> <i>i</i> <s>s</s> <del>d</del> <strike>k</strike>'),
    ).toBe('**b** **b2** x *e* *i* ~~s~~ ~~d~~ ~~k~~');
  });

  it('merges adjacent identical wrappers and ignores a wrapper nested in itself', () => {
    expect(inline('<strong>a</strong><strong>b</strong> <strong>x <strong>y</strong></strong>')).toBe(
      '**ab** **x y**',
    );
  });

  it('keeps underline, subscript and superscript as inline HTML', () => {
    expect(inline('<u>under</u> H<sub>2</sub>O x<sup>2</sup>')).toBe(
      '<u>under</u> H<sub>2</sub>O x<sup>2</sup>',
    );
  });

  it('writes inline code with a fence longer than the backtick runs inside it', () => {
    expect(inline('<code>plain</code> <code>a`b</code> <code>``x``</code> <code>*not emphasis*</code>')).toBe(
      '`plain` ``a`b`` ` ``x`` ` `*not emphasis*`',
    );
  });

  it('writes HTML links, bare or in angle brackets when the URL needs it', () => {
    expect(
      inline(
        '<a href="https://e.com/a_(b)">one</a> <a href="https://e.com/x y">two</a> <a href="https://e.com"></a>',
      ),
    ).toBe('[one](https://e.com/a_(b)) [two](<https://e.com/x y>) [https://e.com](https://e.com)');
  });

  it('links to another page by its URL when pageUrl knows it, with the link body as text', () => {
    const storage =
      '<ac:link><ri:page ri:content-title="Known" ri:space-key="ENG" />' +
      '<ac:plain-text-link-body><![CDATA[the *notes*]]></ac:plain-text-link-body></ac:link>';
    expect(inline(storage, options)).toBe(
      '[the \\*notes\\*](https://acme.atlassian.net/wiki/spaces/ENG/pages/1)',
    );
  });

  it('links to an unknown page with a confluence-page reference keeping space and title', () => {
    const storage =
      '<ac:link><ri:page ri:content-title="Release notes" ri:space-key="ENG" /></ac:link> ' +
      '<ac:link><ri:page ri:content-title="A/B #1" /><ac:link-body><em>rich</em> body</ac:link-body></ac:link>';
    expect(inline(storage, options)).toBe(
      '[Release notes](<confluence-page:ENG/Release notes>) [*rich* body](<confluence-page:A%2FB %231>)',
    );
  });

  it('links to anchors on this page and on other pages', () => {
    const storage =
      '<ac:link ac:anchor="setup"><ac:plain-text-link-body><![CDATA[Setup]]></ac:plain-text-link-body></ac:link> ' +
      '<ac:link ac:anchor="faq"><ri:page ri:content-title="Help" ri:space-key="DOC" /></ac:link>';
    expect(inline(storage)).toBe('[Setup](#setup) [Help](confluence-page:DOC/Help#faq)');
  });

  it('links attachments through attachmentUrl, else by a reference keeping the filename', () => {
    const storage =
      '<ac:link><ri:attachment ri:filename="known.pdf" /></ac:link> ' +
      '<ac:link><ri:attachment ri:filename="spec v2.pdf" /></ac:link> ' +
      '<ac:link><ri:attachment ri:filename="x.png"><ri:page ri:content-title="Other" ri:space-key="ENG" /></ri:attachment></ac:link>';
    expect(inline(storage, options)).toBe(
      '[known.pdf](https://acme.atlassian.net/wiki/download/attachments/1/known.pdf) ' +
        '[spec v2.pdf](<confluence-attachment:spec v2.pdf>) [x.png](confluence-attachment:ENG/Other/x.png)',
    );
  });

  it('writes a mention with the display name and always the account id', () => {
    const storage =
      'Ask <ac:link><ri:user ri:account-id="712020:jane" /></ac:link> or ' +
      '<ac:link><ri:user ri:account-id="557058:unknown" /></ac:link>';
    expect(inline(storage, options)).toBe(
      'Ask [@Jane Doe](confluence-user:712020:jane) or [@557058:unknown](confluence-user:557058:unknown)',
    );
  });

  it('links spaces, blog posts and URL targets of ac:link', () => {
    const storage =
      '<ac:link><ri:space ri:space-key="ENG" /></ac:link> ' +
      '<ac:link><ri:blog-post ri:content-title="News" ri:space-key="ENG" ri:posting-day="2024/01/02" /></ac:link> ' +
      '<ac:link><ri:url ri:value="https://e.com" /><ac:plain-text-link-body><![CDATA[site]]></ac:plain-text-link-body></ac:link>';
    expect(inline(storage)).toBe(
      '[ENG](confluence-space:ENG) [News](confluence-blog-post:ENG/2024%2F01%2F02/News) [site](https://e.com)',
    );
  });

  it('writes images of attachments and URLs, alt text from ac:alt else the filename', () => {
    const storage =
      '<ac:image ac:alt="Architecture"><ri:attachment ri:filename="arch.png" /></ac:image> ' +
      '<ac:image><ri:attachment ri:filename="known.pdf" /></ac:image> ' +
      '<ac:image ac:width="200"><ri:url ri:value="https://e.com/img/logo.png" /></ac:image> <img src="/a.gif" alt="A" />';
    expect(inline(storage, options)).toBe(
      '![Architecture](confluence-attachment:arch.png) ' +
        '![known.pdf](https://acme.atlassian.net/wiki/download/attachments/1/known.pdf) ' +
        '![logo.png](https://e.com/img/logo.png) ![A](/a.gif)',
    );
  });

  it("takes an image's fallback alt text from the URL's path, not its query", () => {
    const storage =
      '<ac:image><ri:url ri:value="https://e.com/img/banner.png?size=large&amp;v=2#top" /></ac:image>';
    expect(inline(storage, options)).toBe('![banner.png](https://e.com/img/banner.png?size=large&v=2#top)');
  });

  it('writes emoticons as emoji from the fallback, the emoji id or the legacy name', () => {
    const storage =
      '<ac:emoticon ac:name="tick" /> <ac:emoticon ac:name="blue-star" ac:emoji-shortname=":rocket:" ' +
      'ac:emoji-id="1f680" ac:emoji-fallback="🚀" /> <ac:emoticon ac:name="x" ac:emoji-id="1f44d" ' +
      'ac:emoji-fallback=":thumbsup:" /> <ac:emoticon ac:name="mystery" />';
    expect(inline(storage)).toBe('✅ 🚀 👍 :mystery:');
  });

  it('writes a date chip as a confluence-date: link to its date, plain dates as text', () => {
    expect(inline('Due <time datetime="2026-03-01" />, not 2026-03-02.')).toBe(
      'Due [2026-03-01](confluence-date:), not 2026-03-02.',
    );
    expect(inline('<a href="https://e.com">by <time datetime="2026-03-01" /></a>')).toBe(
      '[by 2026-03-01](https://e.com)',
    );
  });

  it('escapes an exclamation mark that would turn a following link into an image', () => {
    expect(inline('Wow!<a href="https://e.com">link</a>')).toBe('Wow\\![link](https://e.com)');
  });
});
