import { describe, expect, it } from 'vitest';
import { preservationCheck, storageToEditableMarkdown } from '../../../src/content/preservation.js';

// What Markdown cannot carry, construct by construct: a model is told each one (kind and description) before it
// edits, and `kept` ones stand behind placeholders, so a wrong entry here is either a silent loss or a needless
// placeholder. `[]` means Markdown carries the construct faithfully.
const m = (name: string, inner = '') =>
  `<ac:structured-macro ac:name="${name}">${inner}</ac:structured-macro>`;
const p = (name: string, value: string) => `<ac:parameter ac:name="${name}">${value}</ac:parameter>`;

const TABLE: [string, string[]][] = [
  [m('code', '<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>'), []],
  [m('code', `${p('language', 'js')}<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>`), []],
  [
    m('code', `${p('language', 'java script')}<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>`),
    ['macro-parameters|code macro (language=java script)|kept'],
  ],
  [
    m('code', `${p('language', 'a=b')}<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>`),
    ['macro-parameters|code macro (language=a=b)|kept'],
  ],
  [
    m('code', `${p('title', 'say "hi"')}<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>`),
    ['macro-parameters|code macro (title=say "hi")|kept'],
  ],
  [
    m('code', `${p('title', 'back`tick')}<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>`),
    ['macro-parameters|code macro (title=back`tick)|kept'],
  ],
  [m('code', `${p('title', 'ok')}<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>`), []],
  [
    m(
      'code',
      '<ac:default-parameter>js</ac:default-parameter><ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>',
    ),
    [],
  ],
  [m('code', '<ac:rich-text-body><p>x</p></ac:rich-text-body>'), ['macro-parameters|code macro|kept']],
  [
    m('code', '<ac:plain-text-body><![CDATA[a\r\nb]]></ac:plain-text-body>'),
    ['macro-parameters|code macro|kept'],
  ],
  [m('noformat', '<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>'), []],
  [
    m('noformat', `${p('language', 'js')}<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>`),
    ['macro-parameters|noformat macro (language=js)|kept'],
  ],
  [
    m(
      'code',
      p('title', '<ri:page ri:content-title="P" />') +
        '<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>',
    ),
    ['macro-parameters|code macro|kept'],
  ],
  [m('status', p('title', 'DONE') + p('colour', 'Green')), []],
  [m('status', p('title', 'DONE') + p('color', 'Green')), []],
  [
    m('status', p('title', 'DONE') + p('subtle', 'true')),
    ['macro-parameters|status macro (title=DONE, subtle=true)|kept'],
  ],
  [m('info', '<ac:rich-text-body><p>x</p></ac:rich-text-body>'), []],
  [m('info', `${p('title', 'T')}<ac:rich-text-body><p>x</p></ac:rich-text-body>`), []],
  [
    m('info', `${p('icon', 'false')}<ac:rich-text-body><p>x</p></ac:rich-text-body>`),
    ['macro-parameters|info macro (icon=false)|kept'],
  ],
  [m('tip', '<ac:rich-text-body><p>x</p></ac:rich-text-body>'), []],
  [m('note', '<ac:rich-text-body><p>x</p></ac:rich-text-body>'), []],
  [m('warning', '<ac:rich-text-body><p>x</p></ac:rich-text-body>'), []],
  [m('success', '<ac:rich-text-body><p>x</p></ac:rich-text-body>'), ['macro-parameters|success macro|kept']],
  [m('error'), ['macro-parameters|error macro|kept']],
  [m('expand', `${p('title', 'More')}<ac:rich-text-body><p>x</p></ac:rich-text-body>`), []],
  [
    m('expand', `${p('breakoutMode', 'wide')}<ac:rich-text-body><p>x</p></ac:rich-text-body>`),
    ['macro-parameters|expand macro (breakoutMode=wide)|kept'],
  ],
  [m('quote', '<ac:rich-text-body><p>x</p></ac:rich-text-body>'), []],
  [
    m('quote', `${p('x', 'y')}<ac:rich-text-body><p>x</p></ac:rich-text-body>`),
    ['macro-parameters|quote macro (x=y)|kept'],
  ],
  [m('toc'), []],
  [m('toc', p('maxLevel', '2')), ['macro-parameters|toc macro (maxLevel=2)|kept']],
  [m('contentbylabel', p('labels', 'a')), []],
  [m('recently-updated-dashboard'), ['macro-parameters|recently-updated-dashboard macro|kept']],
  [m('recently-updated'), []],
  [m('anchor', '<ac:default-parameter>intro</ac:default-parameter>'), ['anchor|anchor intro|kept']],
  [m('anchor'), ['anchor|anchor|kept']],
  [m('view-file', p('name', '<ri:attachment ri:filename="a.pdf" />')), ['macro|view-file macro|kept']],
  [m('excerpt', '<ac:rich-text-body><p>x</p></ac:rich-text-body>'), ['macro|excerpt macro|kept']],
  [
    m('panel', `${p('bgColor', 'red')}<ac:rich-text-body><p>x</p></ac:rich-text-body>`),
    ['macro|panel macro (bgColor=red)|kept'],
  ],
  [m('jira', p('key', 'ENG-1')), ['macro|jira macro (key=ENG-1)|kept']],
  [m('', ''), ['macro|unnamed macro|kept']],
  [
    m(' JIRA ', `${p('key', 'ENG-1')}<ac:default-parameter>d</ac:default-parameter>${p('empty', '')}`),
    ['macro|jira macro (key=ENG-1, d)|kept'],
  ],
  [
    m('jira', p('key', 'x'.repeat(80))),
    ['macro|jira macro (key=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)|kept'],
  ],
  [
    m(
      'jira',
      p('a', 'x'.repeat(50)) + p('b', 'y'.repeat(50)) + p('c', 'z'.repeat(50)) + p('d', 'w'.repeat(50)),
    ),
    [
      'macro|jira macro (a=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, b=yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy, c=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz)|kept',
    ],
  ],
  ['<ac:macro ac:name="jira"></ac:macro>', ['macro|jira macro|kept']],
  ['<p><ac:link><ri:user ri:account-id="a1" /></ac:link></p>', []],
  [
    '<p><ac:link><ri:user ri:username="bob" /></ac:link></p>',
    ['mention|mention of a user without an account id|kept'],
  ],
  ['<p><ac:link><ri:page ri:content-title="P" /></ac:link></p>', []],
  ['<p><ac:link><ri:page ri:content-id="1" /></ac:link></p>', ['unknown-element|link to page|kept']],
  ['<p><ac:link><ri:shortcut ri:key="x" /></ac:link></p>', ['unknown-element|link to shortcut|kept']],
  ['<p><ac:link><ac:link-body>x</ac:link-body></ac:link></p>', []],
  ['<p><ac:link><ri:blog-post ri:content-title="B" /></ac:link></p>', []],
  ['<p><ac:link><ri:attachment ri:filename="f" /></ac:link></p>', []],
  ['<p><ac:link><ri:space ri:space-key="S" /></ac:link></p>', []],
  ['<p><ac:link><ri:url ri:value="http://x" /></ac:link></p>', []],
  ['<p><ac:link><ri:content-entity ri:content-id="1" /></ac:link></p>', []],
  ['<p><ac:image><ri:attachment ri:filename="a.png" /></ac:image></p>', []],
  ['<p><ac:image ac:alt="A" ac:title="T"><ri:url ri:value="http://x/a.png" /></ac:image></p>', []],
  [
    '<p><ac:image ac:width="200"><ri:attachment ri:filename="a.png" /></ac:image></p>',
    ['image|image a.png (width 200)|kept'],
  ],
  [
    '<p><ac:image ac:height="200"><ri:url ri:value="http://x/b.png" /></ac:image></p>',
    ['image|image http://x/b.png|kept'],
  ],
  ['<p><ac:image></ac:image></p>', ['image|image image|kept']],
  ['<p><ac:emoticon ac:name="smile" /></p>', []],
  ['<p><ac:emoticon ac:name="blue-star" ac:emoji-fallback="⭐" /></p>', []],
  ['<p><ac:emoticon ac:name="x" ac:emoji-id="1f600" /></p>', []],
  ['<p><ac:emoticon ac:name="x" ac:emoji-id="1f600-200d-1f4bb" /></p>', []],
  ['<p><ac:emoticon ac:name="x" ac:emoji-id="atlassian-x" /></p>', ['emoticon|emoticon x|kept']],
  ['<p><ac:emoticon ac:emoji-fallback=":custom:" /></p>', ['emoticon|emoticon :custom:|kept']],
  ['<p><time datetime="2026-01-02" /></p>', []],
  ['<p><time datetime="2026-01-02T10:00" /></p>', ['date|date 2026-01-02T10:00|kept']],
  ['<h2><time datetime="2026-01-02" /></h2>', []],
  ['<h2>On <time datetime="2026-01-02" /></h2>', ['date|date 2026-01-02|kept|On 2026-01-02']],
  ['<p><time /></p>', ['date|date |kept']],
  [
    '<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><p>a</p></ac:layout-cell></ac:layout-section></ac:layout>',
    ['layout|page layout|kept'],
  ],
  [
    '<ac:layout><ac:layout-section><ac:layout-cell><p>a</p></ac:layout-cell></ac:layout-section></ac:layout>',
    ['layout|page layout|kept'],
  ],
  [
    '<p><ac:inline-comment-marker ac:ref="r">x</ac:inline-comment-marker></p>',
    ['inline-comment|inline comment|kept'],
  ],
  [
    '<ac:adf-extension><ac:adf-node type="decision-list"></ac:adf-node></ac:adf-extension>',
    ['extension|editor extension decision-list|kept'],
  ],
  ['<ac:adf-extension></ac:adf-extension>', ['extension|editor extension|kept']],
  ['<p><ac:placeholder>Type here</ac:placeholder></p>', ['placeholder|instructional text "Type here"|kept']],
  [
    `<p><ac:placeholder>${'y'.repeat(80)}</ac:placeholder></p>`,
    ['placeholder|instructional text "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"|kept'],
  ],
  [
    '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>x</ac:task-body></ac:task></ac:task-list>',
    [],
  ],
  ['<p><ac:unknown-thing /></p>', ['unknown-element|<ac:unknown-thing> element|kept']],
  ['<p><ri:page ri:content-title="x" /></p>', []],
  ['<p><span style="color: red">x</span></p>', ['formatting|style "color: red" on <span>|formatting-lost']],
  ['<p style="text-align: center">x</p>', ['formatting|style "text-align: center" on <p>|formatting-lost']],
  [
    '<p><span style="  MARGIN-left: 3px ">x</span></p>',
    ['formatting|style "MARGIN-left: 3px" on <span>|formatting-lost'],
  ],
  [
    '<p><span style="text-decoration: underline">x</span></p>',
    ['formatting|style "text-decoration: underline" on <span>|formatting-lost'],
  ],
  [
    '<p><span style="padding: 1px">x</span></p>',
    ['formatting|style "padding: 1px" on <span>|formatting-lost'],
  ],
  [
    '<p><span style="font-size: 1px">x</span></p>',
    ['formatting|style "font-size: 1px" on <span>|formatting-lost'],
  ],
  [
    '<p><span style="background: red">x</span></p>',
    ['formatting|style "background: red" on <span>|formatting-lost'],
  ],
  ['<p style="text-indent: 1em">x</p>', ['formatting|style "text-indent: 1em" on <p>|formatting-lost']],
  ['<p><span style="width: 1px">x</span></p>', []],
  [
    '<p><font>x</font><center>y</center><big>b</big><small>s</small><mark>m</mark></p>',
    [
      'formatting|<font> formatting|formatting-lost',
      'formatting|<center> formatting|formatting-lost',
      'formatting|<big> formatting|formatting-lost',
      'formatting|<small> formatting|formatting-lost',
      'formatting|<mark> formatting|formatting-lost',
    ],
  ],
  [
    '<table><tbody><tr><td data-highlight-colour="#fff">x</td><th data-highlight-colour="#000">y</th></tr></tbody></table>',
    ['formatting|cell colour #fff|formatting-lost', 'formatting|cell colour #000|formatting-lost'],
  ],
  [
    '<table data-layout="wide"><tbody><tr><td>x</td></tr></tbody></table>',
    ['formatting|table layout wide|formatting-lost'],
  ],
  ['<table data-layout="default"><tbody><tr><td>x</td></tr></tbody></table>', []],
  [
    '<table><colgroup><col style="width: 10px" /><col /></colgroup><tbody><tr><td>x</td></tr></tbody></table>',
    ['formatting|table column widths|formatting-lost'],
  ],
  ['<pre>x</pre>', ['formatting|preformatted text (becomes a code block)|formatting-lost']],
  [`<h1>H</h1><p>a</p>${m('jira', p('key', 'E'))}`, ['macro|jira macro (key=E)|kept|H']],
];

describe('preservationCheck, construct by construct', () => {
  it.each(TABLE)('%s', (storage, expected) => {
    const found = preservationCheck(storage).lossy.map((c) =>
      [c.kind, c.description, c.handling, ...(c.heading === undefined ? [] : [c.heading])].join('|'),
    );
    expect(found).toEqual(expected);
  });

  it('says where each construct is in the storage', () => {
    const storage = `<p>a</p>${m('jira', p('key', 'E'))}<p><span style="color: red">x</span></p>`;
    const [macro, colour] = preservationCheck(storage).lossy;
    expect(storage.slice(macro?.start, macro?.end)).toBe(m('jira', p('key', 'E')));
    expect(storage.slice(colour?.start, colour?.end)).toBe('<span style="color: red">x</span>');
  });

  it('names the parts of a layout in its placeholders: the layout, each section with its type, each column', () => {
    const storage =
      '<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><p>a</p></ac:layout-cell>' +
      '<ac:layout-cell><p>b</p></ac:layout-cell></ac:layout-section>' +
      '<ac:layout-section><ac:layout-cell><p>c</p></ac:layout-cell></ac:layout-section></ac:layout>';
    const { markdown } = storageToEditableMarkdown(storage);
    expect(markdown.split('\n').filter((line) => line.startsWith('<!--'))).toEqual([
      '<!-- confluence-keep 1: start of page layout, start of layout section two_equal, start of layout column -->',
      '<!-- confluence-keep 2: end of layout column, start of layout column -->',
      '<!-- confluence-keep 3: end of layout column, end of layout section two_equal, start of layout section, start of layout col… -->',
      '<!-- confluence-keep 4: end of layout column, end of layout section, end of page layout -->',
    ]);
  });
});
