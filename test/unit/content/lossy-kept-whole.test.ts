import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/content/edit/lossy.js';
import { MAX_DEPTH, parseStorage } from '../../../src/content/parse.js';
import { storageToEditableMarkdown } from '../../../src/content/preservation.js';

// What a model is told before it edits: each construct Markdown cannot carry, once, by kind and description.
// These are the constructs kept whole and the odd forms of storage (unnamed macros and parameters, custom emoji,
// dates that are not dates) that the construct table does not cover.

const m = (name: string, inner = '') =>
  `<ac:structured-macro ac:name="${name}">${inner}</ac:structured-macro>`;
const p = (name: string, value: string) => `<ac:parameter ac:name="${name}">${value}</ac:parameter>`;
const listed = (storage: string) =>
  storageToEditableMarkdown(storage).constructs.map(
    ({ kind, description, handling }) => `${kind}|${description}|${handling}`,
  );

// Formatting Markdown drops, which would be listed on its own anywhere else.
const font = '<font color="red">f</font>';

describe('a construct kept whole', () => {
  const cases: [string, string][] = [
    [
      m(
        'code',
        `${p('language', 'java script')}${p('title', font)}<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>`,
      ),
      'macro-parameters',
    ],
    [m('status', `${p('title', 'OK')}${p('subtle', font)}`), 'macro-parameters'],
    [m('toc', p('style', font)), 'macro-parameters'],
    [m('anchor', `<ac:parameter ac:name="">${font}</ac:parameter>`), 'anchor'],
    [m('view-file', p('name', font)), 'macro'],
    [m('mystery', p('a', font)), 'macro'],
    [`<p><ac:link><ri:user ri:userkey="k"/><ac:link-body>${font}</ac:link-body></ac:link></p>`, 'mention'],
    [
      `<p><ac:link><ri:shortcut ri:key="g"/><ac:link-body>${font}</ac:link-body></ac:link></p>`,
      'unknown-element',
    ],
    [
      `<p><ac:image ac:width="30"><ri:attachment ri:filename="a.png"/><ac:caption>${font}</ac:caption></ac:image></p>`,
      'image',
    ],
    [`<p><ac:emoticon ac:name="custom">${font}</ac:emoticon></p>`, 'emoticon'],
    [`<p><time datetime="soon">${font}</time></p>`, 'date'],
    [`<ac:adf-extension><ac:adf-node type="x">${font}</ac:adf-node></ac:adf-extension>`, 'extension'],
    [`<p><math><mi>${font}</mi></math></p>`, 'unknown-element'],
    [`<p><svg><text>${font}</text></svg></p>`, 'unknown-element'],
    [`<ac:unknown>${font}</ac:unknown>`, 'unknown-element'],
    [`<p><ac:placeholder>Type ${font}</ac:placeholder></p>`, 'placeholder'],
    [m('view-file', `${p('name', 'a.pdf')}<ac:rich-text-body><p>${font}</p></ac:rich-text-body>`), 'macro'],
  ];

  it.each(cases)('is listed once, not with what it holds: %s', (storage, kind) => {
    const { constructs, preserved } = storageToEditableMarkdown(storage);
    expect(constructs.map((construct) => construct.kind)).toEqual([kind]);
    expect(preserved.size).toBe(1);
  });
});

describe('a macro kept around its editable body', () => {
  it('is listed once, though its parameters hold formatting, and its body is Markdown', () => {
    const storage = m('mystery', `${p('a', font)}<ac:rich-text-body><p>in</p></ac:rich-text-body>`);
    const { constructs, preserved, markdown } = storageToEditableMarkdown(storage);
    expect(constructs.map((construct) => construct.kind)).toEqual(['macro']);
    expect(preserved.size).toBe(2);
    expect(markdown).toMatch(/-->\n\nin\n\n<!--/);
  });
});

describe('an element the parser cut short for its depth', () => {
  it('is kept whole, as content nested deeper than Markdown is written', () => {
    const root = parseStorage(`${'<div>'.repeat(MAX_DEPTH + 5)}x${'</div>'.repeat(MAX_DEPTH + 5)}`);
    let element = root.children[0];
    while (element?.type === 'element' && !element.truncated) element = element.children[0];
    if (element?.type !== 'element') throw new Error('the parser cut nothing');
    expect(classify(element)).toEqual({
      kind: 'deep-nesting',
      description: 'content nested deeper than Markdown is written',
      keep: 'whole',
    });
  });
});

describe('odd forms of storage', () => {
  it('names an unnamed macro, and an unnamed parameter by its value alone', () => {
    expect(listed(`<ac:structured-macro>${p('a', 'b')}</ac:structured-macro>`)).toEqual([
      'macro|unnamed macro (a=b)|kept',
    ]);
    expect(listed(m('mystery', '<ac:parameter>v</ac:parameter>'))).toEqual(['macro|mystery macro (v)|kept']);
  });

  it('leaves an empty code macro editable, and keeps a code macro whose default parameter is no language', () => {
    expect(listed(m('code'))).toEqual([]);
    const body = '<ac:plain-text-body><![CDATA[x]]></ac:plain-text-body>';
    expect(listed(m('code', `<ac:default-parameter>java script</ac:default-parameter>${body}`))).toEqual([
      'macro-parameters|code macro (java script)|kept',
    ]);
    expect(listed(m('noformat', `${p('language', 'js')}${body}`))).toEqual([
      'macro-parameters|noformat macro (language=js)|kept',
    ]);
  });

  it('keeps a custom emoji, named or not, whose id is no code point', () => {
    const id = '6f3c2d1e-4b5a-4c3d-9e8f-123456abcdef';
    expect(
      listed(`<p><ac:emoticon ac:name="team-logo" ac:emoji-id="${id}" ac:emoji-fallback=":team-logo:"/></p>`),
    ).toEqual(['emoticon|emoticon team-logo|kept']);
    expect(listed('<p><ac:emoticon/></p>')).toEqual(['emoticon|emoticon|kept']);
    expect(listed('<p><ac:emoticon ac:emoji-id="1f600"/></p>')).toEqual([]);
  });

  it('keeps a date whose datetime is not a date, or that stands in an element named like a heading', () => {
    expect(listed('<p><time datetime="T2024-01-01"/></p>')).toEqual(['date|date T2024-01-01|kept']);
    expect(listed('<p><time datetime="2024-01-01Z"/></p>')).toEqual(['date|date 2024-01-01Z|kept']);
    expect(listed('<p><time datetime="2024-01-01"/></p>')).toEqual([]);
    for (const name of ['h1-note', 'note-h1']) {
      expect(listed(`<${name}>On <time datetime="2024-01-01"/></${name}>`)).toEqual([
        `unknown-element|<${name}> element|kept`,
      ]);
    }
    expect(listed('<h2>On <time datetime="2024-01-01"/></h2>')).toEqual(['date|date 2024-01-01|kept']);
  });

  it('reads a link with blank text before its target as a link to that target', () => {
    expect(listed('<p><ac:link> <ri:page ri:content-title="A"/></ac:link></p>')).toEqual([]);
    expect(listed('<p><ac:link> <ri:user ri:userkey="k"/></ac:link></p>')).toEqual([
      'mention|mention of a user without an account id|kept',
    ]);
  });

  it('keeps an image whose only child is no image source', () => {
    expect(listed('<p><ac:image><ri:page ri:content-title="x"/></ac:image></p>')).toEqual([
      'image|image image|kept',
    ]);
  });
});
