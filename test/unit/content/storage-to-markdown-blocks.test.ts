import { describe, expect, it } from 'vitest';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';

describe('storageToMarkdown: blocks', () => {
  it('writes headings h1 to h6 with hashes', () => {
    const storage = '<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>';
    expect(storageToMarkdown(storage)).toBe(
      '# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six',
    );
  });

  it('drops empty headings and escapes a trailing hash that would close one', () => {
    expect(storageToMarkdown('<h2> </h2><h2>C# issue #</h2>')).toBe('## C# issue \\#');
  });

  it('separates paragraphs with a blank line and skips empty ones', () => {
    const storage = '<p>First</p><p>&nbsp;</p><p><br /></p><p>Second</p>';
    expect(storageToMarkdown(storage)).toBe('First\n\nSecond');
  });

  it('collapses insignificant whitespace like a browser', () => {
    const storage = '<p>\n  Some   text\n  <strong> bold </strong>\tand\n<em>more</em>  </p>';
    expect(storageToMarkdown(storage)).toBe('Some text **bold** and *more*');
  });

  it('writes <br /> as a hard break and two in a row as a paragraph break', () => {
    expect(storageToMarkdown('<p>one<br />two<br/><br/>three<br/></p>')).toBe('one\\\ntwo\n\nthree');
  });

  it('writes <hr /> as a thematic break', () => {
    expect(storageToMarkdown('<p>a</p><hr /><p>b</p>')).toBe('a\n\n---\n\nb');
  });

  it('writes blockquotes, keeping their paragraphs inside the quote', () => {
    expect(storageToMarkdown('<blockquote><p>one</p><p>two</p></blockquote><p>after</p>')).toBe(
      '> one\n>\n> two\n\nafter',
    );
  });

  it('decodes XML and HTML named entities, keeping a non-breaking space as such', () => {
    const storage = '<p>a&nbsp;b &mdash; it&rsquo;s &amp; &lt;x&gt; &#8212; &#x1F600; &hellip;</p>';
    expect(storageToMarkdown(storage)).toBe('a\u00a0b — it’s & \\<x> — 😀 …');
  });

  it('writes nested unordered and ordered lists with CommonMark indentation', () => {
    const storage =
      '<ul><li>one<ul><li>one.a<ol><li>first</li><li>second</li></ol></li></ul></li><li>two</li></ul>';
    expect(storageToMarkdown(storage)).toBe('- one\n  - one.a\n    1. first\n    2. second\n- two');
  });

  it('numbers an ordered list from its start attribute and indents to the content column', () => {
    const storage = '<ol start="9"><li>nine</li><li>ten<ul><li>inner</li></ul></li></ol>';
    expect(storageToMarkdown(storage)).toBe('9. nine\n10. ten\n    - inner');
  });

  it('keeps paragraphs, code blocks and tables inside a list item', () => {
    const storage =
      '<ul><li><p>para one</p><p>para two</p>' +
      '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[x = 1]]></ac:plain-text-body></ac:structured-macro>' +
      '<table><tbody><tr><th>h</th></tr><tr><td>c</td></tr></tbody></table></li><li>next</li></ul>';
    expect(storageToMarkdown(storage)).toBe(
      '- para one\n\n  para two\n\n  ```\n  x = 1\n  ```\n\n  | h |\n  | --- |\n  | c |\n- next',
    );
  });

  it('keeps a nested list written beside its <li> and shows an empty item', () => {
    const storage = '<ul><li>a</li><ul><li>b</li></ul><li></li></ul>';
    expect(storageToMarkdown(storage)).toBe('- a\n  - b\n-');
  });

  it('writes <pre> as a fenced code block keeping its whitespace', () => {
    expect(storageToMarkdown('<pre>\n  indented\n\tTab &amp; more</pre>')).toBe(
      '```\n  indented\n\tTab & more\n```',
    );
  });

  it('writes layout cells in reading order, separating cells of a section', () => {
    const storage =
      '<ac:layout><ac:layout-section ac:type="single"><ac:layout-cell><h1>Top</h1></ac:layout-cell></ac:layout-section>' +
      '<ac:layout-section ac:type="two_equal"><ac:layout-cell><p>Left</p></ac:layout-cell>' +
      '<ac:layout-cell><p>Right</p></ac:layout-cell></ac:layout-section>' +
      '<ac:layout-section ac:type="two_equal"><ac:layout-cell><p /></ac:layout-cell>' +
      '<ac:layout-cell><p>Only</p></ac:layout-cell></ac:layout-section></ac:layout>';
    expect(storageToMarkdown(storage)).toBe('# Top\n\nLeft\n\n---\n\nRight\n\nOnly');
  });

  it('renders the fallback of an editor extension node', () => {
    const storage =
      '<ac:adf-extension><ac:adf-node type="decision-list"><ac:adf-attribute ac:name="id">1</ac:adf-attribute>' +
      '</ac:adf-node><ac:adf-fallback><ul><li>Decided</li></ul></ac:adf-fallback></ac:adf-extension>';
    expect(storageToMarkdown(storage)).toBe('- Decided');
  });

  it('returns an empty string for empty or whitespace-only storage', () => {
    expect(storageToMarkdown('')).toBe('');
    expect(storageToMarkdown('  \n <p> </p> ')).toBe('');
  });
});
