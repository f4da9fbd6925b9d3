import { describe, expect, it } from 'vitest';
import { markdownToStorage, storageProblem } from '../../../src/content/markdown-to-storage.js';

/** Converts and checks the result is well-formed, as every test here expects. */
function convert(markdown: string, options?: Parameters<typeof markdownToStorage>[1]): string {
  const storage = markdownToStorage(markdown, options);
  expect(storageProblem(storage)).toBeUndefined();
  return storage;
}

const macro = (name: string, inner: string) =>
  `<ac:structured-macro ac:name="${name}" ac:schema-version="1">${inner}</ac:structured-macro>`;
const param = (name: string, value: string) => `<ac:parameter ac:name="${name}">${value}</ac:parameter>`;

describe('markdownToStorage: text and blocks', () => {
  it('writes headings, paragraphs and inline formatting', () => {
    expect(convert('# Title\n\nSome *em*, **strong**, ~~gone~~ and `code`.')).toBe(
      '<h1>Title</h1><p>Some <em>em</em>, <strong>strong</strong>, <s>gone</s> and <code>code</code>.</p>',
    );
  });

  it('keeps <u>, <sub>, <sup> and <br> and drops tags it does not know, keeping their text', () => {
    expect(convert('<u>under</u> H<sub>2</sub>O x<sup>2</sup><br>next <span class="x">kept</span>')).toBe(
      '<p><u>under</u> H<sub>2</sub>O x<sup>2</sup><br />next kept</p>',
    );
  });

  it('escapes &, <, > and " and writes entities as characters', () => {
    expect(convert('a & b < c > d "e" &nbsp;&copy; &foo; \\<tag>')).toBe(
      '<p>a &amp; b &lt; c &gt; d &quot;e&quot; \u00a0© &amp;foo; &lt;tag&gt;</p>',
    );
  });

  it('removes characters XML cannot hold', () => {
    expect(convert('a\u0001b\u0008c\ud800d')).toBe('<p>abc\ufffdd</p>');
  });

  it('writes hard breaks, blockquotes and thematic breaks', () => {
    expect(convert('one\\\ntwo  \nthree\n\n> quoted\n\n---')).toBe(
      '<p>one<br />two<br />three</p><blockquote><p>quoted</p></blockquote><hr />',
    );
  });

  it('closes unbalanced inline HTML so the output stays well-formed', () => {
    expect(convert('<u>open **bold</u> still** </sup> end')).toBe(
      '<p><u>open <strong>bold still</strong>  end</u></p>',
    );
  });

  it('drops scripts and styles with their content', () => {
    expect(convert('a <script>alert(1)</script> b\n\n<style>\np { color: red }\n</style>\n\nc')).toBe(
      '<p>a  b</p><p>c</p>',
    );
  });
});

describe('markdownToStorage: links, mentions and images', () => {
  it('writes URL links as <a href> and keeps the destination exactly', () => {
    expect(convert('[RFC](https://example.com/a_(b)?x=1&y=%20) and <https://example.com>')).toBe(
      '<p><a href="https://example.com/a_(b)?x=1&amp;y=%20">RFC</a> and <a href="https://example.com">https://example.com</a></p>',
    );
  });

  it('links to pages by space and title, with an anchor and a body only when it differs from the title', () => {
    expect(convert('[Notes](<confluence-page:ENG/Release notes#v2>) [Home](confluence-page:Home)')).toBe(
      '<p><ac:link ac:anchor="v2"><ri:page ri:space-key="ENG" ri:content-title="Release notes" />' +
        '<ac:plain-text-link-body><![CDATA[Notes]]></ac:plain-text-link-body></ac:link> ' +
        '<ac:link><ri:page ri:content-title="Home" /></ac:link></p>',
    );
  });

  it('reads percent-encoded reference components back exactly', () => {
    expect(convert('[x](<confluence-page:ENG/A%2FB %23 c>)')).toContain('ri:content-title="A/B # c"');
  });

  it('writes formatted link text as a rich link body', () => {
    expect(convert('[**bold** page](confluence-page:Home)')).toBe(
      '<p><ac:link><ri:page ri:content-title="Home" /><ac:link-body><strong>bold</strong> page</ac:link-body></ac:link></p>',
    );
  });

  it('links anchors, attachments, blog posts, spaces and content ids', () => {
    const storage = convert(
      '[top](#top) [f](<confluence-attachment:a b.pdf>) [g](<confluence-attachment:ENG/Other page/g.png>) ' +
        '[post](<confluence-blog-post:ENG/2026%2F03%2F20/Launch>) [s](confluence-space:ENG) [c](confluence-content:123)',
    );
    expect(storage).toContain('<ac:link ac:anchor="top"></ac:link>');
    expect(storage).toContain('<ri:attachment ri:filename="a b.pdf" />');
    expect(storage).toContain(
      '<ri:attachment ri:filename="g.png"><ri:page ri:space-key="ENG" ri:content-title="Other page" /></ri:attachment>',
    );
    expect(storage).toContain(
      '<ri:blog-post ri:space-key="ENG" ri:posting-day="2026/03/20" ri:content-title="Launch" />',
    );
    expect(storage).toContain('<ri:space ri:space-key="ENG" />');
    expect(storage).toContain('<ri:content-entity ri:content-id="123" />');
  });

  it('writes mentions with the account id only', () => {
    expect(convert('Hi [@Ann Lee](confluence-user:712020:abc-1)!')).toBe(
      '<p>Hi <ac:link><ri:user ri:account-id="712020:abc-1" /></ac:link>!</p>',
    );
  });

  it('writes images of URLs and attachments, leaving out alt text equal to the file name', () => {
    expect(
      convert(
        '![Diagram](confluence-attachment:d.png) ![d.png](confluence-attachment:d.png) ![x](https://e.com/i.png "T")',
      ),
    ).toBe(
      '<p><ac:image ac:alt="Diagram"><ri:attachment ri:filename="d.png" /></ac:image> ' +
        '<ac:image><ri:attachment ri:filename="d.png" /></ac:image> ' +
        '<ac:image ac:alt="x"><ri:url ri:value="https://e.com/i.png" /><ac:caption><p>T</p></ac:caption></ac:image></p>',
    );
  });

  it('keeps only the text of script and data links, written as Markdown or as HTML', () => {
    expect(
      convert(
        '[a](javascript:alert(1)) <a href="javascript:alert(2)">b</a> <a href=" data:text/html,x">c</a>',
      ),
    ).toBe('<p>[a](javascript:alert(1)) b c</p>');
  });

  it('links bare URLs but not file names that look like domains', () => {
    expect(convert('see https://example.com/x and README.md')).toBe(
      '<p>see <a href="https://example.com/x">https://example.com/x</a> and README.md</p>',
    );
  });
});

describe('markdownToStorage: lists and tasks', () => {
  it('writes nested lists with paragraphs in items and an ordered list start', () => {
    expect(convert('3. three\n4. four\n   - nested\n     1. deep')).toBe(
      '<ol start="3"><li><p>three</p></li><li><p>four</p><ul><li><p>nested</p><ol><li><p>deep</p></li></ol></li></ul></li></ol>',
    );
  });

  it('writes task lists with numbered ids, status and nested tasks in the body', () => {
    expect(convert('- [x] Ship [@A](confluence-user:u1)\n- [ ] Review\n  - [ ] nested')).toBe(
      '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status>' +
        '<ac:task-body>Ship <ac:link><ri:user ri:account-id="u1" /></ac:link></ac:task-body></ac:task>' +
        '<ac:task><ac:task-id>2</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Review' +
        '<ac:task-list><ac:task><ac:task-id>3</ac:task-id><ac:task-status>incomplete</ac:task-status>' +
        '<ac:task-body>nested</ac:task-body></ac:task></ac:task-list></ac:task-body></ac:task></ac:task-list>',
    );
  });

  it('splits a list mixing tasks and plain items into a task list and a list, numbering from firstTaskId', () => {
    expect(convert('- [ ] task\n- plain\n- \\[ ] escaped', { firstTaskId: 40 })).toBe(
      '<ac:task-list><ac:task><ac:task-id>40</ac:task-id><ac:task-status>incomplete</ac:task-status>' +
        '<ac:task-body>task</ac:task-body></ac:task></ac:task-list><ul><li><p>plain</p></li><li><p>[ ] escaped</p></li></ul>',
    );
  });
});

describe('markdownToStorage: tables', () => {
  it('writes a pipe table with the header row as th', () => {
    expect(convert('| a | b |\n| --- | --- |\n| 1 | x<br>y \\| z |')).toBe(
      '<table data-layout="default"><tbody><tr><th><p>a</p></th><th><p>b</p></th></tr>' +
        '<tr><td><p>1</p></td><td><p>x<br />y | z</p></td></tr></tbody></table>',
    );
  });

  it('reads HTML tables with merged cells, inline Markdown cells and block Markdown cells', () => {
    const markdown = [
      '<table>',
      '<tr>',
      '<th colspan="2">Both **bold**</th>',
      '</tr>',
      '<tr>',
      '<td rowspan="2">',
      '',
      '1. first',
      '2. second',
      '',
      '</td>',
      '<td>one</td>',
      '</tr>',
      '</table>',
    ].join('\n');
    expect(convert(markdown)).toBe(
      '<table data-layout="default"><tbody><tr><th colspan="2"><p>Both <strong>bold</strong></p></th></tr>' +
        '<tr><td rowspan="2"><ol><li><p>first</p></li><li><p>second</p></li></ol></td><td><p>one</p></td></tr>' +
        '</tbody></table>',
    );
  });

  it('nests a table in a cell and closes cells and rows the HTML leaves open', () => {
    expect(convert('<table><tr><td>\n\n| in |\n| --- |\n\n</td><td>open\n<tr><td>next row')).toBe(
      '<table data-layout="default"><tbody><tr><td><table data-layout="default"><tbody><tr><th><p>in</p></th></tr>' +
        '</tbody></table></td><td><p>open</p></td></tr><tr><td><p>next row</p></td></tr></tbody></table>',
    );
  });
});

describe('markdownToStorage: macros', () => {
  it('writes fenced code as a code macro with language, title and parameters, splitting ]]>', () => {
    expect(convert('```python title="setup.py" linenumbers="true"\nx = "]]>"\n```')).toBe(
      macro(
        'code',
        `${param('language', 'python')}${param('title', 'setup.py')}${param('linenumbers', 'true')}` +
          '<ac:plain-text-body><![CDATA[x = "]]]]><![CDATA[>"]]></ac:plain-text-body>',
      ),
    );
  });

  it('keeps a final newline written as a last blank line, and reads indented code and noformat', () => {
    expect(convert('```\na\n\n```')).toBe(
      macro('code', '<ac:plain-text-body><![CDATA[a\n]]></ac:plain-text-body>'),
    );
    expect(convert('    indented')).toBe(
      macro('code', '<ac:plain-text-body><![CDATA[indented]]></ac:plain-text-body>'),
    );
    expect(convert('```noformat\nraw\n```')).toBe(
      macro('noformat', '<ac:plain-text-body><![CDATA[raw]]></ac:plain-text-body>'),
    );
  });

  it('turns GitHub alerts into the panels storageToMarkdown maps to them, with a bold title line', () => {
    const kinds = ['NOTE', 'TIP', 'IMPORTANT', 'WARNING', 'CAUTION'].map(
      (kind) => /ac:name="(\w+)"/.exec(convert(`> [!${kind}]\n> body`))?.[1],
    );
    expect(kinds).toEqual(['info', 'tip', 'note', 'note', 'warning']);
    expect(convert('> [!NOTE]\n> **Heads up**\n>\n> One')).toBe(
      macro('info', `${param('title', 'Heads up')}<ac:rich-text-body><p>One</p></ac:rich-text-body>`),
    );
    expect(convert('> [!TIP]\n> **Bold** start of the body')).toBe(
      macro('tip', '<ac:rich-text-body><p><strong>Bold</strong> start of the body</p></ac:rich-text-body>'),
    );
  });

  it('turns <details> into an expand macro, leaving out the default title', () => {
    expect(convert('<details>\n<summary>More &lt;info&gt;</summary>\n\nHidden\n\n</details>')).toBe(
      macro(
        'expand',
        `${param('title', 'More &lt;info&gt;')}<ac:rich-text-body><p>Hidden</p></ac:rich-text-body>`,
      ),
    );
    expect(convert('<details>\n<summary>Click here to expand...</summary>\n\nx\n\n</details>')).toBe(
      macro('expand', '<ac:rich-text-body><p>x</p></ac:rich-text-body>'),
    );
  });

  it('turns status lozenges into status macros', () => {
    expect(convert('State: `[STATUS: IN PROGRESS (yellow)]`')).toBe(
      `<p>State: ${macro('status', `${param('colour', 'Yellow')}${param('title', 'IN PROGRESS')}`)}</p>`,
    );
  });

  it('turns markers into their macros: alone as a block, inline in text, never when escaped', () => {
    expect(convert('[Table of contents]')).toBe(macro('toc', ''));
    expect(
      convert('See [Child pages] and \\[Attachments] and [Content by label (labels=howto, spaces=ENG)]'),
    ).toBe(
      `<p>See ${macro('children', '')} and [Attachments] and ` +
        `${macro('contentbylabel', `${param('labels', 'howto')}${param('spaces', 'ENG')}`)}</p>`,
    );
  });

  it('leaves the unknown-macro placeholder of storageToMarkdown as text', () => {
    expect(convert('[Confluence macro: jira (key=ENG-1)]')).toBe(
      '<p>[Confluence macro: jira (key=ENG-1)]</p>',
    );
  });
});

describe('markdownToStorage: emoticons and dates', () => {
  it('turns the emoji of legacy emoticons back into ac:emoticon and leaves other emoji as text', () => {
    expect(convert('✅ done ⚠️ 👍 🚀')).toBe(
      '<p><ac:emoticon ac:name="tick" /> done <ac:emoticon ac:name="warning" /> <ac:emoticon ac:name="thumbs-up" /> 🚀</p>',
    );
  });

  it('keeps ISO dates in plain text as text; a chip is asked for with confluence-date: or <time>', () => {
    expect(convert('## 2026-03-04\n\nDue 2026-03-01, released 2024-01-15')).toBe(
      '<h2>2026-03-04</h2><p>Due 2026-03-01, released 2024-01-15</p>',
    );
    expect(
      convert(
        'Due [2026-03-01](confluence-date:), [x](confluence-date:2026-03-02), ' +
          '<time datetime="2026-03-03">2026-03-03</time>, [not a date](confluence-date:)',
      ),
    ).toBe(
      '<p>Due <time datetime="2026-03-01" />, <time datetime="2026-03-02" />, <time datetime="2026-03-03" />, ' +
        'not a date</p>',
    );
  });

  it('with dateChips, turns ISO dates into date chips, except in headings with other text, in code and in links', () => {
    expect(
      convert(
        '## 2026-03-04\n\n## Sync 2026-03-04\n\nDue 2026-03-01, `2026-01-01`, [2026-01-02](#x), 2026-02-30',
        { dateChips: true },
      ),
    ).toBe(
      '<h2><time datetime="2026-03-04" /></h2><h2>Sync 2026-03-04</h2>' +
        '<p>Due <time datetime="2026-03-01" />, <code>2026-01-01</code>, <ac:link ac:anchor="x">' +
        '<ac:plain-text-link-body><![CDATA[2026-01-02]]></ac:plain-text-link-body></ac:link>, 2026-02-30</p>',
    );
    expect(convert('Due 2026-03-01', { dateChips: false })).toBe('<p>Due 2026-03-01</p>');
  });
});
