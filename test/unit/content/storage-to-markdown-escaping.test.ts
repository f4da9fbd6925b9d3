import { describe, expect, it } from 'vitest';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';

describe('storageToMarkdown: escaping', () => {
  it('escapes emphasis, code and link characters in text', () => {
    expect(storageToMarkdown('<p>2 * 3 = `six` [draft] _private_ a\\*b</p>')).toBe(
      '2 \\* 3 = \\`six\\` \\[draft] \\_private\\_ a\\\\\\*b',
    );
  });

  it('leaves ordinary prose alone: intraword underscores, lone tildes, backslashes before letters', () => {
    expect(
      storageToMarkdown('<p>snake_case_name about ~5 min C:\\Users\\ann 5 &lt; 6 &amp; 7 # tag - dash</p>'),
    ).toBe('snake_case_name about ~5 min C:\\Users\\ann 5 < 6 & 7 # tag - dash');
  });

  it('escapes what would start a heading, quote, list or thematic break at a line start', () => {
    const storage =
      '<p># not heading</p><p>&gt; not quote</p><p>- not item</p><p>+ not item</p><p>1. not ordered</p>' +
      '<p>2) nor this</p><p>---</p><p>title<br />===</p>';
    expect(storageToMarkdown(storage)).toBe(
      '\\# not heading\n\n\\> not quote\n\n\\- not item\n\n\\+ not item\n\n1\\. not ordered\n\n2\\) nor this\n\n' +
        '\\---\n\ntitle\\\n\\===',
    );
  });

  it('escapes text that looks like HTML tags or entities', () => {
    expect(storageToMarkdown('<p>&lt;div&gt; and &amp;amp; and &lt;!-- x</p>')).toBe(
      '\\<div> and \\&amp; and \\<!-- x',
    );
  });

  it('escapes pairs of tildes that would strike text through', () => {
    expect(storageToMarkdown('<p>~a~ and ~~b~~</p>')).toBe('\\~a\\~ and \\~\\~b\\~\\~');
  });

  it('escapes closing brackets only inside link text', () => {
    expect(storageToMarkdown('<p>[a] <a href="https://e.com">x]y</a></p>')).toBe(
      '\\[a] [x\\]y](https://e.com)',
    );
  });

  it('never escapes inside code', () => {
    expect(storageToMarkdown('<p><code>*a* _b_ [c] # d</code></p>')).toBe('`*a* _b_ [c] # d`');
  });
});
