import { describe, expect, it } from 'vitest';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';

/** A small deterministic PRNG so failures reproduce. */
function random(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % below;
  };
}

const FRAGMENTS = [
  '<p>',
  '</p>',
  '<ul>',
  '<li>',
  '</li>',
  '</ul>',
  '<ol start="x">',
  '</ol>',
  '<table>',
  '<tr>',
  '<td colspan="3">',
  '<th rowspan="-1">',
  '</td>',
  '</tr>',
  '</table>',
  '<ac:structured-macro ac:name="code">',
  '<ac:structured-macro ac:name="info">',
  '<ac:structured-macro ac:name="expand">',
  '<ac:structured-macro ac:name="jira">',
  '<ac:structured-macro ac:name="status">',
  '</ac:structured-macro>',
  '<ac:parameter ac:name="title">',
  '</ac:parameter>',
  '<ac:rich-text-body>',
  '</ac:rich-text-body>',
  '<ac:plain-text-body>',
  '<![CDATA[',
  ']]>',
  '<ac:link>',
  '</ac:link>',
  '<ri:page ri:content-title="T" />',
  '<ri:user ri:account-id="1"/>',
  '<ri:attachment ri:filename="f"/>',
  '<ac:plain-text-link-body>',
  '<ac:image>',
  '<ac:task-list>',
  '<ac:task>',
  '<ac:task-status>complete',
  '<ac:task-body>',
  '<ac:layout>',
  '<ac:layout-section>',
  '<ac:layout-cell>',
  '<strong>',
  '</strong>',
  '<em>',
  '<code>',
  '<br>',
  '<hr>',
  '<a href="x y">',
  '</a>',
  '<blockquote>',
  '<pre>',
  '<h1>',
  '</h2>',
  '&nbsp;',
  '&amp;',
  '&bogus;',
  '&#0;',
  '&#x110000;',
  '&#xD800;',
  'text',
  ' ',
  '\n',
  '*',
  '_',
  '#',
  '- ',
  '1. ',
  '`',
  '|',
  '<',
  '>',
  '&',
  '"',
  '<!--',
  '-->',
  '<?xml version="1.0"?>',
  '<!DOCTYPE html>',
  '<x:y:z a=b c>',
  '</',
  '<>',
  '\u0000',
  '\ud800',
  '😀',
  '<ac:emoticon ac:emoji-id="zz" ac:emoji-fallback=""/>',
  '<time datetime="2020"/>',
  '<img src="a.png">',
  '<ac:adf-extension>',
];

describe('storageToMarkdown: robustness', () => {
  it('closes unclosed elements where the input ends', () => {
    expect(storageToMarkdown('<p>one <strong>two <em>three')).toBe('one **two *three***');
  });

  it('ignores close tags that close nothing', () => {
    expect(storageToMarkdown('</p></ul>text</li><p>a</b>c</p>')).toBe('text\n\nac');
  });

  it('closes list items, paragraphs and cells implicitly as HTML does', () => {
    expect(storageToMarkdown('<ul><li>a<li>b</ul><p>x<p>y')).toBe('- a\n- b\n\nx\n\ny');
    expect(storageToMarkdown('<table><tr><td>a<tr><td>b</table>')).toBe('| a |\n| --- |\n| b |');
  });

  it('keeps a stray ]]> as text', () => {
    expect(storageToMarkdown('<p>a ]]> b</p>')).toBe('a ]]> b');
  });

  it('keeps an unterminated CDATA section of a code macro', () => {
    const storage = '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[let x = 1;';
    expect(storageToMarkdown(storage)).toBe('```\nlet x = 1;\n```');
  });

  it('shows the content of elements in unknown namespaces', () => {
    expect(storageToMarkdown('<foo:bar x="1"><p>inside</p></foo:bar>')).toBe('inside');
  });

  it('survives garbage, comments, declarations and invalid entities', () => {
    const storage = '<?xml version="1.0"?><!DOCTYPE x><p>kept<!-- gone --> &#0; &#xD800; &bogus; &amp</p><<>';
    expect(storageToMarkdown(storage)).toBe('kept \ufffd \ufffd \\&bogus; &amp');
  });

  it('flattens a 5 MB document of lists nested 100k levels deep without overflowing the stack', () => {
    const depth = 100_000;
    const open: string[] = [];
    for (let level = 0; level < depth; level++)
      open.push(`<ul><li><p>item at level ${level} of the list</p>`);
    const storage = open.join('') + '</li></ul>'.repeat(depth);
    expect(storage.length).toBeGreaterThan(5_000_000);
    const markdown = storageToMarkdown(storage);
    expect(
      markdown.startsWith('- item at level 0 of the list\n  - item at level 1 of the list\n    - item'),
    ).toBe(true);
    // Past the depth limit the items' text is kept as one run of words.
    expect(markdown).toContain('item at level 150 of the list item at level 151 of the list');
    expect(markdown.endsWith('item at level 99999 of the list')).toBe(true);
  }, 60_000);

  it('flattens deeply nested unclosed inline markup', () => {
    const markdown = storageToMarkdown(`${'<strong><em><span>'.repeat(50_000)}deep`);
    expect(markdown).toBe('***deep***');
  });

  it('converts a 1 MB page', () => {
    const sections: string[] = [];
    for (let index = 0, size = 0; size < 1_000_000; index++) {
      const section =
        `<h2>Section ${index}</h2><p>Some <strong>bold</strong> text, <a href="https://e.com/${index}">a link</a>` +
        ` and entities&nbsp;&mdash;here.</p><ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>` +
        '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">ts</ac:parameter>' +
        `<ac:plain-text-body><![CDATA[const x = ${index};]]></ac:plain-text-body></ac:structured-macro>` +
        `<table><tbody><tr><th>A</th><th>B</th></tr><tr><td>${index}</td><td>v</td></tr></tbody></table>`;
      sections.push(section);
      size += section.length;
    }
    const storage = sections.join('');
    expect(storage.length).toBeGreaterThan(1_000_000);
    const markdown = storageToMarkdown(storage);
    const last = sections.length - 1;
    expect(markdown).toContain(`## Section ${last}\n\nSome **bold** text, [a link](https://e.com/${last})`);
    expect(markdown).toContain(
      `\`\`\`ts\nconst x = ${last};\n\`\`\`\n\n| A | B |\n| --- | --- |\n| ${last} | v |`,
    );
  }, 30_000);

  it('returns a string for a few hundred random inputs built from storage fragments', () => {
    const next = random(20260301);
    for (let run = 0; run < 400; run++) {
      const parts: string[] = [];
      const length = 1 + next(80);
      for (let index = 0; index < length; index++) {
        parts.push(
          next(12) === 0 ? String.fromCharCode(next(0x3000)) : (FRAGMENTS[next(FRAGMENTS.length)] ?? ''),
        );
      }
      const storage = parts.join('');
      const markdown = storageToMarkdown(storage);
      expect(typeof markdown).toBe('string');
      expect(storageToMarkdown(storage)).toBe(markdown);
    }
  });

  it('keeps every word of randomly nested well-formed content', () => {
    const next = random(7);
    let counter = 0;
    const word = (): string => `w${counter++}x`;
    const inline = (depth: number): string => {
      const kind = next(depth > 3 ? 2 : 6);
      if (kind === 0) return word();
      if (kind === 1) return `${word()} ${word()}`;
      if (kind === 2) return `<strong>${inline(depth + 1)}</strong> ${word()}`;
      if (kind === 3) return `<em>${inline(depth + 1)}</em><br />${word()}`;
      if (kind === 4) return `<a href="https://e.com">${inline(depth + 1)}</a>`;
      return `<code>${word()}</code>`;
    };
    const block = (depth: number): string => {
      const kind = next(depth > 4 ? 1 : 8);
      if (kind === 0) return `<p>${inline(depth)}</p>`;
      if (kind === 1) return `<ul><li>${block(depth + 1)}</li><li>${inline(depth)}</li></ul>`;
      if (kind === 2) return `<ol><li>${inline(depth)}${block(depth + 1)}</li></ol>`;
      if (kind === 3) return `<table><tr><td>${block(depth + 1)}</td><td>${inline(depth)}</td></tr></table>`;
      if (kind === 4) return `<blockquote>${block(depth + 1)}</blockquote>`;
      if (kind === 5) {
        return `<ac:structured-macro ac:name="info"><ac:rich-text-body>${block(depth + 1)}</ac:rich-text-body></ac:structured-macro>`;
      }
      if (kind === 6) {
        return `<ac:task-list><ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>${inline(depth)}</ac:task-body></ac:task></ac:task-list>`;
      }
      return `<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[${word()}]]></ac:plain-text-body></ac:structured-macro>`;
    };
    for (let run = 0; run < 200; run++) {
      const first = counter;
      const storage = block(0) + block(0) + block(0);
      const markdown = storageToMarkdown(storage);
      for (let id = first; id < counter; id++) expect(markdown).toContain(`w${id}x`);
    }
  });
});
